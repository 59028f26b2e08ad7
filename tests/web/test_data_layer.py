"""One data layer under the pages and the API (app.web.data.ScopedInterface): the same class, so
the same refusal of the database reads the same Russian sentence on a page form and in the API,
and nothing is saved."""
from __future__ import annotations

import html
import re
from contextlib import contextmanager

import pytest
from flask_appbuilder import ModelView
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.api import base as api_base
from app.models import UsageSnapshot
from app.views import base as views_base
from app.web.data import ScopedInterface
from tests.conftest import csrf_token
from tests.factories import PASSWORD
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world
from tests.rollout_helpers import make_snapshot

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
DUPLICATE = "Такая запись уже есть: проверьте поля, которые должны быть уникальными."
NOT_SAVED = "Не удалось сохранить изменения в базе данных; ничего не изменено."
FIGURES = dict(teachers_active=3, teachers_total=4, lessons_filled=9, lessons_due=10, marks_entered=40,
               marks_on_time=30, pupils_with_diary_access=60, pupils_total=100, diary_visits=250)


@pytest.fixture
def mw(app, session):
    return build_monitoring_world(session, app.appbuilder.sm)


def _ours(views) -> list:
    return [view for view in views if isinstance(view, (ModelView, ModelRestApi))
            and not view.datamodel.obj.__module__.startswith("flask_appbuilder.")]


def test_pages_and_api_share_one_data_layer(app):
    ours = _ours(app.appbuilder.baseviews)
    assert {type(view).__name__ for view in ours if not isinstance(view.datamodel, ScopedInterface)} == set()
    by_name = {type(view).__name__: view for view in ours}
    page, api = by_name["UsageSnapshotView"], by_name["UsageSnapshotApi"]
    assert type(page.datamodel) is type(api.datamodel) is ScopedInterface
    # Neither layer keeps a data layer of its own.
    for module in (views_base, api_base):
        own = [name for name, value in vars(module).items()
               if isinstance(value, type) and issubclass(value, SQLAInterface) and value.__module__ == module.__name__]
        assert own == [], module.__name__


def _api_headers(client, username: str) -> dict:
    reply = client.post("/api/v1/security/login", json={"username": username, "password": PASSWORD, "provider": "db"})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return {"Authorization": f"Bearer {reply.json['access_token']}"}


ALERT = re.compile(r'<div class="alert alert-\w+">\s*<button[^>]*>[^<]*</button>\s*(.*?)\s*</div>', re.S)


def _flashes(page: str) -> list[str]:
    return [html.unescape(text) for text in ALERT.findall(page)]


def _page_add(client, school, month: str):
    token = csrf_token(client, "/usagesnapshotview/add")
    reply = client.post("/usagesnapshotview/add", data={"csrf_token": token, "school": school.id, "month": month,
                                                        **FIGURES}, follow_redirects=True)
    assert reply.status_code == 200
    return _flashes(reply.get_data(as_text=True))


def _api_add(client, headers, school, month: str):
    return client.post("/api/v1/usage_snapshot/", json={"school": school.id, "month": month, **FIGURES},
                       headers=headers)


def _snapshots(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(UsageSnapshot.id)))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_unique_violation_reads_the_same_on_a_page_form_and_in_the_api(mw, client, as_user, session, engine):
    make_snapshot(session, mw.b2, SEPTEMBER)
    session.commit()
    headers = _api_headers(client, "monitor")
    assert _page_add(as_user("monitor"), mw.b2, "2012-09-01") == [DUPLICATE]
    reply = _api_add(client, headers, mw.b2, "2012-09-01")
    assert (reply.status_code, reply.json["message"]) == (422, DUPLICATE)
    assert _snapshots(session) == 1


@contextmanager
def commit_fails_after_writing(model):
    """The database refuses the COMMIT of a transaction that wrote a `model` row (a connection lost
    at that moment, a serialization failure): a refusal met at commit, not at the flush."""
    wrote = []

    def after_flush(session, context):
        if any(isinstance(row, model) for row in session.new):
            wrote.append(True)

    def before_commit(session):
        if wrote:
            wrote.clear()
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(Session, "after_flush", after_flush)
    event.listen(Session, "before_commit", before_commit)
    try:
        yield
    finally:
        event.remove(Session, "after_flush", after_flush)
        event.remove(Session, "before_commit", before_commit)


def test_a_refused_commit_reads_the_same_on_a_page_form_and_in_the_api(mw, client, as_user, session):
    headers = _api_headers(client, "monitor")
    monitor = as_user("monitor")
    with commit_fails_after_writing(UsageSnapshot):
        flashed = _page_add(monitor, mw.b2, "2012-10-01")
        reply = _api_add(client, headers, mw.b2, "2012-11-01")
    assert flashed == [NOT_SAVED]
    assert (reply.status_code, reply.json["message"]) == (422, NOT_SAVED)
    assert _snapshots(session) == 0


def test_commit_false_leaves_the_transaction_to_the_caller(mw, session):
    data = ScopedInterface(UsageSnapshot, session)
    row = UsageSnapshot(school_id=mw.b2.id, month=SEPTEMBER, source="entered", uses_system=True)
    data.add(row, commit=False)
    assert row in session.new
    session.rollback()
    assert _snapshots(session) == 0


def test_a_page_bounds_its_count_and_the_api_counts_exactly(app, mw, client, as_user, session):
    app.config["LIST_COUNT_BOUND"] = 1
    for school in (mw.a1, mw.b1, mw.b2):
        make_snapshot(session, school, SEPTEMBER)
    session.commit()
    page = as_user("monitor").get("/usagesnapshotview/list/").get_data(as_text=True)
    assert re.search(r"<strong>Всего записей:</strong>\s*более 1\s*<", page)
    listing = client.get("/api/v1/usage_snapshot/", headers=_api_headers(client, "monitor")).json
    assert listing["count"] == 3  # clients page by it
