"""Search forms at region scale: a user whose rows spread over many schools types part of a name
instead of scrolling a drop-down of the region's pupils, classes or staff; school users keep their
drop-downs; code columns are drop-downs of Russian names; no forged condition breaks a page."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import func, select

from app.models import Consultation, Mark, UsageSnapshot
from app.security import roles as R
from app.web import search_forms as view_search
from tests.factories import (
    make_assignment,
    make_class,
    make_pupil,
    make_school,
    make_staff,
    make_subject,
    make_user,
)
from tests.i18n_helpers import search_form_fields

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
SHOWN_MARK = re.compile(r"/markview/show/(\d+)")
WARNING = re.compile(r'class="alert alert-warning[^"]*"[^>]*>.*?</button>\s*(.*?)\s*</div>', re.S)

# Lists that name the rows of many schools, by who opens them (the administrator opens every list;
# the ministry and the monitoring role open the region's monitoring and school lists).
REGION_LISTS = {
    "admin": ["/markview/list/", "/pupilview/list/", "/classgroupview/list/", "/teachingassignmentview/list/",
              "/substitutionview/list/", "/subgroupview/list/", "/usagesnapshotview/list/", "/roles/list/",
              "/groups/list/"],
    "ministry": ["/usagesnapshotview/list/", "/schoolview/list/", "/consultationview/list/"],
    "monitor": ["/usagesnapshotview/list/", "/schoolview/list/"],
}


def _options(page: str) -> int:
    """<option>s on the page, those of the search form's inputs (carried as JSON) included."""
    return page.count("<option") + sum(field.count("<option") for field in search_form_fields(page).values())


def _shown_marks(page: str) -> set[int]:
    return {int(pk) for pk in SHOWN_MARK.findall(page)}


def _warnings(page: str) -> list[str]:
    return [html.unescape(text) for text in WARNING.findall(page)]


def _another_school(session, world, n: int = 1):
    """Another school of the other municipality (the region's 72 municipalities are a fixed list),
    with its classes, staff, pupils and load: rows a region-wide user may see, a school user not."""
    school = make_school(session, world.municipality_b)
    for grade in range(5, 5 + n):
        teacher = make_staff(session, school)
        group = make_class(session, school, world.year, grade, "В", class_teacher=teacher)
        for _ in range(3):
            make_pupil(session, group)
        make_assignment(session, group, make_subject(session, f"Краеведение {school.id}", school), teacher)
    session.add(UsageSnapshot(school_id=school.id, month=dt.date(2012, 9, 1), source="computed", uses_system=True))
    session.commit()
    return school


@pytest.mark.parametrize("username", sorted(REGION_LISTS))
def test_region_wide_lists_do_not_grow_with_the_regions_schools(world, as_user, session, username):
    client = as_user(username)
    before = {}
    for path in REGION_LISTS[username]:
        response = client.get(path)
        assert response.status_code == 200, path
        before[path] = _options(response.get_data(as_text=True))
    _another_school(session, world, n=4)
    after = {path: _options(client.get(path).get_data(as_text=True)) for path in REGION_LISTS[username]}
    assert after == before


