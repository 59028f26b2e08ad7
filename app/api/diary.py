"""Diary JSON API (read-only), for a mobile client or the page itself.

GET /api/v1/diary/children                     the pupils whose diary the user keeps
GET /api/v1/diary/<pupil_id>/week?date=…       the week containing the date (default: today's)
GET /api/v1/diary/<pupil_id>/progress?period=… marks, averages, period/year marks, attendance
GET /api/v1/diary/homework-files/<file_id>     a file attached to homework the user may read

The same scope as the pages (app.web.diary.open_diary): another family's child answers 404.
Works with the browser session and, where FAB's security API is on, with a JWT.
Each method's docstring after `---` is its OpenAPI operation; the answers' schemas are in
app.api.diary_schemas.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from flask import request
from apispec import APISpec
from apispec.exceptions import DuplicateComponentNameError
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from app import clock, formats
from app.api.diary_schemas import SCHEMAS
from app.web.api_messages import RussianAnswers
from app.diary import progress as progress_domain
from app.diary import week as week_domain
from app.extensions import db
from app.http import stored_file
from app.journal import homework as homework_domain
from app.replica import read_session
from app.security.clauses import NotInScope
from app.security import roles as R
from app.security.current import current_scope
from app.web.diary import family, note_visit, open_diary, school_calendar


def plain(value):
    """Dataclasses, dates, times and decimals as JSON values (dates ISO, times HH:MM, decimals as text).
    A dataclass field with metadata {"api": False} is the site's alone and left out."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.metadata.get("api", True)}
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

    def add_apispec_components(self, api_spec: APISpec) -> None:
        super().add_apispec_components(api_spec)
        try:
            for name, schema in SCHEMAS.items():
                api_spec.components.schema(name, schema)
            api_spec.components.parameter("pupil_id", "path", {"schema": {"type": "integer"}})
        except DuplicateComponentNameError:  # a spec object already holding them
            pass

    def add_api_spec(self, api_spec: APISpec) -> None:
        """Every operation answers 401 without a login and 403 to a role without diary rights; one
        about a pupil answers 404 for another family's child (or no such pupil)."""
        super().add_api_spec(api_spec)
        prefix = f"/api/{self.version}/{self.resource_name}/"
        for path, operations in api_spec._paths.items():
            if not path.startswith(prefix):
                continue
            codes = ("401", "403", "404") if "{pupil_id}" in path else ("401", "403")
            for operation in operations.values():
                for code in codes:
                    operation["responses"].setdefault(code, {"$ref": f"#/components/responses/{code}"})

    @expose("/children", methods=["GET"])
    @protect()
    @permission_name("get")
    def list_children(self):
        """The pupils whose diary the user keeps (a pupil: themself).
        ---
        get:
          summary: The pupils whose diary the user keeps
          responses:
            200:
              description: The pupils, by name
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/DiaryChildrenAnswer'
        """
        return self.response(200, result=[_pupil(kid) for kid in family(current_scope())])

    @expose("/<int:pupil_id>/week", methods=["GET"])
    @protect()
    @permission_name("get")
    def get_week(self, pupil_id: int):
        """The pupil's diary for the week containing `date`.
        ---
        get:
          summary: The pupil's diary for one week (Monday to Saturday)
          parameters:
          - pupil_id  # apispec: the name of a parameter component (add_apispec_components)
          - in: query
            name: date
            required: false
            description: A day of the week (YYYY-MM-DD); by default the last week with a recorded lesson
            schema:
              type: string
              format: date
          responses:
            200:
              description: The week's lessons, marks and absences
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/DiaryWeekAnswer'
            400:
              $ref: '#/components/responses/400'
        """
        _kids, pupil = self._open(pupil_id)
        if pupil is None:
            return self.response_404()
        try:
            day = formats.parse_date(request.args.get("date"))
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
        """The pupil's marks, averages, period and year marks and attendance for a period.
        ---
        get:
          summary: The pupil's progress in a study period or the whole year
          parameters:
          - pupil_id  # apispec: the name of a parameter component (add_apispec_components)
          - in: query
            name: period
            required: false
            description: A study period id or "year"; by default the period of the reference date
            schema:
              type: string
          responses:
            200:
              description: Per subject the marks, the weighted average and the period marks; the attendance
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/DiaryProgressAnswer'
        """
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

    @expose("/homework-files/<int:file_id>", methods=["GET"])
    @protect()
    @permission_name("get")
    def get_homework_file(self, file_id: int):
        """A file attached to homework: given to a class, a subgroup or a pupil of the user's family.
        ---
        get:
          summary: A file attached to homework (PDF, an image, a Word or Excel document)
          parameters:
          - in: path
            name: file_id
            required: true
            schema:
              type: integer
          responses:
            200:
              description: The file, as an attachment under its own name
              content:
                application/pdf:
                  schema:
                    type: string
                    format: binary
                image/jpeg:
                  schema:
                    type: string
                    format: binary
                image/png:
                  schema:
                    type: string
                    format: binary
                application/vnd.openxmlformats-officedocument.wordprocessingml.document:
                  schema:
                    type: string
                    format: binary
                application/vnd.openxmlformats-officedocument.spreadsheetml.sheet:
                  schema:
                    type: string
                    format: binary
            404:
              $ref: '#/components/responses/404'
        """
        try:
            found = homework_domain.homework_file(db.session, current_scope(), file_id)
        except NotInScope:
            return self.response_404()
        return stored_file(found.data, found.filename, found.content_type)

    @staticmethod
    def _open(pupil_id: int):
        try:
            return open_diary(pupil_id)
        except NotFound:
            return None, None
