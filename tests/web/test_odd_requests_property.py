"""Property: whatever a list page's address or a JSON endpoint's body holds, the answer is not a 5xx
and the app logs no error (the autouse fail_on_logged_errors fixture; the test app also re-raises a
view's exception). The list pages are found from the app's views, the REST APIs from its
ScopedModelRestApi views; the journal's and the timetable's JSON endpoints are named here.

A bounded number of examples per endpoint, derandomized: the same run each time, in seconds."""
from __future__ import annotations

import datetime as dt
import io
import json

from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api.base import ScopedModelRestApi
from tests.conftest import csrf_token
from tests.journal_helpers import build_journal_world
from tests.rollout_helpers import make_snapshot
from tests.security_helpers import api_token
from tests.timetable_helpers import MONDAY, build_timetable_school
from tests.web.test_search_forms import _list_views

EXAMPLES = 12
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))

# What a hand-edited address or a hostile client puts in a number's or a name's place.
ODD_TEXT = st.one_of(
    st.sampled_from(["", "0", "-1", "1", "abc", "99999999999999999999", "1" * 4301, "1.5", "²", "id", "name",
                     "asc", "desc", "\r\n", "%00", "' OR 1=1 --"]),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.text(max_size=30),
)
ODD_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
              st.floats(allow_nan=False), ODD_TEXT),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ODD_TEXT, inner, max_size=3),
    max_leaves=6,
)


def _query(name: str, columns: list[str]):
    keys = st.sampled_from([f"_oc_{name}", f"_od_{name}", f"page_{name}", f"psize_{name}",
                            *(f"_flt_{n}_{column}" for n in range(3) for column in columns[:4])])
    return st.dictionaries(keys, ODD_TEXT, min_size=1, max_size=4)


def test_no_list_address_answers_a_server_error(app, world, as_user):
    client = as_user("admin")
    answered = 0
    for view in _list_views(app):
        name = type(view).__name__
        with app.test_request_context():
            path = url_for(f"{view.endpoint}.list")

        @FUZZ
        @given(args=_query(name, list(view.search_columns or [])))
        def opens(args):
            nonlocal answered
            response = client.get(path, query_string=args)
            answered += 1
            assert response.status_code < 500, (path, args)
            assert "Traceback" not in response.get_data(as_text=True)

        opens()
    assert answered >= 25 * EXAMPLES // 2


def _body(fields: list[str]):
    known = st.fixed_dictionaries({}, optional={field: ODD_JSON for field in fields})
    return st.one_of(known, ODD_JSON)


def _posts(client, headers, url, fields, *, method="post"):
    @FUZZ
    @given(body=_body(fields))
    def sends(body):
        response = getattr(client, method)(url, data=json.dumps(body), content_type="application/json",
                                           headers=headers)
        assert response.status_code < 500, (url, body)

    sends()


JOURNAL = {
    "/journal/api/cell": ["lesson_id", "pupil_id", "assignment_id", "period_id", "text", "known", "mark_type_id",
                          "reason"],
    "/journal/api/lesson": ["lesson_id", "topic", "version", "reason"],
    "/journal/api/period-mark": ["assignment_id", "pupil_id", "period_id", "value", "version", "reason"],
    "/journal/api/fill": ["lesson_id", "text", "mark_type_id", "reason"],
    "/journal/api/absentees": ["lesson_id", "absent", "reason"],
}


def test_no_journal_or_timetable_body_answers_a_server_error(app, session, as_user):
    jw = build_journal_world(session, app.appbuilder.sm)
    w = jw.w
    build_timetable_school(session, w.school_a, w.year, (w.class_a, w.class_a_other))
    session.commit()
    teacher = as_user("teacher")
    headers = {"X-CSRFToken": csrf_token(teacher, f"/journal/{jw.assignment.id}/"), "Accept": "application/json"}
    for url, fields in JOURNAL.items():
        _posts(teacher, headers, url, fields)
    secretary = as_user("secretary")
    headers = {"X-CSRFToken": csrf_token(secretary, f"/timetable/class/{w.class_a.id}?week={MONDAY}")}
    for action in ("cell", "cell/clear"):
        _posts(secretary, headers, f"/timetable/class/{w.class_a.id}/{action}",
               ["weekday", "lesson_number", "valid_from", "week", "assignment_id", "room_id", "add"])


# The lesson panel's task: a multipart form, its fields as text and its files as (bytes, name).
HOMEWORK_FORM = st.fixed_dictionaries({}, optional={
    **{field: ODD_TEXT for field in ("lesson_id", "audience", "text", "due_on", "version", "reason")},
    "remove_files": st.lists(ODD_TEXT, max_size=3),
    "files": st.lists(st.tuples(st.binary(max_size=40), ODD_TEXT), max_size=3),
})


def test_no_homework_form_answers_a_server_error(app, session, as_user):
    jw = build_journal_world(session, app.appbuilder.sm)
    teacher = as_user("teacher")
    headers = {"X-CSRFToken": csrf_token(teacher, f"/journal/{jw.assignment.id}/"), "Accept": "application/json"}
    lesson = str(jw.lessons[1].id)

    @FUZZ
    @given(form=HOMEWORK_FORM, own_lesson=st.booleans())
    def sends(form, own_lesson):
        data = {key: value for key, value in form.items() if key != "files"}
        if own_lesson:
            data["lesson_id"] = lesson
        data["files"] = [(io.BytesIO(content), name) for content, name in form.get("files", [])]
        response = teacher.post("/journal/api/homework", data=data, content_type="multipart/form-data",
                                headers=headers)
        assert response.status_code < 500, form

    sends()


def test_no_rest_api_body_answers_a_server_error(app, world, session, client):
    make_snapshot(session, world.school_a, dt.date(2012, 9, 1))
    session.commit()
    headers = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    apis = [view for view in app.appbuilder.baseviews if isinstance(view, ScopedModelRestApi)]
    assert apis
    for api in apis:
        base = f"/api/{api.version}/{api.resource_name}/"
        _posts(client, headers, base, list(api.add_columns))
        row = client.get(base, headers=headers).get_json()["ids"]
        _posts(client, headers, f"{base}{row[0] if row else 1}", list(api.edit_columns), method="put")
