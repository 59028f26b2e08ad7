"""Handing a new account's one-time code to its person: an e-mailed one-time link where the
person has an address, else a printed login slip; a letter the mail server refuses (or a server
that cannot be reached) falls back to a slip, and the page says so.

The codes exist in clear only here and in the answer that prints the slips (app/accounts/codes.py
keeps their hashes). The slips are rendered by app/templates/accounts/slips.html from `Slip`s."""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field
from urllib.parse import quote

from app.formats import format_date
from app.notify.mailer import Mailer, SmtpSettings
from app.text import _

log = logging.getLogger(__name__)

# The one-time link of a letter opens the first login with the login and code filled in.
FIRST_LOGIN_PATH = "/login/code/"


@dataclass(frozen=True)
class Issued:
    """A new account and its code, as the person who gets it should read them."""

    user_id: int
    login: str
    name: str  # «Петрова Анна Сергеевна»
    subtitle: str  # what the slip says under the name: the position, the role and place
    email: str | None  # where the link goes; None: a slip
    code: str
    expires_on: dt.date  # the last day the code is good for


@dataclass(frozen=True)
class Slip:
    """One login slip (app/templates/accounts/slips.html)."""

    name: str
    subtitle: str
    login: str
    code: str
    expires_on: dt.date


@dataclass
class Delivery:
    """What became of each code: e-mailed (names), printed on slips, and whose letter failed (their
    slip is among `slips`)."""

    mailed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    slips: list[Slip] = field(default_factory=list)


def expires_on(now: dt.datetime, days: int) -> dt.date:
    """The last whole day a code issued at `now` for `days` days is good for: it ends at the same
    time `days` days later, so the slip names the day before (issued 19.10.2012 09:30 for 30 days:
    «до 17.11.2012 включительно», the code works until 18.11.2012 09:30)."""
    return (now + dt.timedelta(days=days)).date() - dt.timedelta(days=1)


def first_login_link(site_url: str, login: str, code: str) -> str:
    return f"{site_url.rstrip('/')}{FIRST_LOGIN_PATH}{quote(login)}/{quote(code)}"


def letter(issued: Issued, site_url: str) -> tuple[str, str]:
    """(subject, body) of the letter carrying the one-time link."""
    subject = _("Ваша учётная запись в электронном журнале")
    body = _(
        "Здравствуйте, %(name)s!\n\n"
        "Для вас создана учётная запись в электронном журнале (%(subtitle)s).\n"
        "Логин: %(login)s\n\n"
        "Чтобы войти в первый раз и задать свой пароль, откройте ссылку:\n%(link)s\n"
        "Ссылка действует один раз, до %(until)s включительно.\n\n"
        "Если ссылка не открывается, откройте %(site)s, введите логин и вместо пароля код %(code)s.\n"
        "Если вы не ждали этого письма, просто удалите его.",
        name=issued.name, subtitle=issued.subtitle, login=issued.login,
        link=first_login_link(site_url, issued.login, issued.code), until=format_date(issued.expires_on),
        site=site_url, code=issued.code)
    return subject, body


def slip(issued: Issued) -> Slip:
    return Slip(name=issued.name, subtitle=issued.subtitle, login=issued.login, code=issued.code,
                expires_on=issued.expires_on)


def deliver(issued: list[Issued], settings: SmtpSettings | None, site_url: str) -> Delivery:
    """E-mail the link to everyone with an address (one connection to `settings`' server; None:
    no mail at all), a slip for everyone else and for everyone whose letter did not go out, in the
    order given."""
    delivery = Delivery()
    sent: set[int] = set()
    addressed = [item for item in issued if item.email]
    if addressed and settings is not None:
        try:
            with Mailer(settings) as mailer:
                for item in addressed:
                    try:
                        mailer.send(item.email, *letter(item, site_url))
                    except (OSError, smtplib.SMTPException) as error:
                        log.warning("account letter to user %s not sent: %s", item.user_id, error)
                        continue
                    sent.add(item.user_id)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mail server %s:%s not reached for account letters: %s", settings.host, settings.port, error)
    for item in issued:
        if item.user_id in sent:
            delivery.mailed.append(item.name)
            continue
        if item.email:
            delivery.failed.append(item.name)
        delivery.slips.append(slip(item))
    return delivery
