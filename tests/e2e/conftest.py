"""Browser fixtures: the app served on loopback from a private copy of the demo region, a page
that records every request (none may leave 127.0.0.1), and axe-core for accessibility checks."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.demo import DEMO_DATE
from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GUIDE_IMG = ROOT / "docs" / "img"
GUIDE_VIEWPORT = {"width": 1100, "height": 700}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def live_server(demo_template, tmp_path, browser_type_launch_args):
    """The demo region served on a free loopback port (Chromium checked first, so tests skip early)."""
    path = tmp_path / "live.sqlite"
    shutil.copy(demo_template, path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_SSL_STRICT": False,
                      "TODAY": DEMO_DATE})  # as `make run` serves the demo
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def browser_context_args(browser_context_args):
    """The user guides' size: every scenario runs at 1100×700 (the parent's phone sets its own)."""
    return {**browser_context_args, "viewport": GUIDE_VIEWPORT, "locale": "ru-RU"}


@pytest.fixture
def outside_requests():
    """Filled by `guarded_page` with every request to a host other than loopback."""
    return []


@pytest.fixture
def guarded_page(page, outside_requests):
    """A Playwright page whose every request is recorded; the test fails if any left 127.0.0.1."""
    def record(request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            outside_requests.append(request.url)

    page.on("request", record)
    yield page
    assert outside_requests == [], f"requests left the machine: {outside_requests}"


def sign_in(page, server: LiveServer, username: str, password: str = DEMO_PASSWORD):
    page.goto(f"{server.url}/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page (inject after every navigation); return violations of those impacts."""
    if not AXE.exists():
        pytest.skip("accessibility checks need axe-core (npm install; make test does it)")
    # Evaluated through the DevTools protocol, which the page's CSP (rightly) does not allow as a tag.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]


def db_scalar(server: LiveServer, sql: str, **params):
    """One value from the served app's database (what the scenario's clicks actually stored)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server.app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def guide_shot(page, name: str, selector: str | None = None) -> None:
    """docs/img/<name>.png for the user guides, only when GUIDE_SCREENSHOTS=1, so that ordinary runs
    leave the committed images alone. With a selector, only that region of the page is taken."""
    if not os.environ.get("GUIDE_SCREENSHOTS"):
        return
    GUIDE_IMG.mkdir(parents=True, exist_ok=True)
    path = GUIDE_IMG / f"{name}.png"
    if selector:  # that region, at most one screen high (a long chart would make a heavy PNG)
        box = page.locator(selector).first.bounding_box()
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], GUIDE_VIEWPORT["height"])}
        page.screenshot(path=str(path), type="png", full_page=True, clip=clip)
    else:
        page.screenshot(path=str(path), type="png", full_page=False)
