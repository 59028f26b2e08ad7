"""`flask --app app monitoring compute|report`: the monthly work of the monitoring role from the shell."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db
from app.i18n import _, _l

cli = AppGroup("monitoring", help=_l("Мониторинг использования: показатели школ и аналитическая справка."))


def _month(value: str):
    from app.monitoring.months import parse_month

    try:
        return parse_month(value)
    except DomainError as error:
        raise click.BadParameter(error.message) from None


@cli.command("compute")
@click.option("--month", required=True, help=_l("Месяц в виде ГГГГ-ММ, например 2012-09."))
def compute(month: str):
    """Compute the month's usage snapshots of the schools on this product (idempotent)."""
    from app.monitoring.indicators import compute_month

    try:
        result = compute_month(db.session, _month(month))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(result.message())


@cli.command("report")
@click.option("--month", required=True, help=_l("Месяц в виде ГГГГ-ММ, например 2012-09."))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help=_l("Куда записать справку: файл .xlsx или .docx (формат — по расширению)."))
def report(month: str, out: str):
    """Write the month's analytical report (xlsx or docx, by the extension of --out); record both
    formats in the register."""
    from app.monitoring.register import generate, report_file, report_format

    try:
        kind = report_format(Path(out).name)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint="--out") from None
    entry = generate(db.session, _month(month), user_id=None, generated_by=_("командная строка"))
    content = report_file(entry, kind).content
    Path(out).write_bytes(content)
    click.echo(_("Справка (редакция %(revision)s) записана в %(path)s (%(size)s байт) и внесена в реестр.",
                 revision=entry.revision, path=out, size=len(content)))