def test_the_administrators_marks_and_pupils_lists_ask_for_a_typed_name(world, as_user):
    client = as_user("admin")
    marks = search_form_fields(client.get("/markview/list/").get_data(as_text=True))
    assert "<option" not in marks["pupil"] and 'type="text"' in marks["pupil"]
    assert "фамилия, имя" in marks["pupil"]  # the placeholder says what to type
    assert "<option" in marks["mark_type"]  # a catalogue of a few work types stays a drop-down
    pupils = search_form_fields(client.get("/pupilview/list/").get_data(as_text=True))
    assert "<option" not in pupils["class_group"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_typed_name_finds_the_pupils_marks_in_any_case_and_with_ё_as_е(world, as_user, session, engine):
    world.pupil_b.last_name = "Семёнов"
    session.commit()
    client = as_user("admin")
    found = _shown_marks(client.get("/markview/list/?_flt_0_pupil=алексеева").get_data(as_text=True))
    assert found == {world.mark_a.id}
    found = _shown_marks(client.get("/markview/list/?_flt_0_pupil=СЕМЕНОВ").get_data(as_text=True))
    assert found == {world.mark_b.id}
    # Every word must match a name or the school: «Борисов» of «СОШ № 1», not of «СОШ № 3».
    found = _shown_marks(client.get("/markview/list/?_flt_0_pupil=Борисов+СОШ+№+1").get_data(as_text=True))
    assert found == {world.mark_a_other.id}
    assert _shown_marks(client.get("/markview/list/?_flt_0_pupil=Борисов+СОШ+№+3").get_data(as_text=True)) == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_name_columns_contains_is_blind_to_case_and_ё(world, as_user, session, engine):
    """FAB's «Фамилия — Содержит» used ilike, which on SQLite folds only Latin letters."""
    world.pupil_a_other.last_name = "Борисёв"
    session.commit()
    client = as_user("director")
    page = client.get("/pupilview/list/?_flt_2_last_name=АЛЕКСЕЕВ").get_data(as_text=True)  # «Содержит»
    assert world.pupil_a.last_name in page and world.sibling_a.last_name in page and "Борисёв" not in page
    assert "Борисёв" in client.get("/pupilview/list/?_flt_2_last_name=борисев").get_data(as_text=True)
    page = client.get("/pupilview/list/?_flt_6_last_name=алексеев").get_data(as_text=True)  # «Не содержит»
    assert world.pupil_a.last_name not in page and "Борисёв" in page
    assert "/pupilview/show/" not in client.get("/pupilview/list/?_flt_2_last_name=%25").get_data(as_text=True)


def test_a_typed_class_finds_the_classes_pupils(world, as_user):
    page = as_user("admin").get("/pupilview/list/?_flt_0_class_group=8б").get_data(as_text=True)
    assert world.pupil_a_other.last_name in page and world.sibling_a.last_name in page
    assert world.pupil_a.last_name not in page and world.pupil_b.last_name not in page


def test_a_typed_name_only_narrows_the_users_rows(world, as_user, monkeypatch):
    """Were a teacher given the text condition, it would still find only the teacher's rows: the
    condition narrows the scope's filter, never replaces it."""
    monkeypatch.setitem(view_search.DROP_DOWN_REACH, view_search.Pupil, 0)
    client = as_user("teacher")
    assert _shown_marks(client.get("/markview/list/?_flt_0_pupil=Алексеева").get_data(as_text=True)) == {world.mark_a.id}
    assert _shown_marks(client.get("/markview/list/?_flt_0_pupil=Васильев").get_data(as_text=True)) == set()
    assert _shown_marks(client.get("/markview/list/?_flt_0_pupil=Борисов").get_data(as_text=True)) == set()


def test_school_users_keep_their_drop_downs(world, as_user, session):
    _another_school(session, world)
    teacher = search_form_fields(as_user("teacher").get("/markview/list/").get_data(as_text=True))
    assert f'value="{world.pupil_a.id}"' in teacher["pupil"]
    director = as_user("director")
    pupils = search_form_fields(director.get("/pupilview/list/").get_data(as_text=True))
    assert f'value="{world.class_a.id}"' in pupils["class_group"]
    page = director.get(f"/markview/list/?_flt_0_pupil={world.pupil_a.id}").get_data(as_text=True)
    assert _shown_marks(page) == {world.mark_a.id}


def test_the_municipal_coordinator_picks_the_municipalitys_schools_from_a_list(world, as_user):
    fields = search_form_fields(as_user("municipal").get("/usagesnapshotview/list/").get_data(as_text=True))
    assert f'value="{world.school_a.id}"' in fields["school"] and f'value="{world.school_b.id}"' not in fields["school"]
    fields = search_form_fields(as_user("ministry").get("/usagesnapshotview/list/").get_data(as_text=True))
    assert "<option" not in fields["school"]


def test_the_snapshots_source_is_searched_by_its_russian_name(world, as_user, session):
    entered = UsageSnapshot(school_id=world.school_a.id, month=dt.date(2012, 9, 1), source="entered", uses_system=True)
    computed = UsageSnapshot(school_id=world.school_b.id, month=dt.date(2012, 9, 1), source="computed", uses_system=True)
    session.add_all([entered, computed])
    session.commit()
    client = as_user("monitor")
    page = client.get("/usagesnapshotview/list/").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)<', search_form_fields(page)["source"])
    assert options == [("computed", "рассчитано"), ("imported", "загружено"), ("entered", "введено вручную")]
    page = client.get("/usagesnapshotview/list/?_flt_0_source=entered").get_data(as_text=True)
    assert f"/usagesnapshotview/show/{entered.id}" in page and f"/usagesnapshotview/show/{computed.id}" not in page
    page = client.get("/usagesnapshotview/list/?_flt_1_source=entered").get_data(as_text=True)  # «Не равно»
    assert f"/usagesnapshotview/show/{entered.id}" not in page and f"/usagesnapshotview/show/{computed.id}" in page
    page = client.get("/usagesnapshotview/list/?_flt_0_source=введено").get_data(as_text=True)
    assert "/usagesnapshotview/show/" not in page
    assert _warnings(page) == ["«Источник»: выберите значение из списка."]


def test_the_consultations_state_is_searched_by_its_russian_name(world, as_user, session):
    def ask(topic, status):
        c = Consultation(municipality_id=world.municipality_a.id, school_id=world.school_a.id, topic=topic,
                         question="?", asked_on=dt.date(2012, 9, 3), status=status)
        session.add(c)
        return c

    new, answered = ask("Новый вопрос", "new"), ask("Отвеченный вопрос", "answered")
    session.commit()
    client = as_user("methodist")
    field = search_form_fields(client.get("/consultationview/list/").get_data(as_text=True))["status"]
    assert ">есть ответ<" in field and 'value="answered"' in field
    page = client.get("/consultationview/list/?_flt_0_status=answered").get_data(as_text=True)
    assert answered.topic in page and new.topic not in page


