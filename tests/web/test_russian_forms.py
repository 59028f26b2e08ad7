"""Dates, months and numbers in the list pages' forms, search conditions and lists, the Russian way
(app.web.form_fields, app.web.search_forms, app.formats): a date is typed as 23.10.2012 (or ISO)
with a Russian calendar beside it, anything else is a Russian sentence under the field and nothing
is saved; a month is «октябрь 2012»; a number has the decimal comma; schools with numbers in
their names are listed, and offered, in the order of the numbers."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from app.models import Pupil, School, TeachingAssignment, UsageSnapshot
from app.monitoring import registry
from tests.conftest import csrf_token
from tests.factories import make_mark, make_pupil, make_school
from tests.rollout_helpers import make_snapshot

TODAY = dt.date(2012, 10, 19)
INPUT = re.compile(r'<div class="input-group date ru-date"(?P<calendar>[^>]*)>\s*<input (?P<input>[^>]*)>', re.S)


def _date_inputs(page: str) -> dict[str, tuple[str, str]]:
    """{input name: (its value, the calendar's data attributes)} of the page's date inputs."""
    found = {}
    for match in INPUT.finditer(page):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match["input"]))
        found[attributes["name"]] = (attributes.get("value", ""), match["calendar"])
    return found


def _pupil_form(pupil: Pupil, **changes) -> dict:
    form = {"school": pupil.school_id, "class_group": pupil.class_group_id, "last_name": pupil.last_name,
            "first_name": pupil.first_name, "middle_name": pupil.middle_name or "",
            "birth_date": "01.01.2000", "enrolled_on": "01.09.2012", "left_on": ""}
    return {**form, **changes}


def _save_pupil(client, pupil, **changes):
    path = f"/pupilview/edit/{pupil.id}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **_pupil_form(pupil, **changes)})


@pytest.fixture
def secretary(app, world, as_user):
    app.config["TODAY"] = TODAY
    return as_user("secretary")


def test_the_date_field_shows_the_date_the_russian_way_with_a_russian_calendar(secretary, world):
    inputs = _date_inputs(secretary.get(f"/pupilview/edit/{world.pupil_a.id}").get_data(as_text=True))
    value, calendar = inputs["birth_date"]
    assert value == "01.01.2000" and inputs["enrolled_on"][0] == "01.09.2012" and inputs["left_on"][0] == ""
    for attribute in ('data-provide="datepicker"', 'data-date-language="ru"', 'data-date-format="dd.mm.yyyy"',
                      'data-date-force-parse="false"', 'data-date-week-start="1"',
                      'data-date-default-view-date="19.10.2012"'):
        assert attribute in calendar


@pytest.mark.parametrize("typed", ["23.10.2002", "2002-10-23", " 23/10/2002 "])
def test_a_date_is_saved_as_typed_the_russian_way_or_iso(secretary, session, world, typed):
    response = _save_pupil(secretary, world.pupil_a, birth_date=typed)
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Pupil, world.pupil_a.id).birth_date == dt.date(2002, 10, 23)
    page = secretary.get(f"/pupilview/show/{world.pupil_a.id}").get_data(as_text=True)
    assert "23.10.2002" in page and "2002-10-23" not in page


@pytest.mark.parametrize("typed", ["29-04-03", "31.02.2002", "завтра", "23.10.02"])
def test_a_date_that_is_none_is_refused_in_russian_and_nothing_is_saved(secretary, session, world, typed):
    response = _save_pupil(secretary, world.pupil_a, birth_date=typed, last_name="Переименованная")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"«{typed.strip()}» — не дата: введите её в виде дд.мм.гггг, например 23.10.2012." in page
    assert _date_inputs(page)["birth_date"][0] == typed  # kept as typed, to be corrected
    session.expire_all()
    pupil = session.get(Pupil, world.pupil_a.id)
    assert (pupil.birth_date, pupil.last_name) == (dt.date(2000, 1, 1), "Алексеева")


def test_a_required_date_left_empty_is_refused(secretary, session, world):
    response = _save_pupil(secretary, world.pupil_a, birth_date="")
    assert response.status_code == 200 and "Обязательное поле" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Pupil, world.pupil_a.id).birth_date == dt.date(2000, 1, 1)


def test_hours_are_typed_with_a_comma_and_listed_with_it(secretary, session, world):
    assignment = session.query(TeachingAssignment).filter_by(class_group_id=world.class_a.id).one()
    path = f"/teachingassignmentview/edit/{assignment.id}"
    form = {"class_group": assignment.class_group_id, "subject": assignment.subject_id, "subgroup": "__None",
            "teacher": assignment.teacher_id}
    refused = secretary.post(path, data={"csrf_token": csrf_token(secretary, path), **form, "hours_per_week": "полтора"})
    assert "«полтора» — не число: введите его с запятой, например 1,5." in refused.get_data(as_text=True)
    saved = secretary.post(path, data={"csrf_token": csrf_token(secretary, path), **form, "hours_per_week": "1,5"})
    assert saved.status_code == 302
    session.expire_all()
    assert session.get(TeachingAssignment, assignment.id).hours_per_week == Decimal("1.5")
    cells = re.findall(r"<td>\s*([\d.,]+)\s*</td>", secretary.get("/teachingassignmentview/list/").get_data(as_text=True))
    assert "1,5" in cells and "1.5" not in cells
    assert 'value="1,5"' in secretary.get(path).get_data(as_text=True)


def test_a_snapshot_month_is_chosen_and_listed_by_its_russian_name(app, world, as_user, session):
    app.config["TODAY"] = TODAY
    snapshot = make_snapshot(session, world.school_a, dt.date(2012, 9, 1))
    session.commit()
    monitor = as_user("monitor")
    listed = monitor.get("/usagesnapshotview/list/").get_data(as_text=True)
    assert "сентябрь 2012" in listed and "2012-09-01" not in listed and "первое число" not in listed
    path = f"/usagesnapshotview/edit/{snapshot.id}"
    value, calendar = _date_inputs(monitor.get(path).get_data(as_text=True))["month"]
    assert value == "сентябрь 2012"
    assert 'data-date-format="MM yyyy"' in calendar and 'data-date-min-view-mode="months"' in calendar
    assert 'data-date-default-view-date="октябрь 2012"' in calendar
    form = {"school": world.school_a.id, **{code: "10" for code in registry.codes()}}
    refused = monitor.post(path, data={"csrf_token": csrf_token(monitor, path), **form, "month": "13.2012"})
    assert "«13.2012» — не месяц: введите его так: октябрь 2012 или 10.2012." in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(UsageSnapshot, snapshot.id).month == dt.date(2012, 9, 1)
    saved = monitor.post(path, data={"csrf_token": csrf_token(monitor, path), **form, "month": "октябрь 2012"})
    assert saved.status_code == 302
    session.expire_all()
    assert session.get(UsageSnapshot, snapshot.id).month == dt.date(2012, 10, 1)


def test_a_date_condition_reads_the_day_first(secretary, session, world):
    make_pupil(session, world.class_a, "Январская", birth_date=dt.date(2001, 1, 10))
    make_pupil(session, world.class_a, "Октябрьская", birth_date=dt.date(2001, 10, 1))
    session.commit()
    page = secretary.get("/pupilview/list/?_flt_0_birth_date=01.10.2001").get_data(as_text=True)
    assert "Октябрьская" in page and "Январская" not in page
    iso = secretary.get("/pupilview/list/?_flt_0_birth_date=2001-01-10").get_data(as_text=True)
    assert "Январская" in iso and "Октябрьская" not in iso


def test_a_date_condition_that_is_no_date_shows_no_rows_and_says_why(secretary, session, world):
    page = secretary.get("/pupilview/list/?_flt_0_birth_date=вчера").get_data(as_text=True)
    assert "«Дата рождения»: введите дату в виде дд.мм.гггг, например 23.10.2012." in page
    assert "Алексеева" not in page


def test_a_moment_condition_is_typed_as_the_list_shows_it(app, world, as_user, session):
    """A mark's entry is kept in the region's time (app.clock.region_now), and typed so."""
    world.mark_a.created_at = dt.datetime(2012, 9, 10, 13, 0)
    later = make_mark(session, world.lesson_a, world.pupil_a, 2, world.mark_a.mark_type, position=1)
    later.created_at = dt.datetime(2012, 9, 10, 14, 0)
    session.commit()
    teacher = as_user("teacher")
    page = teacher.get("/markview/list/?_flt_1_created_at=10.09.2012 12:59&_flt_2_created_at=10.09.2012 13:01")
    values = re.findall(r"<td>\s*([2-5])\s*</td>", page.get_data(as_text=True))
    assert values == ["5"]
    shown = teacher.get(f"/markview/show/{world.mark_a.id}").get_data(as_text=True)
    assert "10.09.2012 13:00" in shown
    refused = teacher.get("/markview/list/?_flt_1_created_at=в обед").get_data(as_text=True)
    assert "введите дату и время так: 19.10.2012 13:30." in refused


def _schools_in_order(page: str, names) -> list[str]:
    return sorted(names, key=lambda name: page.index(f">{name}<"))


@pytest.fixture
def numbered_schools(world, session):
    for name in ("СОШ № 12", "СОШ № 10"):
        make_school(session, world.municipality_a, name)
    session.commit()
    return ["СОШ № 1", "СОШ № 2", "СОШ № 3", "СОШ № 10", "СОШ № 12"]


def _lists_schools_in_natural_order(as_user, names):
    admin = as_user("admin")
    listed = admin.get("/schoolview/list/").get_data(as_text=True)
    assert _schools_in_order(listed, names) == names
    descending = admin.get("/schoolview/list/?_oc_SchoolView=short_name&_od_SchoolView=desc").get_data(as_text=True)
    assert _schools_in_order(descending, names) == names[::-1]


def test_schools_are_listed_in_the_order_of_their_numbers(numbered_schools, as_user):
    _lists_schools_in_natural_order(as_user, numbered_schools)


@pytest.mark.pg
def test_schools_are_listed_in_the_order_of_their_numbers_on_postgresql(numbered_schools, as_user):
    _lists_schools_in_natural_order(as_user, numbered_schools)


def test_a_drop_down_offers_schools_in_the_order_of_their_numbers(numbered_schools, as_user, session):
    page = as_user("admin").get("/classgroupview/add").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="school".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option[^>]*>(СОШ № \d+)</option>", select) == numbered_schools
    assert session.query(School).count() == 5
