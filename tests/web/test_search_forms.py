"""Every list page's search form: its conditions are named in Russian, its drop-downs name their
rows (no «<Lesson object at 0x…>»), and none lists a table that grows with the school year, nor,
for a region-wide user, the rows of every school."""
from __future__ import annotations

import html
import re

from flask import url_for
from flask_appbuilder import ModelView
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app.models import ClassGroup, Pupil, School, Staff, Subgroup, Subject, TeachingAssignment
from app.security.scope import load_scope, visible
from app.views.base import ScopedModelView
from tests.i18n_helpers import search_form_fields
from tests.web.test_i18n import CYRILLIC

# The filter dropdown of FAB's search widget: <a href="#" name="column" class="filter">Label</a>.
FILTER_RE = re.compile(r'<a href="#" name="([^"]+)" class="filter">\s*([^<]*?)\s*</a>')
OPTION_RE = re.compile(r'<option[^>]*value="(\d+)"')
# Rows written every school day: a drop-down of them would hold hundreds of thousands of options.
GROWING = {"Lesson", "Mark", "Absence", "JournalChange", "PeriodMark"}
# Rows of every school: a region-wide drop-down of them grows with the region.
GROWS = {ClassGroup, Pupil, School, Staff, Subgroup, Subject, TeachingAssignment, User}


def _list_views(app):
    return [view for view in app.appbuilder.baseviews
            if isinstance(view, ModelView) and "can_list" in view.base_permissions]


def opened_lists(app, client, views=None):
    """(view, path, page) of every list page the logged-in client may open (of `views`, or all)."""
    for view in _list_views(app) if views is None else views:
        with app.test_request_context():
            path = url_for(f"{view.endpoint}.list")
        response = client.get(path)
        if response.status_code == 200:  # else not this role's list
            yield view, path, response.get_data(as_text=True)


def test_every_search_condition_is_named_in_russian(app, world, as_user):
    client = as_user("admin")
    english, reprs, checked = [], [], 0
    for view in _list_views(app):
        with app.test_request_context():
            path = url_for(f"{view.endpoint}.list")
        html = client.get(path).get_data(as_text=True)
        assert "filter_form" in html, path
        filters = FILTER_RE.findall(html)
        assert filters, path
        checked += 1
        english += [f"{path} {column}: {label!r}" for column, label in filters if not CYRILLIC.search(label)]
        if "object at 0x" in html:
            reprs.append(path)
    assert checked >= 20
    assert english == [], "\n".join(english)
    assert reprs == []


def test_no_search_form_lists_the_rows_of_the_journal(app):
    growing = [f"{type(view).__name__}.{column}" for view in _list_views(app) for column in view.search_columns
               if view.datamodel.is_relation(column)
               and view.datamodel.get_related_model(column).__name__ in GROWING]
    assert growing == []


def test_the_marks_list_searches_by_pupil_value_and_work_type(world, as_user):
    html = as_user("teacher").get("/markview/list/").get_data(as_text=True)
    assert [label for _, label in FILTER_RE.findall(html)] == ["Ученик", "Отметка", "Вид работы", "Выставлена"]
    # The search inputs are JSON in the page (their «<» escaped): counted as drawn.
    assert sum(field.count("<option") for field in search_form_fields(html).values()) < 1000


def test_no_region_wide_search_form_offers_the_rows_of_the_schools(app, world, as_user):
    """A user whose rows spread over the region types part of a name for a pupil, class, staff
    member, teaching assignment or school: a drop-down of them would grow with the region's
    schools (every pupil of the region in the administrator's marks list)."""
    offered, text, checked = [], 0, 0
    for username in ("admin", "ministry", "monitor", "methodist"):
        for view, path, page in opened_lists(app, as_user(username)):
            checked += 1
            for column, markup in search_form_fields(page).items():
                if not view.datamodel.is_relation(column) or view.datamodel.get_related_model(column) not in GROWS:
                    continue
                text += 1
                if "<option" in markup:
                    offered.append(f"{username} {path} {column}")
    assert checked >= 20 and text >= 10
    assert offered == []


