"""«Дневник»: the pupil's and parent's week and progress pages (read-only).

Thin views: the pupil comes through the scope module (another family's child answers 404), the
content from app.diary, read through read_session() (the replica when there is one); the family,
the calendar and the visit counter through app.web.diary, which the diary's API shares. Each page
view of a pupil or parent adds one to the pupil's daily visit counter, written with the process's
other visits every DIARY_VISITS_WRITE_SECONDS.
"""
from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

from babel import dates as babel_dates
from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from app import clock, formats
from app.diary import progress as progress_domain
from app.diary import week as week_domain
from app.models import Pupil
from app.replica import read_session
from app.security import roles as R
from app.security.current import current_scope
from app.views import menu
from app.web.diary import install_visit_tally, note_visit, open_diary, school_calendar

log = logging.getLogger(__name__)

FAMILY_ACCESS = ("can_index", "can_week", "can_progress")


def format_average(average) -> str:
    """The diary's average: «4,25», «—» without marks."""
    return formats.format_average(average, missing="—")


def format_weight(weight) -> str:
    """Work-type weight without trailing zeros: 1, 1,5, 2."""
    return formats.format_decimal(weight, 1, trim=True)


def date_formatter():
    """format_date(date, pattern) in the request's locale for the diary's templates: a week's
    headers and a period's mark dates are the same strings for every family, so they are
    formatted once per process (Flask-Babel's format_date looks the locale up on every call)."""
    locale = str(get_locale())
    return lambda date, pattern: _formatted_date(date, pattern, locale)


@lru_cache(maxsize=4096)
def _formatted_date(date: dt.date, pattern: str, locale: str) -> str:
    return babel_dates.format_date(date, pattern, locale=locale)


class LessonTexts:
    """The diary's labels, translated once per locale (`lesson_texts`) rather than once per
    lesson or mark; plain text, escaped where the templates print them."""

    def __init__(self):
        self.cancelled = _("урок отменён")
        self.substitution = _("замена")
        self.topic = _("Тема:")
        self.homework = _("Д/з к уроку:")
        self.homework_of_day = _("Д/з к этому дню")
        self.given = _("задано %(date)s")
        self.individual = _("индивидуальное задание")
        self.files = _("Файлы к заданию")
        self.kilobytes = _("%(kb)s КБ")
        self.weight = _("вес")
        self.instead_of = _("(вместо %(name)s)")
        self.room = _("каб. %(room)s")


def lesson_texts() -> LessonTexts:
    """The labels in the request's locale, translated once per process."""
    return _texts_in(str(get_locale()))


@lru_cache(maxsize=8)
def _texts_in(locale: str) -> LessonTexts:
    return LessonTexts()  # translated into the request's locale, which is `locale`


def week_days(days, texts: LessonTexts) -> list[tuple]:
    """The week's days as diary/week.html draws them: per day (the day, its lessons), each lesson
    (the lesson, its bell times «08:30–09:15» or "", the line under the subject «teacher (вместо
    …) · каб. 21», its marks as (value, tooltip, work type)). The texts are composed here, once,
    so that the template prints each as one value (the diary is the busiest page of the evening)."""
    return [(day, [_lesson_line(lesson, texts) for lesson in day.lessons]) for day in days]


