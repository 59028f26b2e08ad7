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
from markupsafe import Markup, escape

from app import clock, formats
from app.diary import progress as progress_domain
from app.diary import week as week_domain
from app.models import Pupil
from app.reading import read_session
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
    lesson or mark."""

    def __init__(self):
        self.cancelled = escape(_("урок отменён"))
        self.substitution = escape(_("замена"))
        self.topic = escape(_("Тема:"))
        self.homework = escape(_("Д/з:"))
        self.weight = escape(_("вес"))
        self.instead_of = Markup(escape(_("(вместо %(name)s)")))
        self.room = Markup(escape(_("каб. %(room)s")))


def lesson_texts() -> LessonTexts:
    """The labels in the request's locale, translated once per process."""
    return _texts_in(str(get_locale()))


@lru_cache(maxsize=8)
def _texts_in(locale: str) -> LessonTexts:
    return LessonTexts()  # translated into the request's locale, which is `locale`


def lesson_items(lessons, texts: LessonTexts) -> Markup:
    """A day's lessons as <li> items. The week has up to forty lessons with their marks: joined
    here in Python, they cost a fraction of what the same markup costs as a Jinja loop (the diary
    is the busiest page of the evening)."""
    items = []
    for lesson in lessons:
        changed = lesson.substituted and not lesson.cancelled
        css = "diary-lesson" + (" is-cancelled" if lesson.cancelled else "") + (" is-substituted" if lesson.substituted else "")
        when = f'<span class="diary-num">{lesson.number}</span>'
        if lesson.starts_at:
            when += f'<span class="diary-time">{lesson.starts_at:%H:%M}–{lesson.ends_at:%H:%M}</span>'
        subject = f"<strong>{escape(lesson.subject)}</strong>"
        if lesson.cancelled:
            subject += f' <span class="label label-danger">{texts.cancelled}</span>'
        if changed:
            subject += f' <span class="label label-warning">{texts.substitution}</span>'
        meta = escape(lesson.teacher) if lesson.teacher else ""
        if changed:
            meta += " " + texts.instead_of % {"name": lesson.replaces}
        if lesson.room:
            if lesson.teacher:
                meta += " · "
            meta += texts.room % {"room": lesson.room} if lesson.room[:1].isdigit() else escape(lesson.room)
        what = f'<div class="diary-subject">{subject}</div><div class="diary-meta">{meta}</div>'
        if lesson.topic:
            what += f'<div class="diary-topic"><span class="diary-k">{texts.topic}</span> {escape(lesson.topic)}</div>'
        if lesson.homework:
            what += f'<div class="diary-homework"><span class="diary-k">{texts.homework}</span> {escape(lesson.homework)}</div>'
        results = ""
        if lesson.marks or lesson.absence:
            parts = []
            for mark in lesson.marks:
                weight = format_weight(mark.weight)
                title = f"{escape(mark.work_type)}, {texts.weight} {weight}" + (f": {escape(mark.comment)}" if mark.comment else "")
                kind = escape(mark.work_type) + (f" ×{weight}" if mark.weight != 1 else "")
                parts.append(f'<span class="diary-mark mark-{mark.value}" title="{title}">'
                             f'<span class="diary-mark-value">{mark.value}</span> '
                             f'<span class="diary-mark-type">{kind}</span></span>')
            if lesson.absence:
                name = escape(lesson.absence.name)
                parts.append(f'<span class="diary-absence" title="{name}">{escape(lesson.absence.code)} '
                             f'<span class="diary-absence-name">{name}</span></span>')
            results = '<div class="diary-results">' + " ".join(parts) + "</div>"
        items.append(f'<li class="{css}"><div class="diary-when">{when}</div>'
                     f'<div class="diary-what">{what}</div>{results}</li>')
    return Markup("\n".join(items))


def progress_marks(marks, texts: LessonTexts, format_date) -> Markup:
    """A subject's marks for the period as <li> items, joined in Python like the week's lessons: a
    quarter's sixty marks took 2 ms as a Jinja loop, a fifth of the progress page."""
    items = []
    for mark in marks:
        weight = format_weight(mark.weight)
        kind = escape(mark.work_type_short) + (f" ×{weight}" if mark.weight != 1 else "")
        items.append(f'<li class="diary-mark mark-{mark.value}" title="{escape(mark.work_type)}, {texts.weight} {weight}">'
                     f'<span class="diary-mark-value">{mark.value}</span> '
                     f'<span class="diary-mark-type">{format_date(mark.date, "dd.MM")} · {kind}</span></li>')
    return Markup("\n".join(items))


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
        page = self.render_template(
            "diary/progress.html", progress=data, kids=kids, pupil=pupil, page="progress",
            format_average=format_average, format_date=date_formatter(), progress_marks=progress_marks,
            texts=lesson_texts(),
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
        page = self.render_template(
            "diary/week.html", week=data, kids=kids, pupil=pupil, page="week",
            format_date=date_formatter(), lesson_items=lesson_items, texts=lesson_texts(),
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
