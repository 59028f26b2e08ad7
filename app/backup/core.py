"""Backup and restore: SQLite through the online backup API, PostgreSQL through pg_dump/pg_restore.

No Flask here: the functions take the database URL (SQLAlchemy form) and file paths.

- SQLite: `sqlite3.Connection.backup` copies a consistent snapshot while the app keeps working
  (WAL readers and writers are not stopped); the backup is a plain SQLite file.
- PostgreSQL: `pg_dump --format=custom` (compressed, restorable table by table) and
  `pg_restore --single-transaction --exit-on-error` into an EMPTY database. The password goes to
  the tools through PGPASSWORD, never on the command line.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url

from app.text import _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A refused or failed backup/restore; the message is for the operator (Russian)."""


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend
    raise BackupError(_("Резервное копирование поддерживает SQLite и PostgreSQL, а не %(backend)s.", backend=backend))


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(_("Для SQLite нужна база в файле, а не в памяти."))
    return Path(url.database)


def _pg_args(url: URL) -> tuple[list[str], dict]:
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or "",
            "--dbname", url.database or ""]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(_("Не найдена программа %(name)s: установите клиент PostgreSQL (пакет postgresql-client).",
                            name=name))
    return path


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(_("%(program)s завершился с ошибкой: %(detail)s", program=Path(command[0]).name,
                            detail=detail[-1] if detail else result.returncode))


def create_backup(database_url: str, out: Path) -> Path:
    """Write a backup of the database to `out` (written to a temporary file, then renamed)."""
    url = make_url(database_url)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkstemp(dir=out.parent, prefix=out.name + ".", suffix=".part")[1])
    try:
        if _kind(url) == "sqlite":
            source_path = _sqlite_path(url)
            if not source_path.exists():
                raise BackupError(_("Файл базы данных не найден: %(path)s", path=source_path))
            source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            args, env = _pg_args(url)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial), *args], env)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def _is_empty(database_url: str) -> bool:
    engine = create_engine(database_url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore_backup(database_url: str, source: Path) -> None:
    """Restore `source` into the database of `database_url`, which must be empty (no tables)."""
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(_("Файл резервной копии не найден: %(path)s", path=source))
    with source.open("rb") as handle:
        head = handle.read(16)
    kind = _kind(url)
    if kind == "sqlite" and not head.startswith(SQLITE_MAGIC):
        raise BackupError(_("Это не резервная копия SQLite (файл повреждён или от PostgreSQL)."))
    if kind == "postgresql" and not head.startswith(PG_MAGIC):
        raise BackupError(_("Это не резервная копия pg_dump в формате custom (файл повреждён или от SQLite)."))
    if not _is_empty(database_url):
        raise BackupError(_("База данных не пуста: восстанавливайте в новую пустую базу, "
                            "затем переключите на неё DATABASE_URL."))
    if kind == "sqlite":
        source_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            check = source_db.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(_("Резервная копия повреждена: %(check)s", check=check))
            source_db.backup(target)
        finally:
            target.close()
            source_db.close()
    else:
        args, env = _pg_args(url)
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              *args, str(source)], env)
