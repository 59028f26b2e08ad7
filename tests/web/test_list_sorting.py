"""Every column a list page offers to sort by sorts, for the administrator and for school users
(whose scope filters name the related tables in subqueries)."""
from __future__ import annotations

import datetime as dt
import re

from flask import url_for

from app.views.base import ScopedModelView
from tests.factories import make_lesson, make_mark, make_pupil
from tests.statements import recorded_statements
from tests.web.test_search_forms import _list_views, opened_lists

# FAB's column header link, unquoted: <a href=/markview/list/?_oc_MarkView=value&amp;_od_MarkView=asc>
SORT_LINK = re.compile(r'href="?[^"\s>]*\?_oc_(\w+)=([\w.]+)&amp;_od_\w+=(?:asc|desc)')


def test_every_sort_link_of_every_list_answers(app, world, as_user):
    broken, clicked = [], 0
    for user in ("admin", "director", "secretary", "teacher"):
        client = as_user(user)
        for view, path, page in opened_lists(app, client):
            for name, column in set(SORT_LINK.findall(page)):
                if name != type(view).__name__:
                    continue  # a related view's list on the same page
                clicked += 1
                try:
                    status = client.get(f"{path}?_oc_{name}={column}&_od_{name}=asc").status_code
                except Exception as error:  # noqa: BLE001 (the test app propagates a view's 500)
                    status = type(error).__name__
                if status != 200:
                    broken.append(f"{user} {path} by {column}: {status}")
    assert clicked >= 50
    assert broken == []


def test_no_list_offers_to_sort_by_a_relation(app):
    ours = [view for view in _list_views(app) if isinstance(view, ScopedModelView)]
    offered = [f"{type(view).__name__}.{column}" for view in ours for column in view.order_columns
               if not view.datamodel.is_sortable(column)]
    assert offered == []
    classes = next(view for view in _list_views(app) if type(view).__name__ == "ClassGroupView")
    assert "academic_year" not in classes.order_columns


def test_the_teacher_sorts_marks_by_lesson_date(world, session, as_user):
    assignment = world.lesson_a.assignment
    early = make_lesson(session, assignment, dt.date(2012, 9, 3), number=2)
    make_mark(session, early, world.pupil_a, 3, world.mark_a.mark_type)
    session.commit()
    client = as_user("teacher")
    html = client.get("/markview/list/?_oc_MarkView=lesson.date&_od_MarkView=asc").get_data(as_text=True)
    assert html.index("03.09.2012") < html.index("10.09.2012")
    html = client.get("/markview/list/?_oc_MarkView=lesson.date&_od_MarkView=desc").get_data(as_text=True)
    assert html.index("10.09.2012") < html.index("03.09.2012")
    assert "_oc_MarkView=lesson.assignment" not in html  # a relation: no sort link


def test_a_list_counts_its_rows_without_sorting_them(app, world, as_user, session):
    """FAB counted over the ordered query: the database sorted every row in scope only to count
    them (the admin's pupil list: 0.5 s at 10 schools, growing with the region)."""
    counted = 0
    for user in ("admin", "director"):
        client = as_user(user)
        for view in _list_views(app):
            with app.test_request_context():
                path = url_for(f"{view.endpoint}.list")
            with recorded_statements(session.get_bind()) as statements:
                response = client.get(path)
            if response.status_code != 200:
                continue
            counts = [s for s in statements if s.lstrip().upper().startswith("SELECT COUNT(")]
            counted += len(counts)
            assert [s for s in counts if "ORDER BY" in s.upper()] == [], f"{user} {path}"
    assert counted >= 20


def test_the_pupil_list_orders_by_class_with_one_join(as_user, session, world):
    """In class-register order by one join of the class, not by a subquery per pupil (which read
    the class table once for every pupil in scope)."""
    make_pupil(session, world.class_a_other, "Абрамов")  # 8Б
    make_pupil(session, world.class_a, "Яковлева")  # 7А
    session.commit()
    client = as_user("secretary")
    for direction, first, second in (("asc", "Яковлева", "Абрамов"), ("desc", "Абрамов", "Яковлева")):
        with recorded_statements(session.get_bind()) as statements:
            page = client.get(f"/pupilview/list/?_oc_PupilView=class_group&_od_PupilView={direction}")
        text = page.get_data(as_text=True)
        assert text.index(first) < text.index(second), direction
        listing = [s for s in statements if "FROM pupil" in s and "LIMIT" in s.upper()]
        assert listing and all("(SELECT class_group" not in s for s in listing)


def test_lists_read_what_their_rows_are_shown_with_in_the_same_statements_however_many(
        app, world, as_user, session):
    """A substitution is shown with its class, subject and teachers, and its search drop-down names
    every teaching load of the school by class and subject: FAB read them row by row and option
    by option (61 statements for a school's list). Now the same number with more of each."""
    from app.models import Substitution
    from tests.factories import make_assignment, make_class, make_staff, make_subject

    paths = ("/substitutionview/list/", "/teachingassignmentview/list/", "/markview/list/", "/pupilview/list/")
    client = as_user("director")

    def statements():
        counts = {}
        for path in paths:
            client.get(path)
            with recorded_statements(session.get_bind()) as seen:
                assert client.get(path).status_code == 200
            counts[path] = len(seen)
        return counts

    def add(number):
        klass = make_class(session, world.school_a, world.year, 9, "ВГДЕЖ"[number])
        subject = make_subject(session, f"Предмет {number}", school=world.school_a)
        assignment = make_assignment(session, klass, subject, make_staff(session, world.school_a))
        lesson = make_lesson(session, assignment, world.lesson_a.date + dt.timedelta(days=number + 1))
        make_mark(session, lesson, make_pupil(session, klass), 4, world.mark_a.mark_type)
        session.add(Substitution(assignment_id=assignment.id, date=lesson.date, lesson_number=1,
                                 substitute_id=world.other_teacher.id))
        session.commit()

    add(0)
    before = statements()
    for number in range(1, 5):
        add(number)
    after = statements()
    assert after == before
    page = client.get("/substitutionview/list/").get_data(as_text=True)
    assert "9Г Предмет 1" in page


def test_a_long_list_counts_up_to_a_bound_and_says_there_are_more(app, world, as_user, session):
    """Counting every row in scope grows with the region (the administrator's marks list: 3.7 s for
    7.2 M marks at 40 schools); the count stops past LIST_COUNT_BOUND and the page says «более»."""
    app.config["LIST_COUNT_BOUND"] = 3  # the world has 4 pupils
    client = as_user("admin")
    with recorded_statements(session.get_bind()) as statements:
        html = client.get("/pupilview/list/").get_data(as_text=True)
    assert re.search(r"Всего записей:</strong>\s*более 3\s", html)
    counts = [s for s in statements if s.lstrip().upper().startswith("SELECT COUNT(")]
    assert len(counts) == 1 and "LIMIT" in counts[0].upper()
    second = client.get("/pupilview/list/?psize_PupilView=2&page_PupilView=1").get_data(as_text=True)
    assert second.count("Васильев") + second.count("Борисов") + second.count("Алексеев") >= 1

    app.config["LIST_COUNT_BOUND"] = 4
    html = client.get("/pupilview/list/").get_data(as_text=True)
    assert re.search(r"Всего записей:</strong>\s*4\s", html)
