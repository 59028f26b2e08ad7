"""The diary API's answers as OpenAPI 3.0 schemas (components of /api/v1/_openapi).

They describe what app.api.diary.plain() makes of the domain's dataclasses (app.diary.week,
app.diary.progress): dates ISO (YYYY-MM-DD), times HH:MM, decimals as text ("4.75"). Every
object lists all its fields as required and no others, so a field added to a dataclass without
its schema fails tests/web/test_openapi.py, which checks real answers against these schemas.
"""
from __future__ import annotations

from app.diary import week
from app.models.journal import ASSESSMENT_MODES

DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "pattern": r"^\d{2}:\d{2}$", "nullable": True}
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "A decimal number as text"}
STRING = {"type": "string"}
OPTIONAL_STRING = {"type": "string", "nullable": True}
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}


def obj(properties: dict, *, nullable: bool = False) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if nullable:
        schema["nullable"] = True
    return schema


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(name: str) -> dict:
    return {"type": "array", "items": ref(name)}


def result_of(item: dict) -> dict:
    """FAB's answer envelope: {"result": ...}."""
    return obj({"result": item})


SCHEMAS: dict[str, dict] = {
    "DiaryPupil": obj({"id": INTEGER, "name": STRING, "class": OPTIONAL_STRING, "school": STRING}),
    "DiaryMark": obj({"value": INTEGER, "work_type": STRING, "work_type_short": STRING, "weight": DECIMAL,
                      "comment": OPTIONAL_STRING}),
    "DiaryLesson": obj({
        "number": INTEGER, "subject": STRING, "teacher": OPTIONAL_STRING, "starts_at": TIME, "ends_at": TIME,
        "room": OPTIONAL_STRING, "recorded": BOOLEAN, "cancelled": BOOLEAN,
        "replaces": {**OPTIONAL_STRING, "description": "The teacher the timetable names, when another one takes the lesson"},
        "topic": OPTIONAL_STRING,
        "homework": {**array_of("DiaryHomework"), "description": "The homework due at this lesson"},
        "marks": array_of("DiaryMark"),
        "absence": obj({"code": STRING, "name": STRING, "excused": BOOLEAN}, nullable=True),
    }),
    "DiaryHomeworkFile": obj({
        "id": {**INTEGER, "description": "Downloaded from /api/v1/diary/homework-files/{id}"},
        "name": STRING, "size_bytes": INTEGER}),
    "DiaryHomework": obj({
        "id": INTEGER, "subject": STRING, "text": STRING,
        "given_on": {**DATE, "description": "The day of the lesson it was given on"},
        "individual": {**BOOLEAN, "description": "Given to this pupil alone"},
        "files": array_of("DiaryHomeworkFile"),
    }),
    "DiaryDay": obj({"date": DATE, "is_today": BOOLEAN, "holiday": OPTIONAL_STRING, "outside_periods": BOOLEAN,
                     "lessons": array_of("DiaryLesson"),
                     "homework": {**array_of("DiaryHomework"),
                                  "description": "Homework due this day with no lesson of its subject"}}),
    "DiaryWeek": obj({
        "pupil": ref("DiaryPupil"), "monday": DATE,
        "state": {"type": "string", "enum": [week.OK, week.NO_CLASS, week.NO_TIMETABLE, week.HOLIDAY,
                                             week.OUTSIDE_PERIODS]},
        "days": array_of("DiaryDay"), "period_name": OPTIONAL_STRING, "holiday_name": OPTIONAL_STRING,
    }),
    "DiaryPeriod": obj({"id": {"type": "integer", "nullable": True, "description": "null: the whole year"},
                        "name": STRING, "starts_on": DATE, "ends_on": DATE}),
    "DiaryProgressMark": obj({"date": DATE, "value": INTEGER, "work_type": STRING, "work_type_short": STRING,
                              "weight": DECIMAL}),
    "DiarySubjectProgress": obj({
        "subject_id": INTEGER, "subject": STRING, "marks": array_of("DiaryProgressMark"),
        "average": {**DECIMAL, "nullable": True, "description": "Weighted average of the chosen period's marks"},
        "period_mark": OPTIONAL_STRING,
        "period_marks": {"type": "object", "additionalProperties": STRING,
                         "description": "Study period id → the period mark"},
        "year_mark": OPTIONAL_STRING,
        "assessment": {"type": "string", "enum": list(ASSESSMENT_MODES),
                       "description": "How the subject is assessed in the chosen period: marks, unmarked "
                                      "(taught without marks: no marks, no average, no period result) or "
                                      "pass_fail (no marks on lessons; the period result is a pass or a fail)"},
    }),
    "DiaryAttendanceLine": obj({"code": STRING, "name": STRING, "excused": BOOLEAN, "counts_as_missed": BOOLEAN,
                                "lessons": INTEGER}),
    "DiaryProgress": obj({
        "pupil": ref("DiaryPupil"), "periods": array_of("DiaryPeriod"),
        "chosen": {"type": "string", "nullable": True,
                   "description": "The chosen period: a study period id, or \"year\"; null when the school has none"},
        "subjects": array_of("DiarySubjectProgress"), "attendance": array_of("DiaryAttendanceLine"),
    }),
}
SCHEMAS["DiaryChildrenAnswer"] = result_of({"type": "array", "items": ref("DiaryPupil")})
SCHEMAS["DiaryWeekAnswer"] = result_of(ref("DiaryWeek"))
SCHEMAS["DiaryProgressAnswer"] = result_of(ref("DiaryProgress"))
