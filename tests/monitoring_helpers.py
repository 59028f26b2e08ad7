"""A hand-built region for the monitoring tests, with every expected figure worked out by hand.

Municipality «Альфинский район» (A):
  A1 (this product): active teachers T1, T2, T3; T4 is a teacher who left (inactive) -> 3 teachers.
     September 2012 lessons: T1 5 with topics; T2 3 with topics + 1 with a blank topic; T3 1 without
     topic or marks; one cancelled lesson (not due). Also lessons in August and October (other months).
     -> lessons 8 filled / 10 due (exactly 80%), teachers active T1, T2 = 2 / 3, uses the system.
     Marks on September lessons: 2 the same day, 1 the next evening (on time), 1 two days later
     (late) -> 4 entered, 3 on time. One mark on the October lesson (other month).
     Pupils: P1 own login first used 05.09, P2 guardian with a login first used 10.09, P3 guardian
     with a login first used only on 02.10, P4 left in August -> 3 pupils, 2 with diary access in
     September. Visits: P1 3 on 10.09, P2 2 on 11.09 (+ 5 in October and
     1 in August elsewhere) -> 5.
  A2 (this product): T5, T6; 4 lessons, 2 with topics (T5) -> 2/4 = 50%, teachers 1/2: not using.
  A3 (this product, NOT general education): 2 lessons, both filled, 1 teacher -> uses, but does
     not count in shares.
Municipality «Бетинский район» (B):
  B1 (this product): 1 teacher, no lessons in September -> not computed: «нет данных» (no lessons).
  B2 (vendor «Другой журнал»): figures come from an import; without one «нет данных» (other system).
  B3 (no system chosen, no lessons): not computed: «нет данных» (no lessons).
Compute of September: 3 computed (A1, A2, A3), 3 without data (B1, B3 no lessons; B2 vendor) = 6.
Shares for September after compute: A 1/2 = 50.0%; B has no school's figures: no share (3 «нет
данных»); region 1/5 = 20.0% with the schools without data in the denominator (the default rule),
1/2 = 50.0% without them. After B2's import (uses): B 1/3 = 33.3% (or 1/1 = 100.0%), region 2/5 =
40.0% (or 2/3 = 66.7%).
Campaign: target 75%, report day 5. Plan A: 60% by 01.09.2012; plan B: 1 school by 01.09.2012
(= 33.3% of 3).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from app.accounts.issue import note_first_login
from app.models import Campaign, DiaryVisit, JournalSystem, PlanTarget, RolloutPlan
from app.security import roles as R
from tests.factories import (
    make_assignment,
    make_catalogues,
    make_class,
    make_guardian,
    make_lesson,
    make_mark,
    make_municipality,
    make_pupil,
    make_school,
    make_staff,
    make_subject,
    make_user,
    make_year,
)

SEPTEMBER = dt.date(2012, 9, 1)
AUGUST = dt.date(2012, 8, 1)
OCTOBER = dt.date(2012, 10, 1)

EXPECTED_A1 = dict(teachers_active=2, teachers_total=3, lessons_filled=8, lessons_due=10, marks_entered=4,
                   marks_on_time=3, pupils_total=3, pupils_with_diary_access=2, diary_visits=5)
EXPECTED_A2 = dict(teachers_active=1, teachers_total=2, lessons_filled=2, lessons_due=4, marks_entered=0,
                   marks_on_time=0, pupils_total=0, pupils_with_diary_access=0, diary_visits=0)


@dataclass
class MonitoringWorld:
    own: JournalSystem = None
    vendor_system: JournalSystem = None
    other_system: JournalSystem = None
    campaign: Campaign = None
    municipality_a: object = None
    municipality_b: object = None
    a1: object = None
    a2: object = None
    a3: object = None
    b1: object = None
    b2: object = None
    b3: object = None
    pupils: list = field(default_factory=list)
    users: dict = field(default_factory=dict)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def build_monitoring_world(session, sm) -> MonitoringWorld:
    w = MonitoringWorld()
    types = make_catalogues(session)
    mark_type = types["отв"]
    w.own = JournalSystem(name="Электронный журнал МО", vendor="Министерство", is_own=True)
    w.vendor_system = JournalSystem(name="Другой журнал", vendor="ООО «Другой»", is_own=False)
    w.other_system = JournalSystem(name="Третий журнал", vendor="ООО «Третий»", is_own=False)
    session.add_all([w.own, w.vendor_system, w.other_system])
    session.flush()
    w.campaign = Campaign(title="Внедрение 2012", order_number="2613", order_date=dt.date(2012, 6, 13),
                          target_share=Decimal("75"), report_day=5, starts_on=dt.date(2012, 6, 13))
    session.add(w.campaign)
    w.municipality_a = make_municipality(session, "Альфинский район")
    w.municipality_b = make_municipality(session, "Бетинский район")
    w.a1 = make_school(session, w.municipality_a, "СОШ № 11", journal_system=w.own)
    w.a2 = make_school(session, w.municipality_a, "СОШ № 12", journal_system=w.own)
    w.a3 = make_school(session, w.municipality_a, "Центр доп. образования", journal_system=w.own)
    w.a3.is_general_education = False
    w.b1 = make_school(session, w.municipality_b, "СОШ № 21", journal_system=w.own)
    w.b2 = make_school(session, w.municipality_b, "СОШ № 22", journal_system=w.vendor_system)
    w.b3 = make_school(session, w.municipality_b, "СОШ № 23")
    session.flush()

    plan_a = RolloutPlan(campaign_id=w.campaign.id, municipality_id=w.municipality_a.id, approval_doc_number="П-1",
                         approval_doc_date=dt.date(2012, 6, 30), responsible_full_name="Ответственная А.А.")
    plan_b = RolloutPlan(campaign_id=w.campaign.id, municipality_id=w.municipality_b.id)
    session.add_all([plan_a, plan_b])
    session.flush()
    session.add_all([
        PlanTarget(plan_id=plan_a.id, target_date=dt.date(2012, 9, 1), share=Decimal("60")),
        PlanTarget(plan_id=plan_a.id, target_date=dt.date(2012, 12, 1), share=Decimal("90")),
        PlanTarget(plan_id=plan_b.id, target_date=dt.date(2012, 9, 1), school_count=1),
    ])

    year = make_year(session)
    maths = make_subject(session, "Математика")

    # --- A1 ---
    t1, t2, t3 = (make_staff(session, w.a1, name) for name in ("Первова", "Вторая", "Третьякова"))
    t4 = make_staff(session, w.a1, "Ушедшая")
    t4.active = False
    make_staff(session, w.a1, "Секретарева", position="секретарь").is_teacher = False
    c = make_class(session, w.a1, year, 5, "А")
    pupil_login = make_user(session, sm, "pupil_p1", R.PUPIL)
    parent_login = make_user(session, sm, "parent_p2", R.PARENT)
    p1 = make_pupil(session, c, "Первый", pupil_login, birth_date=dt.date(2001, 3, 14))
    p2 = make_pupil(session, c, "Второй", birth_date=dt.date(2001, 4, 15))
    p3 = make_pupil(session, c, "Третий", birth_date=dt.date(2001, 5, 16))
    p4 = make_pupil(session, c, "Ушедший", birth_date=dt.date(2001, 6, 17))
    p4.enrolled_on, p4.left_on = dt.date(2012, 5, 1), dt.date(2012, 8, 31)
    w.pupils = [p1, p2, p3, p4]
    make_guardian(session, [p2], parent_login, "Вторая-мама")
    late_login = make_user(session, sm, "parent_p3", R.PARENT)
    make_guardian(session, [p3], late_login, "Третья-мама")
    for user, day in ((pupil_login, 5), (parent_login, 10)):
        note_first_login(session, user.id, user.username, dt.datetime(2012, 9, day, 18, 0))
    note_first_login(session, late_login.id, late_login.username, dt.datetime(2012, 10, 2, 8, 0))
    a_t1 = make_assignment(session, c, maths, t1)
    a_t2 = make_assignment(session, c, make_subject(session, "Русский язык"), t2)
    a_t3 = make_assignment(session, c, make_subject(session, "История"), t3)
    t1_lessons = [make_lesson(session, a_t1, dt.date(2012, 9, d), topic=f"Тема {d}") for d in (3, 4, 5, 6, 7)]
    for d in (3, 4, 5):
        make_lesson(session, a_t2, dt.date(2012, 9, d), number=2, topic="Диктант")
    make_lesson(session, a_t2, dt.date(2012, 9, 6), number=2, topic="   ")
    make_lesson(session, a_t3, dt.date(2012, 9, 10), number=3)
    cancelled = make_lesson(session, a_t3, dt.date(2012, 9, 11), number=3, topic="Отменён")
    cancelled.cancelled = True
    make_lesson(session, a_t1, dt.date(2012, 8, 31), topic="Август")
    october = make_lesson(session, a_t3, dt.date(2012, 10, 1), number=3, topic="Октябрь")
    lesson1, lesson2, lesson3 = t1_lessons[:3]
    make_mark(session, lesson1, p1, 5, mark_type).created_at = at(lesson1.date, 10)
    make_mark(session, lesson1, p2, 4, mark_type).created_at = at(lesson1.date, 18)
    make_mark(session, lesson2, p1, 3, mark_type).created_at = dt.datetime.combine(
        lesson2.date + dt.timedelta(days=1), dt.time(23, 59))
    make_mark(session, lesson3, p1, 5, mark_type).created_at = dt.datetime.combine(
        lesson3.date + dt.timedelta(days=2), dt.time(0, 0))
    make_mark(session, october, p3, 4, mark_type).created_at = at(october.date)
    session.add_all([
        DiaryVisit(pupil_id=p1.id, day=dt.date(2012, 9, 10), visits=3),
        DiaryVisit(pupil_id=p2.id, day=dt.date(2012, 9, 11), visits=2),
        DiaryVisit(pupil_id=p1.id, day=dt.date(2012, 10, 1), visits=5),
        DiaryVisit(pupil_id=p1.id, day=dt.date(2012, 8, 31), visits=1),
    ])

    # --- A2 ---
    t5, t6 = make_staff(session, w.a2, "Пятова"), make_staff(session, w.a2, "Шестова")
    c2 = make_class(session, w.a2, year, 6, "Б")
    a_t5, a_t6 = make_assignment(session, c2, maths, t5), make_assignment(session, c2, make_subject(session, "Русский язык"), t6)
    make_lesson(session, a_t5, dt.date(2012, 9, 3), topic="Дроби")
    make_lesson(session, a_t5, dt.date(2012, 9, 4), topic="Дроби 2")
    make_lesson(session, a_t6, dt.date(2012, 9, 3), number=2)
    make_lesson(session, a_t6, dt.date(2012, 9, 4), number=2)

    # --- A3 (not general education) ---
    t7 = make_staff(session, w.a3, "Седьмова")
    c3 = make_class(session, w.a3, year, 7, "В")
    a_t7 = make_assignment(session, c3, maths, t7)
    make_lesson(session, a_t7, dt.date(2012, 9, 3), topic="Кружок")
    make_lesson(session, a_t7, dt.date(2012, 9, 4), topic="Кружок 2")

    # --- B1 ---
    make_staff(session, w.b1, "Восьмова")

    u = w.users
    for name, role in (("admin", R.ADMIN), ("ministry", R.MINISTRY), ("monitor", R.MONITORING)):
        u[name] = make_user(session, sm, name, role)
    u["municipal"] = make_user(session, sm, "municipal", R.MUNICIPAL, municipality=w.municipality_a)
    u["municipal_b"] = make_user(session, sm, "municipal_b", R.MUNICIPAL, municipality=w.municipality_b)
    u["vendor"] = make_user(session, sm, "vendor", R.VENDOR, journal_system=w.vendor_system)
    u["other_vendor"] = make_user(session, sm, "other_vendor", R.VENDOR, journal_system=w.other_system)
    session.commit()
    return w


def import_rows(w: MonitoringWorld, **overrides) -> list[tuple[int, dict]]:
    """One good row for B2 (9/10 lessons, 3/4 teachers: uses the system)."""
    cells = dict(school_id=w.b2.id, teachers_active=3, teachers_total=4, lessons_filled=9, lessons_due=10,
                 marks_entered=40, marks_on_time=30, pupils_total=100, pupils_with_diary_access=60, diary_visits=250)
    cells.update(overrides)
    return [(2, cells)]


def xlsx_bytes(rows: list[list]) -> bytes:
    """A small xlsx file from rows (the first row is the header)."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()
