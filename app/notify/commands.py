"""`flask --app app notify send`: run from cron every few minutes; digests decide their own timing."""
from __future__ import annotations

import datetime as dt
import logging
import smtplib

import click
from flask import current_app
from flask.cli import AppGroup

from app import clock, formats
from app.extensions import db
from app.notify.digest import collect_due, mark_sent, render, start_watermarks
from app.notify.mailer import Mailer, SmtpSettings
from app.i18n import _, _l

log = logging.getLogger(__name__)
cli = AppGroup("notify", help=_l("Уведомления родителям по электронной почте."))


def smtp_settings(config) -> SmtpSettings:
    return SmtpSettings(
        host=config["MAIL_SERVER"], port=int(config["MAIL_PORT"]), use_tls=bool(config["MAIL_USE_TLS"]),
        username=config.get("MAIL_USERNAME") or None, password=config.get("MAIL_PASSWORD") or None,
        sender=config["MAIL_FROM"],
    )


def send_due(now: dt.datetime) -> tuple[int, int]:
    """Send every due digest; returns (sent, failed). Watermarks move only for accepted messages."""
    session = db.session
    start_watermarks(session, now)
    session.commit()
    digests = collect_due(session, now)
    if not digests:
        return 0, 0
    diary_url = current_app.config["APP_BASE_URL"].rstrip("/") + "/diary/"
    sent = failed = 0
    with Mailer(smtp_settings(current_app.config)) as mailer:
        for digest in digests:
            subject, body = render(digest, diary_url)
            try:
                mailer.send(digest.email, subject, body)
            except smtplib.SMTPException as error:
                failed += 1
                log.warning("notification to guardian %s not sent, will retry: %s", digest.guardian_id, error)
                continue
            mark_sent(session, digest)
            session.commit()
            sent += 1
    return sent, failed


@cli.command("send")
@click.option("--now", "now_text", default=None, help=_l("Момент отправки (ISO 8601), по умолчанию — текущий."))
def send_command(now_text: str | None):
    """Send the notifications that are due now."""
    try:
        now = formats.parse_moment(now_text) or clock.region_now()
    except formats.NotADate:
        raise click.ClickException(_("«%(value)s» — не момент времени: укажите его как 2012-10-19T18:00.",
                                     value=now_text)) from None
    try:
        sent, failed = send_due(now)
    except (OSError, smtplib.SMTPException) as error:
        raise click.ClickException(
            _("Не удалось связаться с почтовым сервером %(server)s:%(port)s (%(error)s). "
              "Ничего не отмечено отправленным; повторите позже.",
              server=current_app.config["MAIL_SERVER"], port=current_app.config["MAIL_PORT"], error=error))
    click.echo(_("Отправлено писем: %(sent)s; не отправлено (будут повторены): %(failed)s.", sent=sent, failed=failed))
