"""Handing a new staff or region account's one-time code to its person, as the families' access
does (app/accounts/families.py): the one-time link e-mailed where the person has an address,
else a printed login slip (app/accounts/slips.py); a letter the mail server refuses, or a server
that cannot be reached, falls back to a slip, and the slips page says whose.

Only the letter's words are this module's: a staff member or an official gets a journal account,
not access to a child's diary."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from app.accounts import codes
from app.accounts.families import Issued, Letter, send_letters
from app.accounts.slips import Slip, expires_on
from app.formats import format_date
from app.notify.mailer import SmtpSettings
from app.i18n import _

# Issued.kind of the accounts given here (the families' are GUARDIAN and PUPIL).
STAFF, OFFICIAL = "staff", "official"


def last_day(now: dt.datetime, days: int) -> dt.date:
    """The «действует до» date of codes issued at `now` for `days` days."""
    return expires_on(codes.expiry(now, days))


def account_letter(issued: Issued, link: str) -> Letter:
    """The letter carrying the one-time link (`link`: the address of /login/code/…)."""
    slip = issued.slip
    body = _("Здравствуйте, %(name)s!\n\n"
             "Для вас создана учётная запись в электронном журнале (%(subtitle)s).\n"
             "Ваш логин: %(login)s\n\n"
             "Откройте ссылку и задайте свой пароль:\n%(link)s\n\n"
             "Ссылка действует до %(date)s включительно и открывается один раз. Если срок прошёл, "
             "попросите новый код у того, кто выдал вам учётную запись.\n",
             name=slip.name, subtitle=slip.subtitle, login=slip.login, link=link,
             date=format_date(slip.expires_on))
    return Letter(issued.user_id, issued.email, _("Ваша учётная запись в электронном журнале"), body)


@dataclass
class Delivery:
    """What became of the codes: the names e-mailed (`sent`), the names whose letter failed
    (`not_sent`, their slips printed), and the slips to print, in the order issued."""

    sent: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)
    slips: list[Slip] = field(default_factory=list)


def deliver(issued: list[Issued], settings: SmtpSettings, link_for: Callable[[str, str], str]) -> Delivery:
    """E-mail the link to everyone with an address (one connection), a slip for everyone else and
    for everyone whose letter did not go out."""
    failed = send_letters(settings, [account_letter(item, link_for(item.slip.login, item.slip.code))
                                     for item in issued if item.email])
    delivery = Delivery()
    for item in issued:
        if item.email and item.user_id not in failed:
            delivery.sent.append(item.slip.name)
            continue
        if item.email:
            delivery.not_sent.append(item.slip.name)
        delivery.slips.append(item.slip)
    return delivery
