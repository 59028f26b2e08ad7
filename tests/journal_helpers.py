"""A small journal world for the journal tests: build_world plus more pupils and lessons of the
teacher's own assignment (7А, Математика) in the first quarter of 2012/2013."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from app.models import Lesson, MarkType, TeachingAssignment
from tests.factories import build_world, make_lesson, make_pupil


@dataclass
class JournalWorld:
    w: object
    assignment: TeachingAssignment
    foreign_assignment: TeachingAssignment
    lessons: list = field(default_factory=list)
    pupils: list = field(default_factory=list)
    types: dict = field(default_factory=dict)



def build_journal_world(session, sm, *, extra_pupils=("Борисова", "Волков"), lesson_days=(11, 12, 13)) -> JournalWorld:
    w = build_world(session, sm)
    assignment = session.scalar(select(TeachingAssignment).where(TeachingAssignment.teacher_id == w.teacher.id))
    foreign = session.scalar(select(TeachingAssignment).where(TeachingAssignment.teacher_id == w.other_teacher.id))
    pupils = [w.pupil_a] + [make_pupil(session, w.class_a, name) for name in extra_pupils]
    lessons = [w.lesson_a] + [make_lesson(session, assignment, dt.date(2012, 9, day)) for day in lesson_days]
    types = {t.short_name: t for t in session.scalars(select(MarkType))}
    session.commit()
    return JournalWorld(w=w, assignment=assignment, foreign_assignment=foreign, lessons=lessons, pupils=pupils,
                        types=types)


def cell_post(client, token, lesson, pupil, assignment, text, known=None, **extra):
    body = {"lesson_id": lesson.id, "pupil_id": pupil.id, "assignment_id": assignment.id, "period_id": None,
            "text": text, "known": known or {"marks": {}, "absence": None}}
    body.update(extra)
    return client.post("/journal/api/cell", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


def post_json(client, token, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


def post_form(client, token, url, body):
    """A multipart POST as the lesson panel sends a task: `body` fields (a list value repeats the
    field; files as (BytesIO, name) pairs)."""
    return client.post(url, data=body, content_type="multipart/form-data",
                       headers={"X-CSRFToken": token, "Accept": "application/json"})
