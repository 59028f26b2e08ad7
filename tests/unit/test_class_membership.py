"""Pupils of a class over dates (app.school.membership) on both engines: the grid, the diary, the
class report and the archive of tests/membership_helpers.py's 5А and 5Б select the same pupils; a
departed pupil's marks stay in place, a transferred pupil's stay with the class they were given
in; a save outside a pupil's days in the class is refused; the transfer's own rules and scope."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.diary.pupils import visible_pupil
from app.diary.week import build_week
from app.errors import DomainError
from app.journal.archive import write_archive
from app.journal.entries import Actor, CellKnown, lesson_pupil_ids, save_cell
from app.journal.grid import build_grid
from app.journal.reports import class_report
from app.models import ClassMembership, Mark, Pupil, StudyPeriod
from app.school import membership
from app.school.transfer import transfer
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.factories import make_staff, make_user
from tests.membership_helpers import D, build_membership_world

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture(params=ENGINES, autouse=True)
def engine(request):
    return request.param


@pytest.fixture
def mw(app, session):
    return build_membership_world(session, app.appbuilder.sm)


def scope_of(session, mw, user="teacher"):
    return load_scope(session, mw.w.users[user])


def quarter(session, mw, number) -> StudyPeriod:
    return session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == mw.w.school_a.id,
                                                    StudyPeriod.number == number))


def grid_rows(session, mw, assignment, number):
    """(surname, {dd.mm: cell text}, {dd.mm of a cell outside the pupil's days}) per row of the grid."""
    grid = build_grid(session, scope_of(session, mw), assignment.id, quarter(session, mw, number).id,
                      today=D(2013, 5, 31))
    return [(row.name.split()[0],
             {lesson.day: row.cells[lesson.id].text for lesson in grid.lessons if lesson.id in row.cells},
             {lesson.day for lesson in grid.lessons if not row.member_on(lesson.date)})
            for row in grid.pupils]


def archive_rows(session, mw, class_group, number, tmp_path):
    path = tmp_path / "archive.xlsx"
    write_archive(session, scope_of(session, mw, "director"), class_group.id, quarter(session, mw, number).id, str(path))
    sheet = load_workbook(path)["Математика"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    head = next(i for i, row in enumerate(rows) if row[:2] == ["№", "Ученик"])
    names = []
    for row in rows[head + 1:]:
        if not isinstance(row[0], int):
            break
        names.append((row[1].split()[0], [cell for cell in row[2:2 + len(rows[head]) - 3]]))
    return rows[head][2:], names


def test_the_migration_rule_makes_first_memberships_from_the_year_start_or_the_enrolment(session, mw):
    rows = session.execute(select(Pupil.last_name, ClassMembership.class_group_id, ClassMembership.starts_on,
                                  ClassMembership.ends_on, ClassMembership.order_number)
                           .join(Pupil, Pupil.id == ClassMembership.pupil_id)
                           .where(Pupil.school_id == mw.w.school_a.id, Pupil.last_name.in_(mw.pupils))
                           .order_by(Pupil.last_name, ClassMembership.starts_on)).all()
    a, b = mw.class_5a.id, mw.class_5b.id
    assert rows == [
        ("Анисимова", a, D(2012, 9, 1), None, None),
        ("Быков", a, D(2012, 9, 1), D(2013, 3, 14), None),
        ("Волкова", a, D(2012, 11, 12), None, None),
        ("Григорьев", a, D(2012, 9, 1), D(2012, 10, 14), None),
        ("Григорьев", b, D(2012, 10, 15), None, "17-у"),
    ]
    grigoriev = session.get(Pupil, mw.pupils["Григорьев"].id)
    assert grigoriev.class_group_id == b


def test_5a_first_quarter_keeps_the_transferred_pupil_until_the_transfer(session, mw):
    assert grid_rows(session, mw, mw.maths_5a, 1) == [
        ("Анисимова", {"01.10": "4"}, set()),
        ("Быков", {}, set()),
        ("Григорьев", {"01.10": "5"}, {"16.10"}),  # his 5 stays in 5А; 16.10 is 5Б's
    ]


def test_5a_second_quarter_has_the_arrival_and_not_the_transferred_pupil(session, mw):
    assert grid_rows(session, mw, mw.maths_5a, 2) == [
        ("Анисимова", {}, set()),
        ("Быков", {"13.11": "3"}, set()),
        ("Волкова", {"13.11": "5"}, set()),
    ]


def test_5a_third_quarter_keeps_the_departed_pupil_until_he_left(session, mw):
    assert grid_rows(session, mw, mw.maths_5a, 3) == [
        ("Анисимова", {}, set()),
        ("Быков", {"14.03": "4"}, {"18.03"}),
        ("Волкова", {}, set()),
    ]


def test_5b_starts_the_transferred_pupil_on_the_transfer_date(session, mw):
    assert grid_rows(session, mw, mw.maths_5b, 1) == [("Григорьев", {"16.10": "4"}, {"02.10"})]


def test_the_grid_greys_and_locks_the_cells_outside_the_membership(session, mw, client):
    from tests.conftest import login
    login(client, "teacher")
    page = client.get(f"/journal/{mw.maths_5b.id}/?period_id={quarter(session, mw, 1).id}").get_data(as_text=True)
    row = page.split('data-pupil="%d"' % mw.pupils["Григорьев"].id)[1].split("</tr>")[0]
    cells = row.split('<td class="cell')[1:]
    assert [cell.startswith(" outside") for cell in cells] == [True, False]  # 02.10, 16.10
    assert "readonly" in cells[0] and "readonly" not in cells[1]


def test_the_class_report_counts_the_pupils_of_the_period(session, mw):
    scope = scope_of(session, mw, "director")
    counts = [class_report(session, scope, mw.class_5a.id, quarter(session, mw, n).id).pupils for n in (1, 2, 3, 4)]
    assert counts == [3, 3, 3, 2]  # Q4: Анисимова and Волкова; Быков left in March
    assert class_report(session, scope, mw.class_5b.id, quarter(session, mw, 1).id).pupils == 1


def test_the_archive_lists_the_same_pupils_with_their_marks(session, mw, tmp_path):
    days, rows = archive_rows(session, mw, mw.class_5a, 1, tmp_path)
    assert days[:2] == ["01.10", "16.10"]
    assert [(name, marks[:2]) for name, marks in rows] == [
        ("Анисимова", ["4", ""]), ("Быков", ["", ""]), ("Григорьев", ["5", ""])]
    _days, rows = archive_rows(session, mw, mw.class_5a, 2, tmp_path)
    assert [name for name, _marks in rows] == ["Анисимова", "Быков", "Волкова"]


def test_the_membership_module_answers_the_same_pupils(session, mw):
    def names(class_group, starts, ends):
        return [m.last_name for m in membership.members(session, class_group.id, starts, ends)]
    assert names(mw.class_5a, D(2012, 9, 1), D(2012, 10, 27)) == ["Анисимова", "Быков", "Григорьев"]
    assert names(mw.class_5a, D(2012, 10, 15), D(2012, 11, 11)) == ["Анисимова", "Быков"]
    assert names(mw.class_5a, D(2013, 3, 15), D(2013, 5, 31)) == ["Анисимова", "Волкова"]
    assert names(mw.class_5b, D(2012, 10, 15), D(2012, 10, 15)) == ["Григорьев"]


def test_the_diary_shows_each_class_on_its_own_days(session, mw):
    grigoriev = mw.pupils["Григорьев"]
    card = visible_pupil(session, scope_of(session, mw, "director"), grigoriev.id)

    def lessons(day):
        week = build_week(session, card, day, D(2013, 5, 31))
        return [(d.date, [m.value for m in lesson.marks]) for d in week.days for lesson in d.lessons if lesson.recorded]
    assert lessons(D(2012, 10, 1)) == [(D(2012, 10, 1), [5])]   # 5А's lesson; not 5Б's of 02.10
    assert lessons(D(2012, 10, 15)) == [(D(2012, 10, 16), [4])]  # 5Б's lesson; not 5А's of the same day
    assert [m.last_name for m in membership.members(session, mw.class_5a.id, D(2012, 10, 16), D(2012, 10, 16))] \
        == ["Анисимова", "Быков"]


@pytest.fixture
def save(session, mw):
    scope = scope_of(session, mw)
    actor = Actor(mw.w.users["teacher"].id, "Иванова А.П. (teacher)", None)

    def _save(surname, klass, day, text="5"):
        return save_cell(session, scope, actor, lesson_id=mw.lessons[klass, day].id, pupil_id=mw.pupils[surname].id,
                         text=text, known=CellKnown(), today=D(2013, 5, 31))
    return _save


def marks_of(session, surname, mw):
    return session.scalar(select(func.count()).select_from(Mark).where(Mark.pupil_id == mw.pupils[surname].id))


@pytest.mark.parametrize("surname, klass, day, said", [
    ("Григорьев", "5А", D(2012, 10, 16), "16.10.2012"),  # moved to 5Б the day before
    ("Волкова", "5А", D(2012, 10, 1), "01.10.2012"),     # not yet arrived
    ("Быков", "5А", D(2013, 3, 18), "18.03.2013"),       # left
    ("Анисимова", "5Б", D(2012, 10, 16), "16.10.2012"),  # never in 5Б
])
def test_a_save_outside_the_membership_is_refused_and_changes_nothing(session, mw, save, surname, klass, day, said):
    before = marks_of(session, surname, mw)
    with pytest.raises(DomainError) as refused:
        save(surname, klass, day)
    assert str(refused.value) == f"Ученик не числится в классе этого урока на {said}: отметка не сохранена."
    assert marks_of(session, surname, mw) == before


def test_a_save_inside_the_membership_is_kept(session, mw, save):
    save("Волкова", "5А", D(2013, 3, 18), "4")
    assert marks_of(session, "Волкова", mw) == 2


def test_a_lesson_column_is_for_the_pupils_of_its_day(session, mw):
    def surnames(klass, day):
        ids = lesson_pupil_ids(session, mw.lessons[klass, day])
        return [session.get(Pupil, i).last_name for i in ids]
    assert surnames("5А", D(2012, 10, 16)) == ["Анисимова", "Быков"]
    assert surnames("5А", D(2013, 3, 18)) == ["Анисимова", "Волкова"]
    assert surnames("5Б", D(2012, 10, 2)) == []


def do_transfer(session, mw, surname="Анисимова", to=None, on=D(2012, 12, 3), order="25-у", user="secretary"):
    scope = load_scope(session, mw.w.users[user]) if isinstance(user, str) else load_scope(session, user)
    return transfer(session, scope, mw.pupils[surname].id, (to or mw.class_5b).id, on, order, "по заявлению")


def test_a_transfer_keeps_the_marks_where_they_were_given(session, mw, save):
    do_transfer(session, mw, "Волкова", on=D(2012, 12, 3))
    assert grid_rows(session, mw, mw.maths_5a, 2)[-1] == ("Волкова", {"13.11": "5"}, set())
    assert [name for name, _cells, _out in grid_rows(session, mw, mw.maths_5b, 2)] == ["Волкова", "Григорьев"]
    assert [name for name, _cells, _out in grid_rows(session, mw, mw.maths_5a, 3)] == ["Анисимова", "Быков"]
    session.expire_all()
    assert session.get(Pupil, mw.pupils["Волкова"].id).class_group_id == mw.class_5b.id


def test_marks_of_the_transfer_period_stay_greyed_in_the_old_journal(session, mw):
    done = do_transfer(session, mw, "Быков", on=D(2013, 3, 12))
    assert (done.old_class, done.left_behind) == ("5А", 1)  # his 4 of 14.03
    assert grid_rows(session, mw, mw.maths_5a, 3)[1] == ("Быков", {"14.03": "4"}, {"14.03", "18.03"})
    assert [(m.class_group_id, m.starts_on, m.ends_on) for m in membership.history(session, mw.pupils["Быков"].id)] \
        == [(mw.class_5a.id, D(2012, 9, 1), D(2013, 3, 11)), (mw.class_5b.id, D(2013, 3, 12), D(2013, 3, 14))]


@pytest.mark.parametrize("change, message", [
    (dict(order=" "), "Укажите номер приказа о переводе."),
    (dict(on=D(2013, 6, 3)), "Дата перевода 03.06.2013 — вне учебного года 2012/2013 класса 5Б."),
    (dict(surname="Григорьев"), "Ученик уже в классе 5Б."),
    (dict(surname="Волкова", on=D(2012, 11, 12)),
     "Ученик пришёл в класс 5А 12.11.2012: перевести его можно со следующего дня."),
    (dict(surname="Быков", on=D(2013, 3, 20)), "20.03.2013 ученик не числится ни в одном классе: переводить не из чего."),
    (dict(surname="Быков", on=D(2012, 11, 1)),  # in the holidays: his 2nd and 3rd quarters' marks would hide
     "У ученика есть отметки или пропуски в журнале 5А после 31.10.2012 (последние — 14.03.2013): в журнале "
     "класса их не было бы видно. Укажите дату после них или исправьте журнал."),
    (dict(surname="Быков", on=D(2012, 11, 12)),
     "У ученика есть отметки или пропуски в журнале 5А после 29.12.2012 (последние — 14.03.2013): в журнале "
     "класса их не было бы видно. Укажите дату после них или исправьте журнал."),
])
def test_a_wrong_transfer_is_refused_and_changes_nothing(session, mw, change, message):
    count = session.scalar(select(func.count()).select_from(ClassMembership))
    with pytest.raises(DomainError) as refused:
        do_transfer(session, mw, **change)
    assert str(refused.value) == message
    assert session.scalar(select(func.count()).select_from(ClassMembership)) == count


def test_another_schools_administration_cannot_move_the_pupil(session, mw, app):
    sm = app.appbuilder.sm
    director_b = make_user(session, sm, "director_b", R.SCHOOL_ADMIN)
    make_staff(session, mw.w.school_b, "Директорова-Б", director_b, position="директор")
    teacher = mw.w.users["teacher"]
    session.commit()
    for user in (director_b, teacher):
        with pytest.raises(NotInScope):
            do_transfer(session, mw, user=user)
    # Nor into another school's class, by their own administration.
    with pytest.raises(NotInScope):
        do_transfer(session, mw, to=mw.w.class_b, user="director")
    assert [m.class_group_id for m in membership.history(session, mw.pupils["Анисимова"].id)] == [mw.class_5a.id]


def test_the_migration_turns_every_class_link_into_a_first_membership(app, session, world):
    """0021 on both engines: from the class's year start, or the enrolment when later, to the day
    the pupil left; a pupil who left before the year began, or has no class, gets none."""
    from flask_migrate import downgrade, upgrade

    from tests.factories import make_pupil
    late = make_pupil(session, world.class_a, "Поздняя")
    late.enrolled_on = D(2012, 11, 12)
    gone = make_pupil(session, world.class_a, "Ушедший")
    gone.left_on = D(2013, 3, 14)
    before = make_pupil(session, world.class_a, "Давний")
    before.enrolled_on, before.left_on = D(2011, 9, 1), D(2012, 8, 20)
    loose = make_pupil(session, world.class_a, "Бесклассный")
    loose.class_group_id = None
    session.commit()
    a, a_other, b = world.class_a.id, world.class_a_other.id, world.class_b.id
    session.close()
    downgrade(revision="0020")
    upgrade()
    rows = session.execute(select(Pupil.last_name, ClassMembership.class_group_id, ClassMembership.starts_on,
                                  ClassMembership.ends_on)
                           .join(Pupil, Pupil.id == ClassMembership.pupil_id).order_by(Pupil.last_name)).all()
    assert rows == [
        ("Алексеев", a_other, D(2012, 9, 1), None),
        ("Алексеева", a, D(2012, 9, 1), None),
        ("Борисов", a_other, D(2012, 9, 1), None),
        ("Васильев", b, D(2012, 9, 1), None),
        ("Поздняя", a, D(2012, 11, 12), None),
        ("Ушедший", a, D(2012, 9, 1), D(2013, 3, 14)),
    ]


def test_the_pupils_leaving_day_ends_the_open_membership_and_its_clearing_reopens_it(session, mw):
    volkova = session.get(Pupil, mw.pupils["Волкова"].id)
    volkova.left_on = D(2013, 3, 14)
    session.commit()
    assert [(m.starts_on, m.ends_on) for m in membership.history(session, volkova.id)] == [(D(2012, 11, 12), D(2013, 3, 14))]
    assert [name for name, _cells, _out in grid_rows(session, mw, mw.maths_5a, 4)] == ["Анисимова"]
    volkova.left_on = None
    session.commit()
    session.expire_all()
    assert [(m.starts_on, m.ends_on) for m in membership.history(session, volkova.id)] == [(D(2012, 11, 12), None)]
    grigoriev = session.get(Pupil, mw.pupils["Григорьев"].id)
    grigoriev.left_on = D(2013, 1, 20)  # only the membership open then, 5Б's, ends
    session.commit()
    session.expire_all()
    assert [(m.class_group_id, m.ends_on) for m in membership.history(session, grigoriev.id)] == [
        (mw.class_5a.id, D(2012, 10, 14)), (mw.class_5b.id, D(2013, 1, 20))]


def test_the_report_cards_are_of_the_pupils_of_the_period(session, mw):
    from app.journal.report_card import class_cards
    scope = scope_of(session, mw, "director")

    def names(number):
        period = quarter(session, mw, number).id if number else None
        return [card.name.split()[0] for card in class_cards(session, scope, mw.class_5a.id, period).pupils]
    assert names(1) == ["Анисимова", "Быков", "Григорьев"]
    assert names(3) == ["Анисимова", "Быков", "Волкова"]
    assert names(4) == ["Анисимова", "Волкова"]  # Быков left in March: his card is of the first three
    assert names(None) == ["Анисимова", "Быков", "Волкова", "Григорьев"]


def test_the_printed_journal_pages_are_of_the_pupils_of_the_period(session, mw):
    from app.journal.archive import subject_pages
    scope = scope_of(session, mw, "director")

    def rows(number):
        pages = subject_pages(session, scope, mw.maths_5a.id, quarter(session, mw, number).id)
        return [(line.name.split()[0], line.cells) for line in pages.pupils]
    assert rows(1) == [("Анисимова", ["4", ""]), ("Быков", ["", ""]), ("Григорьев", ["5", ""])]
    assert [name for name, _cells in rows(2)] == ["Анисимова", "Быков", "Волкова"]
