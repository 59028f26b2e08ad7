"""Browser fixtures: the app served by gunicorn on loopback from a private copy of the demo region, a page
that records every request (none may leave 127.0.0.1), and axe-core for accessibility checks."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

from app.demo import DEMO_DATE
from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GUIDE_IMG = ROOT / "docs" / "img"
GUIDE_VIEWPORT = {"width": 1100, "height": 700}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class LiveServer:
    """gunicorn serving the app on a free loopback port, as `make run` does, with the test settings
    (APP_ENV=test) and the demo date. Its log goes to a file; an ERROR in it fails the test."""

    def __init__(self, database_url: str, log_path: Path, today=DEMO_DATE, workers: int = 2):
        self.database_url = database_url
        self.today = today
        self.log_path = log_path
        self.workers = workers
        self.url = ""
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "APP_ENV": "test", "DATABASE_URL": self.database_url, "DATABASE_REPLICA_URL": ""}
        env.pop("APP_TODAY", None)
        if self.today:
            env["APP_TODAY"] = self.today.isoformat()
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--no-control-socket",
                   "--bind", f"127.0.0.1:{port}", "--timeout", "60", "app:create_app()"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urlopen(f"{self.url}/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s:\n{self.log()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def logged_errors(self) -> list[str]:
        markers = ('"level": "ERROR"', '"level": "CRITICAL"', " ERROR ", " CRITICAL ", "[ERROR]", "[CRITICAL]",
                   "Traceback")
        return [line for line in self.log().splitlines() if any(marker in line for marker in markers)]


@contextmanager
def served(database_url: str, tmp_path: Path, today=DEMO_DATE):
    """gunicorn on `database_url` for the duration of the block; fails when the server logged an error."""
    server = LiveServer(database_url, tmp_path / "gunicorn.log", today).start()
    try:
        yield server
    finally:
        server.stop()
    assert server.logged_errors() == [], "the server logged errors:\n" + server.log()[-4000:]


@pytest.fixture
def live_server(demo_template, tmp_path, browser_type_launch_args):
    """The demo region served by gunicorn on a free loopback port (Chromium checked first, so tests
    skip early)."""
    path = tmp_path / "live.sqlite"
    shutil.copy(demo_template, path)
    with served(f"sqlite:///{path}", tmp_path) as server:
        yield server


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


@pytest.fixture(autouse=True)
def _axe_core():
    """Every story checks accessibility: without axe-core it is skipped before it starts, never
    halfway through (a skip in the middle hid the rest of the story)."""
    if not AXE.exists():
        pytest.skip("accessibility checks need axe-core (npm install; make test does it)")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page (inject after every navigation); return violations of those impacts."""
    # Evaluated through the DevTools protocol, which the page's CSP (rightly) does not allow as a tag.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]


def db_scalar(server: LiveServer, sql: str, **params):
    """One value from the served app's database (what the scenario's clicks actually stored)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server.database_url)
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
