"""The rule of subjects taught without marks (app.journal.assessment), in Python and in SQL, and
what it does to the class reports and the diary, on the small world of tests.assessment_helpers."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.diary.progress import build_progress
from app.diary.pupils import visible_pupil
from app.diary.week import build_week
from app.errors import DomainError
from app.journal import assessment, reports
from app.models import Lesson, PeriodMark, SubjectAssessment
from app.models.journal import MARKS, PASS_FAIL, UNMARKED
from app.security.scope import load_scope
from tests.assessment_helpers import build_assessment_world


# --- the rule in Python -------------------------------------------------------------------------

def test_grade_one_is_unmarked_by_default_and_other_grades_marked():
    assert [assessment.default_mode(grade) for grade in (1, 2, 5, 11)] == [UNMARKED, MARKS, MARKS, MARKS]


def test_a_setting_wins_over_the_default_in_its_period_only():
    settings = {11: UNMARKED, 12: PASS_FAIL}
    assert assessment.mode_in(settings, 2, 11) == UNMARKED
    assert assessment.mode_in(settings, 2, 12) == PASS_FAIL
    assert assessment.mode_in(settings, 2, 13) == MARKS
    assert assessment.mode_in({13: MARKS}, 1, 13) == MARKS     # a first grade the school marks
    assert assessment.mode_in({}, 1, 11) == UNMARKED
    assert assessment.mode_in(settings, 2, None) == MARKS      # no period: the default


def test_the_year_result_follows_the_periods():
    # Grade 2, first half without marks: the year is marked (from the second half).
    assert assessment.year_mode({1: UNMARKED, 2: UNMARKED}, 2, [1, 2, 3, 4]) == MARKS
    # Grade 1 all year: no year result; «зачёт» in every period: «зач./незач.» for the year.
    assert assessment.year_mode({}, 1, [1, 2, 3, 4]) == UNMARKED
    assert assessment.year_mode({p: PASS_FAIL for p in (1, 2, 3, 4)}, 7, [1, 2, 3, 4]) == PASS_FAIL
    assert assessment.year_mode({1: PASS_FAIL}, 1, [1, 2, 3, 4]) == PASS_FAIL
    assert assessment.year_mode({}, 1, []) == UNMARKED


def test_settings_read_back_from_their_aggregate():
    assert assessment.parse_settings("12:unmarked,13:pass_fail") == {12: UNMARKED, 13: PASS_FAIL}
    assert assessment.parse_settings(None) == {} and assessment.parse_settings("") == {}


def test_period_results_each_mode_takes():
    assessment.check_period_result(MARKS, "4")
    assessment.check_period_result(PASS_FAIL, "зач.")
    assessment.check_period_result(PASS_FAIL, "незач.")
    with pytest.raises(DomainError, match="«5» не принимается: предмет оценивается по системе «зачёт/незачёт»"):
        assessment.check_period_result(PASS_FAIL, "5")
    with pytest.raises(DomainError, match="изучается без отметок: итоговая отметка не ставится"):
        assessment.check_period_result(UNMARKED, "зач.")


def test_marks_are_refused_with_the_reason_and_what_may_be_entered():
    with pytest.raises(DomainError) as refused:
        assessment.refuse_marks(UNMARKED, 5, {"н", "б"})
    assert refused.value.message == ("Отметка «5» не ставится: предмет в этом классе и периоде изучается без отметок. "
                                     "Отмечайте пропуски (б, н), записывайте тему и задание.")
    with pytest.raises(DomainError, match="«зачёт/незачёт»"):
        assessment.refuse_marks(PASS_FAIL, 4, {"н"})
    assessment.refuse_marks(MARKS, 4, {"н"})  # nothing to refuse


# --- the rule in SQL, on lesson rows --------------------------------------------------------------

@pytest.fixture
def aw(app, session):
    return build_assessment_world(session, app.appbuilder.sm)


def lesson_modes(session):
    return dict(session.execute(select(Lesson.id, assessment.lesson_mode())).all())


def test_each_lesson_gets_the_mode_of_its_class_subject_and_period(aw, session):
    modes = lesson_modes(session)
    assert [modes[lesson.id] for lesson in aw.first_lessons] == [UNMARKED] * 3      # grade 1
    assert modes[aw.music_lesson.id] == PASS_FAIL and modes[aw.art_lesson.id] == UNMARKED
    assert modes[aw.w.lesson_a.id] == MARKS                                         # 7А Математика
    # ИЗО is without marks in the first quarter only: its lesson of the second is marked.
    from tests.factories import make_lesson
    later = make_lesson(session, aw.art, dt.date(2012, 11, 12))
    # A lesson outside every study period (the autumn holidays) follows the default.
    holiday = make_lesson(session, aw.first_maths, dt.date(2012, 11, 1))
    session.commit()
    modes = lesson_modes(session)
    assert modes[later.id] == MARKS and modes[holiday.id] == UNMARKED


def test_the_sql_rule_agrees_with_the_python_rule(aw, session):
    settings = assessment.settings_of(session, aw.w.class_a.id, aw.music.subject_id)
    assert settings == {aw.quarters[0].id: PASS_FAIL}
    assert assessment.mode_in(settings, 7, aw.quarters[0].id) == lesson_modes(session)[aw.music_lesson.id]
    assert assessment.mode_of_lesson(session, aw.first_lessons[0].id) == UNMARKED


# --- class reports --------------------------------------------------------------------------------

def add_period_marks(session, aw, subject_id, values, class_group=None, period=None):
    class_group = class_group or aw.w.class_a
    pupils = aw.seventh_pupils if class_group is aw.w.class_a else aw.first_pupils
    for pupil, value in zip(pupils, values):
        if value:
            session.add(PeriodMark(pupil_id=pupil.id, class_group_id=class_group.id, subject_id=subject_id,
                                   academic_year_id=aw.w.year.id, study_period_id=(period or aw.quarters[0]).id,
                                   value=value))


def test_class_report_leaves_unmarked_subjects_out_and_counts_pass_fail_for_success(aw, app, session):
    # Алексеева, Борисова, Волков in the first quarter:
    add_period_marks(session, aw, aw.maths.subject_id, ["5", "4", "2"])
    add_period_marks(session, aw, aw.music.subject_id, ["зач.", "зач.", "незач."])   # «зачёт/незачёт»
    add_period_marks(session, aw, aw.art.subject_id, ["5", None, None])              # without marks: set before
    session.commit()
    scope = load_scope(session, app.appbuilder.sm.find_user("director"))
    report = reports.class_report(session, scope, aw.w.class_a.id, aw.quarters[0].id)
    lines = {line.subject: line for line in report.subjects}
    maths, music, art = lines["Математика"], lines["Музыка"], lines["ИЗО"]
    assert (maths.mode, music.mode, art.mode) == (MARKS, PASS_FAIL, UNMARKED)
    # Математика: N = 3; (5 + 4) / 3 = 66,7 %; СОУ (100 + 64 + 16) / 3 = 60,0; средний (5 + 4 + 2) / 3 = 3,67.
    assert (maths.marks.assessed, maths.marks.success, maths.marks.quality, maths.marks.sou, maths.marks.average) == \
        (3, Decimal("66.7"), Decimal("66.7"), Decimal("60.0"), Decimal("3.67"))
    # Музыка: N = 3, успеваемость 2 «зач.» / 3 = 66,7 %; no качество, СОУ or average.
    assert (music.marks.assessed, music.marks.success, music.marks.quality, music.marks.sou, music.marks.average) == \
        (3, Decimal("66.7"), None, None, None)
    # ИЗО: its «5» counts nowhere.
    assert (art.marks.assessed, art.marks.success, art.marks.sou, art.marks.counts["5"]) == (0, None, None, 0)
    # The class: СОУ and average of the marks (5, 4, 2), not of ИЗО's 5 (with it: 70,0 and 4,00).
    assert (report.total.counts["5"], report.total.sou, report.total.average) == (1, Decimal("60.0"), Decimal("3.67"))
    # Pupils: Алексеева (5, зач.) and Борисова (4, зач.) pass and are of quality; Волков (2, незач.) does not.
    assert (report.pupils_assessed, report.pupils_passing, report.pupils_quality) == (3, 2, 2)


def test_class_report_of_a_first_grade_has_no_figures(aw, app, session):
    add_period_marks(session, aw, aw.first_maths.subject_id, ["5", "4"], class_group=aw.first)  # before the rule
    session.commit()
    scope = load_scope(session, app.appbuilder.sm.find_user("director"))
    report = reports.class_report(session, scope, aw.first.id, aw.quarters[0].id)
    [line] = report.subjects
    assert (line.mode, line.marks.assessed, line.marks.success, line.marks.average) == (UNMARKED, 0, None, None)
    assert (report.pupils_assessed, report.success, report.quality, report.total.sou) == (0, None, None, None)


def test_a_setting_of_the_second_quarter_leaves_the_first_as_it_is(aw, app, session):
    session.add(SubjectAssessment(class_group_id=aw.w.class_a.id, subject_id=aw.maths.subject_id,
                                  study_period_id=aw.quarters[1].id, mode=UNMARKED))
    add_period_marks(session, aw, aw.maths.subject_id, ["5", "4", "2"])
    session.commit()
    scope = load_scope(session, app.appbuilder.sm.find_user("director"))
    first = reports.class_report(session, scope, aw.w.class_a.id, aw.quarters[0].id)
    second = reports.class_report(session, scope, aw.w.class_a.id, aw.quarters[1].id)
    assert next(l for l in first.subjects if l.subject == "Математика").mode == MARKS
    assert next(l for l in second.subjects if l.subject == "Математика").mode == UNMARKED


# --- the diary ------------------------------------------------------------------------------------

def card(session, app, pupil):
    return visible_pupil(session, load_scope(session, app.appbuilder.sm.find_user("admin")), pupil.id)


def test_diary_week_shows_topics_but_no_marks_of_unmarked_lessons(aw, app, session):
    week = build_week(session, card(session, app, aw.first_pupils[0]), dt.date(2012, 9, 10), dt.date(2012, 9, 14))
    lessons = [lesson for day in week.days for lesson in day.lessons if lesson.recorded]
    assert [(lesson.topic, lesson.marks) for lesson in lessons] == [("Счёт до 10", []), ("Сложение", []), (None, [])]
    seventh = build_week(session, card(session, app, aw.w.pupil_a), dt.date(2012, 9, 10), dt.date(2012, 9, 14))
    maths = next(lesson for day in seventh.days for lesson in day.lessons if lesson.subject == "Математика")
    assert [mark.value for mark in maths.marks] == [5]


def test_diary_progress_says_without_marks_and_counts_no_marks_there(aw, app, session):
    progress = build_progress(session, card(session, app, aw.first_pupils[0]), str(aw.quarters[0].id),
                              dt.date(2012, 9, 14))
    [maths] = progress.subjects
    assert (maths.assessment, maths.marks, maths.average) == (UNMARKED, [], None)
    year = build_progress(session, card(session, app, aw.first_pupils[0]), "year", dt.date(2012, 9, 14))
    assert (year.subjects[0].assessment, year.subjects[0].average) == (UNMARKED, None)
    seventh = build_progress(session, card(session, app, aw.w.pupil_a), str(aw.quarters[0].id), dt.date(2012, 9, 14))
    modes = {s.subject: (s.assessment, s.average) for s in seventh.subjects}
    assert modes == {"Математика": (MARKS, Decimal("5.00")), "Музыка": (PASS_FAIL, None), "ИЗО": (UNMARKED, None)}
    # The year: Музыка and ИЗО are marked from the second quarter on.
    seventh_year = build_progress(session, card(session, app, aw.w.pupil_a), "year", dt.date(2012, 9, 14))
    assert {s.subject: s.assessment for s in seventh_year.subjects} == {"Математика": MARKS, "Музыка": MARKS,
                                                                        "ИЗО": MARKS}


# --- the teacher's «Сегодня» ----------------------------------------------------------------------

@pytest.mark.parametrize("database_engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def test_results_due_leave_out_unmarked_subjects_and_pass_fail_shortage(session, world, database_engine):
    """On the day of tests.today_helpers (results of the first quarter due): 8Б Физика set without
    marks is not listed at all; 7А Математика set «зачёт/незачёт» lists its two pupils without a
    period result but nobody short of marks."""
    from app.journal import today
    from tests.today_helpers import DAY, build_teacher_day
    t = build_teacher_day(session, world)
    session.add_all([
        SubjectAssessment(class_group_id=world.class_a_other.id, subject_id=t.physics.subject_id,
                          study_period_id=t.quarter.id, mode=UNMARKED),
        SubjectAssessment(class_group_id=world.class_a.id, subject_id=t.maths.subject_id,
                          study_period_id=t.quarter.id, mode=PASS_FAIL)])
    session.commit()
    todo = today.things_to_do(session, load_scope(session, world.users["teacher"]), DAY)
    [maths] = todo.due
    assert (maths.assignment_id, maths.short, maths.without_period_mark, maths.pupils) == (t.maths.id, (), 2, 4)
