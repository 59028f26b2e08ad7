"""A gunicorn worker that stops writes the diary visits it tallied (app/diary/visits.py): the
tally lives in the worker's memory, and a normal stop (SIGTERM, as on a deploy or a restart)
must not lose it."""
from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import create_engine, func, select

from app import create_app
from app.extensions import db
from app.models import DiaryVisit
from tests.diary_helpers import build_diary_week
from tests.factories import PASSWORD, build_world
from tests.ops_helpers import Gunicorn

pytestmark = pytest.mark.pg
requests = pytest.importorskip("requests")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def visits_of(url: str, pupil_id: int) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.coalesce(func.sum(DiaryVisit.visits), 0))
                                     .where(DiaryVisit.pupil_id == pupil_id))
    finally:
        engine.dispose()


def test_a_stopping_server_writes_the_visits_it_tallied(pg_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_url})
    with app.app_context():
        world = build_world(db.session, app.appbuilder.sm)
        build_diary_week(db.session, world)
        pupil = world.pupil_a.id
        db.session.remove()
        db.engine.dispose()
    server = Gunicorn({"APP_ENV": "prod", "DATABASE_URL": pg_url, "SECRET_KEY": secrets.token_hex(32),
                       "SESSION_COOKIE_SECURE": "0", "INSTANCE_DIR": str(tmp_path / "instance"),
                       "DIARY_VISITS_WRITE_SECONDS": "600"}, tmp_path).start()
    try:
        http = requests.Session()
        token = CSRF_RE.search(http.get(server.base + "/login/").text).group(1)
        login = http.post(server.base + "/login/", data={"username": "parent", "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False)
        assert login.status_code == 302 and "/login" not in login.headers["Location"]
        for _ in range(3):
            page = http.get(f"{server.base}/diary/{pupil}/")
            assert page.status_code == 200 and "Дневник" in page.text
        assert visits_of(pg_url, pupil) == 0, "tallied in the worker, not written yet"
    finally:
        server.stop()
    assert server.process.returncode == 0
    assert visits_of(pg_url, pupil) == 3
