"""`flask --app app backup create --out FILE` and `flask --app app backup restore --from FILE`."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.backup.core import BackupError, create_backup, restore_backup
from app.i18n import _, _l


class Refusal(click.ClickException):
    """A refused or failed command: its one Russian line on stderr and exit status 1, no
    traceback (click's own ClickException prefixes the line with an English «Error:»)."""

    def show(self, file=None):
        click.echo(self.format_message(), file=file, err=True)


cli = AppGroup("backup", help=_l("Резервная копия базы данных и восстановление из неё."))


@cli.command("create")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=_l("Файл резервной копии."))
def create(out: Path):
    """Back up the database of DATABASE_URL into FILE (SQLite: a database file; PostgreSQL: pg_dump custom)."""
    try:
        path = create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], out)
    except BackupError as error:
        raise Refusal(str(error)) from None
    click.echo(_("Резервная копия сохранена: %(path)s (%(size)s байт)", path=path, size=path.stat().st_size))


@cli.command("restore")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=_l("Файл резервной копии."))
def restore(source: Path):
    """Restore FILE into the (empty) database of DATABASE_URL."""
    from app.extensions import db

    db.session.remove()
    db.engine.dispose()
    try:
        restore_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise Refusal(str(error)) from None
    click.echo(_("База данных восстановлена из %(path)s", path=source))
