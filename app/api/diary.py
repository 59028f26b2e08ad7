"""Diary JSON API (read-only), for a mobile client or the page itself.

GET /api/v1/diary/children                     the pupils whose diary the user keeps
GET /api/v1/diary/<pupil_id>/week?date=…       the week containing the date (default: today's)
GET /api/v1/diary/<pupil_id>/progress?period=… marks, averages, period/year marks, attendance

The same scope as the pages (app.views.diary.open_diary): another family's child answers 404.
Works with the browser session and, where FAB's security API is on, with a JWT.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from flask import request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from app import clock
from app.api.messages import RussianAnswers
from app.diary import progress as progress_domain
from app.diary import week as week_domain
from app.reading import read_session
from app.security import roles as R
from app.security.current import current_scope
from app.views.diary import family, note_visit, open_diary, parse_date, school_calendar


def plain(value):
    """Dataclasses, dates, times and decimals as JSON values (dates ISO, times HH:MM, decimals as text)."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _pupil(card) -> dict:
    return {"id": card.id, "name": card.name, "class": card.class_name, "school": card.school_name}


class DiaryApi(RussianAnswers, BaseApi):
    resource_name = "diary"
    allow_browser_login = True
    role_access = {R.PARENT: ("can_get",), R.PUPIL: ("can_get",)}
    openapi_spec_tag = "Diary"

    @expose("/children", methods=["GET"])
    @protect()
    @permission_name("get")
    def list_children(self):
        return self.response(200, result=[_pupil(kid) for kid in family(current_scope())])

    @expose("/<int:pupil_id>/week", methods=["GET"])
    @protect()
    @permission_name("get")
    def get_week(self, pupil_id: int):
        _kids, pupil = self._open(pupil_id)
        if pupil is None:
            return self.response_404()
        try:
            day = parse_date(request.args.get("date"))
        except ValueError:
            return self.response_400(message=_("Дата не распознана: укажите её как ГГГГ-ММ-ДД."))
        session = read_session()
        on = day or week_domain.reference_date(session, pupil, clock.today())
        week = week_domain.build_week(session, pupil, on, clock.today(), calendar=school_calendar(pupil.school_id))
        result = plain(week)
        result["pupil"] = _pupil(pupil)
        note_visit(pupil)
        return self.response(200, result=result)

    @expose("/<int:pupil_id>/progress", methods=["GET"])
    @protect()
    @permission_name("get")
    def get_progress(self, pupil_id: int):
        _kids, pupil = self._open(pupil_id)
        if pupil is None:
            return self.response_404()
        session = read_session()
        on = week_domain.reference_date(session, pupil, clock.today())
        progress = progress_domain.build_progress(session, pupil, request.args.get("period"), on,
                                                  calendar=school_calendar(pupil.school_id))
        result = plain(progress)
        result["pupil"] = _pupil(pupil)
        result["chosen"] = progress.chosen.key if progress.chosen else None
        note_visit(pupil)
        return self.response(200, result=result)

    @staticmethod
    def _open(pupil_id: int):
        try:
            return open_diary(pupil_id)
        except NotFound:
            return None, None