def homework_lines(tasks, texts: LessonTexts, format_date) -> list[tuple]:
    """Tasks as diary/week.html draws them: (the task, «задано 19.10», its files as (id, name,
    «12 КБ»))."""
    return [(task, texts.given % {"date": format_date(task.given_on, "dd.MM")},
             [(f.id, f.name, texts.kilobytes % {"kb": -(-f.size_bytes // 1024)}) for f in task.files])
            for task in tasks]


def _lesson_line(lesson, texts: LessonTexts) -> tuple:
    time = f"{lesson.starts_at:%H:%M}–{lesson.ends_at:%H:%M}" if lesson.starts_at else ""
    meta = lesson.teacher or ""
    if lesson.substituted and not lesson.cancelled:
        meta += " " + texts.instead_of % {"name": lesson.replaces}
    if lesson.room:
        if lesson.teacher:
            meta += " · "
        meta += texts.room % {"room": lesson.room} if lesson.room[:1].isdigit() else lesson.room
    marks = []
    for mark in lesson.marks:
        weight = format_weight(mark.weight)
        title = f"{mark.work_type}, {texts.weight} {weight}" + (f": {mark.comment}" if mark.comment else "")
        marks.append((mark.value, title, mark.work_type + (f" ×{weight}" if mark.weight != 1 else "")))
    return lesson, time, meta, marks


def subject_marks(subjects, texts: LessonTexts, format_date) -> list[tuple]:
    """The period's subjects as diary/progress.html draws them: per subject (the subject, its marks
    as (value, tooltip «work type, вес 1,5», «dd.MM · short type ×1,5»)), composed once here."""
    return [(subject, [_progress_mark(mark, texts, format_date) for mark in subject.marks]) for subject in subjects]


def _progress_mark(mark, texts: LessonTexts, format_date) -> tuple:
    weight = format_weight(mark.weight)
    kind = mark.work_type_short + (f" ×{weight}" if mark.weight != 1 else "")
    return mark.value, f"{mark.work_type}, {texts.weight} {weight}", f"{format_date(mark.date, 'dd.MM')} · {kind}"


class DiaryView(BaseView):
    """The diary week (Mon–Sat) with the child switcher, previous/next week and a date jump."""

    route_base = "/diary"
    default_view = "index"
    role_access = {R.PARENT: FAMILY_ACCESS, R.PUPIL: FAMILY_ACCESS}
    # For the scope matrix test (tests/web/test_scope_matrix.py): a pupil id out of scope is 404.
    scope_routes = [("/<int:pupil_id>/", Pupil), ("/<int:pupil_id>/progress/", Pupil)]

    @expose("/")
    @has_access
    def index(self):
        if not current_scope().pupil_ids:
            return self.render_template("diary/no_pupils.html"), 200
        return self._week(None)

    @expose("/<int:pupil_id>/")
    @has_access
    def week(self, pupil_id: int):
        return self._week(pupil_id)

    @expose("/<int:pupil_id>/progress/")
    @has_access
    def progress(self, pupil_id: int):
        kids, pupil = open_diary(pupil_id)
        session = read_session()
        on = week_domain.reference_date(session, pupil, clock.today())
        data = progress_domain.build_progress(session, pupil, request.args.get("period"), on,
                                              calendar=school_calendar(pupil.school_id))
        format_date = date_formatter()
        page = self.render_template(
            "diary/progress.html", progress=data, kids=kids, pupil=pupil, page="progress",
            subjects=subject_marks(data.subjects, lesson_texts(), format_date),
            format_average=format_average, format_date=format_date,
        )
        note_visit(pupil)
        return page

    def _week(self, pupil_id: int | None):
        kids, pupil = open_diary(pupil_id)
        session = read_session()
        try:
            day = formats.parse_date(request.args.get("date"))
        except ValueError as bad:
            flash(_("Дата «%(value)s» не распознана: укажите её как ДД.ММ.ГГГГ, например 10.09.2012. "
                    "Показана текущая неделя.", value=str(bad)[:20]), "warning")
            day = None
        if day is None:
            day = week_domain.reference_date(session, pupil, clock.today())
        data = week_domain.build_week(session, pupil, day, clock.today(), calendar=school_calendar(pupil.school_id))
        texts = lesson_texts()
        format_date = date_formatter()
        page = self.render_template(
            "diary/week.html", week=data, days=week_days(data.days, texts), texts=texts, kids=kids, pupil=pupil,
            page="week", format_date=format_date,
            homework=lambda tasks: homework_lines(tasks, texts, format_date),
        )
        note_visit(pupil)
        return page


class DiaryProgressView(BaseView):
    """Menu entry «Успеваемость»: the first child's progress; the pages themselves are DiaryView's."""

    route_base = "/diary/progress"
    default_view = "index"
    role_access = {R.PARENT: ("can_index",), R.PUPIL: ("can_index",)}

    @expose("/")
    @has_access
    def index(self):
        if not current_scope().pupil_ids:
            return self.render_template("diary/no_pupils.html"), 200
        _kids, pupil = open_diary(None)
        return redirect(url_for("DiaryView.progress", pupil_id=pupil.id))


def register(appbuilder) -> None:
    install_visit_tally(current_app._get_current_object())

    menu.add(appbuilder, DiaryView, "DiaryWeek", _l("Неделя"), menu.DIARY, "fa-calendar")
    menu.add(appbuilder, DiaryProgressView, "DiaryProgress", _l("Успеваемость"), menu.DIARY, "fa-line-chart")
