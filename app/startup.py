"""Start-up checks: a wrong, unreachable or outdated database stops the server with one clear line."""
from __future__ import annotations

import sys
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from app.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class StartupError(Exception):
    """One line for the operator; raised before the app serves anything."""


def head_revision() -> str:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def database_problem(url: str, *, require_head: bool) -> str | None:
    """None when the database is usable, otherwise the Russian line to print."""
    try:
        parsed = make_url(url)
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        return _("Неверный DATABASE_URL (%(error)s): проверьте адрес базы данных, "
                 "например postgresql+psycopg://user:pass@host:5432/db.", error=error.__class__.__name__)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return _("База данных недоступна (%(url)s): %(reason)s. Проверьте, что сервер запущен и DATABASE_URL верен.",
                 url=parsed.render_as_string(hide_password=True), reason=reason)
    except SQLAlchemyError as error:
        return _("Ошибка подключения к базе данных: %(error)s. Проверьте DATABASE_URL.", error=error.__class__.__name__)
    finally:
        engine.dispose()
    if require_head:
        head = head_revision()
        if current != head:
            return _("Схема базы данных устарела (версия %(current)s, нужна %(head)s): "
                     "выполните `flask --app app db upgrade` (или `make migrate`).",
                     current=current or _("пусто"), head=head)
    return None


def check_or_exit(url: str, *, require_head: bool) -> None:
    problem = database_problem(url, require_head=require_head)
    if problem:
        print(_("Ошибка запуска: %(problem)s", problem=problem), file=sys.stderr)
        raise SystemExit(1)
