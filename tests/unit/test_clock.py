"""The app's one clock (app/clock.py): the region's date and time, APP_TODAY for the demo, and no
other module reading the machine's date or time."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from flask import Flask

from app import clock

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.timezone.utc


def machine_at(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(clock, "_machine_now", lambda: moment)


@pytest.fixture
def app_today():
    """An app context whose config fixes today, as APP_TODAY does."""
    def enter(day):
        app = Flask(__name__)
        app.config["TODAY"] = day
        return app.app_context()
    return enter


def test_a_utc_server_after_nine_in_the_evening_is_already_in_the_next_day_in_moscow(monkeypatch):
    # 2012: Moscow kept UTC+4 all year (2011–2014).
    machine_at(monkeypatch, dt.datetime(2012, 10, 18, 20, 30, tzinfo=UTC))
    assert clock.today() == dt.date(2012, 10, 19)
    assert clock.region_now() == dt.datetime(2012, 10, 19, 0, 30)
    assert clock.now() == dt.datetime(2012, 10, 18, 20, 30)   # technical time stays UTC


def test_the_region_date_turns_at_midnight_in_moscow_not_in_utc(monkeypatch):
    # Since 2014 Moscow is UTC+3: 20:59 UTC is 23:59 there, 21:00 UTC is the next day.
    machine_at(monkeypatch, dt.datetime(2024, 3, 31, 20, 59, tzinfo=UTC))
    assert clock.today() == dt.date(2024, 3, 31)
    machine_at(monkeypatch, dt.datetime(2024, 3, 31, 21, 0, tzinfo=UTC))
    assert clock.today() == dt.date(2024, 4, 1)
    assert clock.region_now() == dt.datetime(2024, 4, 1, 0, 0)


def test_app_today_fixes_the_date_and_keeps_the_time_of_day(monkeypatch, app_today):
    machine_at(monkeypatch, dt.datetime(2026, 12, 7, 11, 5, tzinfo=UTC))
    with app_today(dt.date(2012, 10, 19)):
        assert clock.today() == dt.date(2012, 10, 19)
        assert clock.region_now() == dt.datetime(2012, 10, 19, 14, 5)
        assert clock.now() == dt.datetime(2026, 12, 7, 11, 5)


def test_without_app_today_the_configured_app_uses_the_region_date(monkeypatch, app_today):
    machine_at(monkeypatch, dt.datetime(2012, 9, 30, 22, 0, tzinfo=UTC))
    with app_today(None):
        assert clock.today() == dt.date(2012, 10, 1)


# --- nobody else reads the machine's clock -------------------------------------------------------

DATE_READS = {"today", "now", "utcnow"}                       # date.today(), datetime.now(), …
TIME_READS = {"time", "time_ns", "localtime", "gmtime", "ctime", "monotonic", "monotonic_ns",
              "perf_counter", "perf_counter_ns", "process_time"}
SQL_READS = {"now", "current_date", "current_timestamp", "current_time", "localtime", "localtimestamp", "sysdate"}
SQL_WORDS = ("CURRENT_TIMESTAMP", "CURRENT_DATE", "LOCALTIMESTAMP", "NOW()", "'NOW'")

# Reads that are not a date of the region, each with its reason. Everything else goes through
# app.clock (today, region_now, now).
ALLOWED: dict[str, dict[str, str]] = {
    "app/clock.py": {"*": "the clock itself"},
    "app/observability.py": {"time.perf_counter": "a request's duration in the log, a timer, never a date"},
    "app/replica.py": {"time.monotonic": "how long the replica is left alone after a failure, a timer"},
    "app/diary/visits.py": {"time.monotonic": "when the per-process visit tally is written, a timer"},
    # The schema's default for rows written outside the app (raw SQL, old migrations). The app
    # stamps every one of these columns from app.clock (test_stamped_columns_take_the_apps_clock).
    **{f"app/models/{name}.py": {"func.now": "schema default; the app's own writes use app.clock"}
       for name in ("journal", "rollout", "monitoring", "imports")},
}


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every read of the machine's date or time in a module's source."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            name = _dotted(node)
            if not name or "." not in name:
                continue
            owner, attr = name.rsplit(".", 1)
            owner = owner.rsplit(".", 1)[-1]
            if (owner in ("date", "datetime") and attr in DATE_READS) or (owner == "time" and attr in TIME_READS):
                found.append((node.lineno, f"{owner}.{attr}"))
            elif owner == "func" and attr in SQL_READS:
                found.append((node.lineno, f"func.{attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [(node.lineno, f"time.{a.name}") for a in node.names if a.name in TIME_READS]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            upper = node.value.upper()
            found += [(node.lineno, f"SQL {word}") for word in SQL_WORDS if word in upper]
    return found


def test_the_scanner_finds_every_kind_of_read():
    source = '''
import datetime as dt, time
from datetime import date, datetime
from time import monotonic
from sqlalchemy import func, text
a = dt.date.today(); b = date.today(); c = datetime.now(); d = dt.datetime.utcnow()
e = time.time(); f = func.now(); g = text("UPDATE t SET at = CURRENT_TIMESTAMP")
def h(clock=time.monotonic):
    """Says datetime.now() in its docstring, which is no read."""
ok = clock.today(), clock.region_now(), dt.date(2012, 9, 1), dt.time(8, 30)
'''
    assert sorted(what for _line, what in clock_reads(source)) == sorted([
        "time.monotonic", "date.today", "date.today", "datetime.now", "datetime.utcnow", "time.time",
        "func.now", "SQL CURRENT_TIMESTAMP", "time.monotonic"])


def test_no_module_reads_the_machines_date_or_time_but_the_clock():
    wrong = []
    for path in sorted([*(ROOT / "app").rglob("*.py"), ROOT / "config.py"]):
        name = path.relative_to(ROOT).as_posix()
        allowed = ALLOWED.get(name, {})
        for line, what in clock_reads(path.read_text(encoding="utf-8")):
            if "*" not in allowed and what not in allowed:
                wrong.append(f"{name}:{line}: {what}")
    assert wrong == [], "use app.clock (today, region_now, now) instead:\n" + "\n".join(wrong)


def test_every_allowance_is_still_needed():
    unused = []
    for name, allowed in ALLOWED.items():
        reads = {what for _line, what in clock_reads((ROOT / name).read_text(encoding="utf-8"))}
        unused += [f"{name}: {what}" for what in allowed if what != "*" and what not in reads]
    assert unused == []


def test_stamped_columns_take_the_apps_clock():
    """A column the database would stamp with its own clock is stamped by the app from app.clock."""
    from app.models import Model

    unstamped = []
    for table in Model.metadata.tables.values():
        for column in table.columns:
            server = column.server_default
            if server is not None and "now" in str(getattr(server, "arg", "")).lower():
                if column.default is None or column.default.arg.__module__ != "app.clock":
                    unstamped.append(f"{table.name}.{column.name}")
    assert unstamped == []
