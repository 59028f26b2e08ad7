"""`flask --app app accounts sync`: run from cron once a day (after midnight) to close the accounts
of pupils whose leaving date has come and of guardians with no child at school any more."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from app import clock
from app.accounts.lifecycle import close_departed
from app.extensions import db
from app.i18n import _, _l

cli = AppGroup("accounts", help=_l("Учётные записи."))


@cli.command("sync")
@click.option("--today", "today_text", default=None,
              help=_l("Дата, на которую сверять (ISO 8601), по умолчанию — сегодняшняя."))
def sync_command(today_text: str | None):
    """Close the accounts of pupils who have left and of guardians with no child at school."""
    try:
        today = dt.date.fromisoformat(today_text) if today_text else clock.today()
    except ValueError:
        raise click.BadParameter(_("Дата пишется так: 2012-10-19."), param_hint="--today")
    closed = close_departed(db.session, now=clock.now(), today=today)
    click.echo(_("Закрыто учётных записей: %(n)s.", n=closed))
