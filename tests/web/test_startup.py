"""A bad database stops the server with one clear line, not a traceback."""
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(database_url: str, tmp_path, then: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "dev", "INSTANCE_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", f"from app import create_app; create_app(); {then}"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("url,expected", [
    ("nonsense://nowhere", "Неверный DATABASE_URL"),
    ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "База данных недоступна"),
])
def test_bad_database_url_stops_with_one_line(tmp_path, url, expected):
    result = start(url, tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0] and "Traceback" not in result.stderr
    assert "secret" not in result.stderr


def test_database_behind_migrations_stops_with_upgrade_hint(tmp_path):
    result = start(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "db upgrade" in lines[0], result.stderr


def test_migrated_database_starts(tmp_path, sqlite_template):
    result = start(f"sqlite:///{sqlite_template}", tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_started_server_keeps_its_start_up_objects_out_of_full_collections(tmp_path, sqlite_template, app):
    result = start(f"sqlite:///{sqlite_template}", tmp_path, then="import gc; print(gc.get_freeze_count())")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 50_000
    # An app built for tests is not frozen: the suite builds hundreds, whose cycles must be collected.
    assert gc.get_freeze_count() == 0