def test_no_form_shows_a_row_as_an_object_address(app, world, as_user):
    """The drop-downs of add forms name their rows (a model without a name shows «<X object at 0x…>»)."""
    client = as_user("admin")
    shown, checked = [], 0
    for view in _list_views(app):
        if "can_add" not in view.base_permissions:
            continue
        with app.test_request_context():
            path = url_for(f"{view.endpoint}.add")
        response = client.get(path)
        if response.status_code != 200:
            continue  # a view whose add is refused to the admin (e.g. records only a school adds)
        checked += 1
        if "object at 0x" in response.get_data(as_text=True):
            shown.append(path)
    assert checked >= 10
    assert shown == []


def _offered(page: str) -> dict[str, set[int]]:
    """The ids each search condition's drop-down offers, by column."""
    fields = search_form_fields(page)
    assert fields, "no search widget"
    return {column: {int(pk) for pk in OPTION_RE.findall(markup)} for column, markup in fields.items()}


def test_search_drop_downs_offer_only_rows_in_the_users_scope(app, world, as_user, session):
    """A list's search conditions offer the rows the user may see, as the list itself shows: a
    teacher's marks list offered the names of every pupil of the region."""
    views = [view for view in _list_views(app) if isinstance(view, ScopedModelView)
             and any(view.datamodel.is_relation(column) for column in view.search_columns)]
    leaks, checked = [], 0
    for username in ("teacher", "director", "secretary", "municipal", "parent"):
        scope = load_scope(session, app.appbuilder.sm.find_user(username))
        for view, path, page in opened_lists(app, as_user(username), views):
            for column, ids in _offered(page).items():
                if not view.datamodel.is_relation(column) or not ids:
                    continue
                model = view.datamodel.get_related_model(column)
                key = model.__mapper__.primary_key[0]
                allowed = set(session.scalars(select(key).where(visible(scope, model))))
                checked += 1
                if ids - allowed:
                    leaks.append(f"{username} {path} {column}: {sorted(ids - allowed)}")
    assert checked >= 10
    assert leaks == [], "\n".join(leaks)


def test_the_marks_list_shows_the_latest_lessons_first(world, as_user, session):
    """In the order of its «Дата» column, the latest lesson first, whenever a mark was set: a mark
    entered today for an old lesson stays with that lesson's date."""
    import datetime as dt

    from app.models import MarkType
    from tests.factories import make_lesson, make_mark

    kind = session.scalars(select(MarkType)).first()
    old = make_lesson(session, world.lesson_a.assignment, world.lesson_a.date - dt.timedelta(days=7))
    recent = make_lesson(session, world.lesson_a.assignment, world.lesson_a.date + dt.timedelta(days=7))
    entered_late = make_mark(session, old, world.pupil_a, 2, kind)
    entered_late.created_at = dt.datetime(2013, 5, 20, 15, 0)
    latest = make_mark(session, recent, world.pupil_a, 3, kind)
    latest.created_at = dt.datetime(2012, 9, 17, 9, 0)
    session.commit()
    html = as_user("director").get("/markview/list/").get_data(as_text=True)
    shown = re.findall(r'/markview/show/(\d+)', html)
    assert shown.index(str(latest.id)) < shown.index(str(world.mark_a.id)) < shown.index(str(entered_late.id))


def _search_options(client, path: str, column: str) -> list[str]:
    widget = search_form_fields(client.get(path).get_data(as_text=True))[column]
    return [html.unescape(text) for text in re.findall(r"<option[^>]*>([^<]*)</option>", widget)]


def test_search_drop_downs_name_the_users_rows_with_a_russian_blank_choice(world, as_user):
    """The search forms' drop-downs listed every row of the region: a teacher's marks list offered
    every pupil (other schools' among them), a director's pupils list the other school's 7А."""
    pupils = _search_options(as_user("teacher"), "/markview/list/", "pupil")
    assert world.pupil_a.short_name in pupils
    assert world.pupil_b.short_name not in pupils and world.pupil_a_other.short_name not in pupils
    classes = _search_options(as_user("director"), "/pupilview/list/", "class_group")
    assert classes == ["— не выбрано —", "7А", "8Б"]  # the blank choice in Russian, not «__None»
    teachers = _search_options(as_user("secretary"), "/classgroupview/list/", "class_teacher")
    assert "Иванова А.П." in teachers and "Сидорова А.П." not in teachers
