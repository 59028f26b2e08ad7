"""Backup and restore: SQLite through the online backup API, PostgreSQL through pg_dump/pg_restore.

No Flask here: the functions take the database URL (SQLAlchemy form) and file paths.

- SQLite: `sqlite3.Connection.backup` copies a consistent snapshot while the app keeps working
  (WAL readers and writers are not stopped); the backup is a plain SQLite file.
- PostgreSQL: `pg_dump --format=custom` (compressed, restorable table by table) and
  `pg_restore --single-transaction --exit-on-error` into an EMPTY database. The password goes to
  the tools through PGPASSWORD, never on the command line.
"""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from app.i18n import _

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


def _run(command: list[str], env: dict) -> str | None:
    """Run a PostgreSQL tool: None when it succeeded, else the last line of what it complained."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode == 0:
        return None
    detail = (result.stderr or result.stdout).strip().splitlines()
    return detail[-1] if detail else f"{Path(command[0]).name}: {result.returncode}"


def _os_reason(error: OSError) -> str:
    reasons = {errno.ENOSPC: _("нет места на диске"), errno.EROFS: _("файловая система только для чтения")}
    return reasons.get(error.errno) or error.strerror or type(error).__name__


def _partial_file(out: Path) -> Path:
    """An empty temporary file beside `out`. The folder must exist: a backup disk that is not
    mounted must not turn into a folder of the same name on the system disk."""
    folder = out.parent
    if not folder.is_dir():
        raise BackupError(_("Папка для резервной копии не найдена: %(folder)s. "
                            "Создайте её (или подключите диск) и повторите.", folder=folder))
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=out.name + ".", suffix=".part")
    except PermissionError:
        raise BackupError(_("Нет права записи в папку %(folder)s: выберите другую папку или дайте право записи "
                            "пользователю, от имени которого работает журнал.", folder=folder)) from None
    except OSError as error:
        raise BackupError(_("Не удалось записать в папку %(folder)s: %(reason)s.", folder=folder,
                            reason=_os_reason(error))) from None
    os.close(handle)
    return Path(name)


def create_backup(database_url: str, out: Path) -> Path:
    """Write a backup of the database to `out` (written to a temporary file, then renamed)."""
    url = make_url(database_url)
    out = Path(out)
    partial = _partial_file(out)
    try:
        if _kind(url) == "sqlite":
            source_path = _sqlite_path(url)
            if not source_path.exists():
                raise BackupError(_("Файл базы данных не найден: %(path)s", path=source_path))
            _copy_sqlite(source_path, partial)
        else:
            args, env = _pg_args(url)
            failure = _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file",
                            str(partial), *args], env)
            if failure:
                raise BackupError(_("Копия не создана: %(detail)s", detail=failure))
        partial.replace(out)
    except OSError as error:
        raise BackupError(_("Копия не создана: не удалось записать %(path)s (%(reason)s).", path=out,
                            reason=_os_reason(error))) from None
    finally:
        partial.unlink(missing_ok=True)
    return out


def _copy_sqlite(source_path: Path, target_path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(target_path)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(_("Не удалось скопировать базу SQLite %(source)s в %(target)s: %(detail)s",
                            source=source_path, target=target_path, detail=error)) from None


def _is_empty(database_url: str) -> bool:
    engine = create_engine(database_url)
    try:
        return not inspect(engine).get_table_names()
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise BackupError(_("Не удалось открыть базу DATABASE_URL для восстановления: %(reason)s",
                            reason=reason[0] if reason else type(error).__name__)) from None
    finally:
        engine.dispose()


def _check_kind(kind: str, head: bytes) -> None:
    """Refuse a file that is not a backup of this database's engine, saying what it is."""
    if kind == "sqlite" and head.startswith(PG_MAGIC):
        raise BackupError(_("Это резервная копия PostgreSQL (pg_dump), а база DATABASE_URL — SQLite: "
                            "восстанавливайте её в базу PostgreSQL."))
    if kind == "postgresql" and head.startswith(SQLITE_MAGIC):
        raise BackupError(_("Это резервная копия SQLite, а база DATABASE_URL — PostgreSQL: "
                            "восстанавливайте её в базу SQLite."))
    if kind == "sqlite" and not head.startswith(SQLITE_MAGIC):
        raise BackupError(_("Это не резервная копия SQLite: файл повреждён или не тот."))
    if kind == "postgresql" and not head.startswith(PG_MAGIC):
        raise BackupError(_("Это не резервная копия pg_dump (формат custom): файл повреждён или не тот."))


def _check_sqlite_backup(source: Path) -> None:
    corrupted = _("Резервная копия повреждена (файл обрезан или испорчен): восстановите другую копию.")
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            check = backup.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            backup.close()
    except sqlite3.DatabaseError:  # "database disk image is malformed", "file is not a database"
        raise BackupError(corrupted) from None
    if check != "ok":
        raise BackupError(corrupted)


def restore_backup(database_url: str, source: Path) -> None:
    """Restore `source` into the database of `database_url`, which must be empty (no tables)."""
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(_("Файл резервной копии не найден: %(path)s", path=source))
    try:
        with source.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BackupError(_("Не удалось прочитать файл резервной копии %(path)s: %(reason)s.", path=source,
                            reason=_os_reason(error))) from None
    kind = _kind(url)
    _check_kind(kind, head)
    if kind == "sqlite":
        _check_sqlite_backup(source)
    if not _is_empty(database_url):
        raise BackupError(_("База данных не пуста: восстанавливайте в новую пустую базу, "
                            "затем переключите на неё DATABASE_URL."))
    if kind == "sqlite":
        _copy_sqlite(source, _sqlite_path(url))
    else:
        args, env = _pg_args(url)
        failure = _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                        *args, str(source)], env)
        if failure:
            raise BackupError(_("Резервная копия не восстановлена, база осталась пустой: %(detail)s", detail=failure))