def test_period_kinds_and_milestone_codes_are_drop_downs_of_russian_names(world, as_user):
    client = as_user("director")
    field = search_form_fields(client.get("/studyperiodview/list/").get_data(as_text=True))["kind"]
    assert 'value="quarter">четверть<' in field and ">триместр<" in field
    page = client.get("/studyperiodview/list/?_flt_0_kind=quarter").get_data(as_text=True)
    assert "1 четверть" in page and _warnings(page) == []
    fields = search_form_fields(client.get("/milestoneview/list/").get_data(as_text=True))
    assert 'value="plan_approved">План внедрения утверждён<' in fields["code"]
    assert 'value="school">каждая школа<' in fields["level"]


LONG = "я" * 101
FORGED = {
    # (user, path with the condition): the Russian reason shown, or None for a normal page
    ("director", "/markview/list/?_flt_0_pupil=abc"): "«Ученик»: выберите значение из списка.",
    ("director", "/markview/list/?_flt_1_pupil=abc"): "«Ученик»: выберите значение из списка.",
    ("director", "/markview/list/?_flt_0_pupil=99999999999999999999"): "«Ученик»: выберите значение из списка.",
    ("director", "/markview/list/?_flt_9_pupil=1"): None,
    ("director", "/pupilview/list/?_flt_2_last_name=%00"): None,
    ("director", "/pupilview/list/?_flt_0_class_group=7А"): "«Класс»: выберите значение из списка.",
    ("admin", "/markview/list/?_flt_0_pupil=abc"): None,
    ("admin", "/markview/list/?_flt_0_pupil="): None,
    ("admin", "/markview/list/?_flt_0_pupil=%00%25_'\""): None,
    ("admin", f"/markview/list/?_flt_0_pupil={LONG}"): "«Ученик»: введите не больше 100 знаков.",
    ("admin", "/markview/list/?_flt_1_pupil=1"): None,
    ("admin", "/pupilview/list/?_flt_0_class_group=%00"): None,
    ("monitor", "/usagesnapshotview/list/?_flt_0_source=%00"): "«Источник»: выберите значение из списка.",
}


@pytest.mark.parametrize("engine", ENGINES)
def test_forged_search_conditions_give_a_normal_page_and_change_nothing(world, as_user, session, engine):
    marks = session.scalar(select(func.count()).select_from(Mark))
    for (username, path), reason in FORGED.items():
        response = as_user(username).get(path)
        assert response.status_code == 200, path
        assert _warnings(response.get_data(as_text=True)) == ([reason] if reason else []), path
    assert session.scalar(select(func.count()).select_from(Mark)) == marks


def test_an_empty_text_or_only_wildcards_find_nothing_extra(world, as_user):
    client = as_user("admin")
    everything = _shown_marks(client.get("/markview/list/").get_data(as_text=True))
    assert _shown_marks(client.get("/markview/list/?_flt_0_pupil=+").get_data(as_text=True)) == everything
    # «%» and «_» are letters here, not LIKE's wildcards.
    assert _shown_marks(client.get("/markview/list/?_flt_0_pupil=%25").get_data(as_text=True)) == set()
    assert _shown_marks(client.get("/markview/list/?_flt_0_pupil=_").get_data(as_text=True)) == set()


def test_a_roles_users_are_found_by_a_typed_login(world, as_user, session, app):
    make_user(session, app.appbuilder.sm, "ivanova_t", R.TEACHER)
    session.commit()
    client = as_user("admin")
    field = search_form_fields(client.get("/roles/list/").get_data(as_text=True))["user"]
    assert "<option" not in field
    page = client.get("/roles/list/?_flt_0_user=IVANOVA").get_data(as_text=True)
    assert R.TEACHER in page and R.SECRETARY not in page


@pytest.mark.parametrize("engine", ENGINES)
def test_every_typed_name_condition_runs_on_both_engines(app, world, as_user, engine):
    """Each list's text condition (pupils, classes, staff, load, subgroups, schools, logins) finds
    rows by a typed word: its SQL runs on SQLite and on PostgreSQL alike."""
    client = as_user("admin")
    checked = []
    for path in REGION_LISTS["admin"]:
        for column, markup in search_form_fields(client.get(path).get_data(as_text=True)).items():
            if 'type="text"' not in markup or "placeholder" not in markup or "maxlength" not in markup:
                continue  # FAB's own text columns (names, topics) have no hint
            response = client.get(f"{path}?_flt_0_{column}=а+1")
            assert response.status_code == 200 and _warnings(response.get_data(as_text=True)) == [], (path, column)
            checked.append(f"{path} {column}")
    assert len(checked) >= 10, checked
