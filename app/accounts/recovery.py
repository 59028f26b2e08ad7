"""Password recovery: «Забыли пароль?» on the login page, and the link that whoever manages an
account (app/accounts/managed.py) sends from its page instead of typing a password for it.

- A recovery link carries a token of 256 random bits; the table keeps only its SHA-256
  (password_reset), as one-time codes are kept (codes.py). The link is good for `minutes` (an hour,
  PASSWORD_RESET_MINUTES) by the app's clock, once, and only while the account stays active. A new
  link ends the account's earlier unused ones; setting the password through one ends them all.
- Who gets one: an active account with a real e-mail address — not the placeholder of an account
  made without one (issue.placeholder_email) — found by its login or its address, case-blind.
  Families without e-mail get a new printed code at school instead (families.new_code, the
  pupil's page).
- Asking on the login page answers the same whether such an account exists or not, and reads
  nothing about the account before answering: the page counts the request (`count_request`: per
  typed login or address, known or not, in the database as the login lockout counts failures) and
  answers; `send_requested` runs once the answer has gone (app/views/recovery.py), looks the
  account up and mails the link.
- Setting the password through a link (`redeem`, then the security manager's reset_password) ends
  every session of the account, forgets its failed logins and is recorded as a «password_reset»
  account event; a link sent, as «reset_link_sent».

Times are naive UTC (app.clock.now)."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
import smtplib
from dataclasses import dataclass
from typing import Callable

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import case, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.accounts.issue import NO_EMAIL_DOMAIN, real_email, record
from app.accounts.managed import account_school, managed_user
from app.errors import DomainError
from app.formats import format_moment
from app.models import PasswordReset, PasswordResetRequest
from app.notify.mailer import Mailer, SmtpSettings
from app.security import lockout
from app.security.scope import Scope
from app.i18n import _

log = logging.getLogger(__name__)

DEFAULT_MINUTES = 60
# What a login or an address may be: longer typed text is refused unread.
MAX_TYPED = 256
# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# The event's detail of a link asked for on the login page (a reason of lifecycle.REASONS).
ASKED_ON_LOGIN_PAGE = "login_page"


@dataclass(frozen=True)
class RequestPolicy:
    """At most `requests` recovery requests per typed login or address within `window`, counted
    from the first of them."""

    requests: int = 3
    window: dt.timedelta = dt.timedelta(hours=1)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def typed_problem(typed: str | None) -> str | None:
    """Why what was typed in «Логин или адрес эл. почты» is not looked up (in Russian), or None."""
    text = (typed or "").strip()
    if not text:
        return _("Введите логин или адрес эл. почты, указанный в учётной записи.")
    if len(text) > MAX_TYPED or lockout.CONTROL.search(text):
        return _("Логин или адрес эл. почты написан с ошибкой: проверьте его.")
    return None


def request_key(typed: str) -> str:
    """What requests are counted under: the SHA-256 of the typed text, trimmed, in lower case."""
    return hashlib.sha256(typed.strip().lower().encode()).hexdigest()


def count_request(session: Session, typed: str, now: dt.datetime, policy: RequestPolicy) -> int | None:
    """Count a request for `typed` (checked by typed_problem) at `now`, whether an account has it or
    not; returns the minutes until another is accepted when this one is over `policy`, else None.
    One statement (an upsert), so concurrent requests on several workers are all counted. Commits."""
    table = PasswordResetRequest.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stale = table.c.first_at <= now - policy.window
    statement = dialect.insert(table).values(key_hash=request_key(typed), requests=1, first_at=now) \
        .on_conflict_do_update(index_elements=[table.c.key_hash], set_={
            "requests": case((stale, 1), else_=table.c.requests + 1),
            "first_at": case((stale, now), else_=table.c.first_at),
        }).returning(table.c.requests, table.c.first_at)
    try:
        requests, first_at = session.execute(statement).one()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if requests <= policy.requests:
        return None
    return lockout.minutes_left(first_at + policy.window, now)


def find_account(session: Session, typed: str) -> User | None:
    """The active account whose login or e-mail is `typed` (case-blind) and which has a real
    address to mail; None for anything else, the placeholder addresses included."""
    text = typed.strip().lower()
    if text.endswith("@" + NO_EMAIL_DOMAIN):
        return None
    user = session.scalars(select(User).where(
        or_(func.lower(User.username) == text, func.lower(User.email) == text), User.active.is_(True))
        .order_by(User.id).limit(1)).first()
    return user if user is not None and real_email(user.email) else None


def _store(session: Session, user_id: int, token: str, *, now: dt.datetime, minutes: int,
           sent_by_id: int | None) -> dt.datetime:
    """Keep `token` as the account's one good link (its earlier unused ones end now); returns when
    it expires. The caller commits."""
    table = PasswordReset.__table__
    connection = session.connection()
    connection.execute(update(table).where(table.c.user_id == user_id, table.c.used_at.is_(None),
                                           table.c.expires_at > now).values(expires_at=now))
    expires_at = now + dt.timedelta(minutes=minutes)
    connection.execute(insert(table).values(user_id=user_id, token_hash=token_hash(token), created_at=now,
                                            expires_at=expires_at, sent_by_id=sent_by_id))
    return expires_at


def reset_letter(user: User, link: str, expires_at: dt.datetime, sender: str | None = None) -> tuple[str, str]:
    """(subject, body) of the letter carrying a recovery link; `sender`: the name of whoever sent it
    from the account's page, None when it was asked for on the login page."""
    if sender:
        opening = _("%(sender)s отправил(а) вам ссылку для смены пароля в электронном журнале.", sender=sender)
    else:
        opening = _("На странице входа в электронный журнал попросили сменить пароль этой учётной записи.")
    body = _("Здравствуйте, %(name)s!\n\n"
             "%(opening)s\n"
             "Ваш логин: %(login)s\n\n"
             "Чтобы задать новый пароль, откройте ссылку:\n%(link)s\n\n"
             "Ссылка действует до %(until)s (московское время) и открывается один раз. После смены пароля "
             "на всех устройствах понадобится войти заново.\n\n"
             "Если вы не просили сменить пароль, ничего не делайте: прежний пароль продолжает действовать.\n",
             name=" ".join(part for part in (user.first_name, user.last_name) if part), opening=opening,
             login=user.username, link=link, until=format_moment(expires_at))
    return _("Смена пароля в электронном журнале"), body


def _mail(settings: SmtpSettings, to: str, subject: str, body: str) -> bool:
    """Send one letter; False (logged as a warning) when the relay is unreachable or refuses it."""
    try:
        with Mailer(settings) as mailer:
            mailer.send(to, subject, body)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("password recovery link not sent through %s:%s: %s", settings.host, settings.port, error)
        return False
    return True


def send_requested(session: Session, settings: SmtpSettings, typed: str, token: str, link: str, *,
                   now: dt.datetime, minutes: int = DEFAULT_MINUTES) -> bool:
    """The login page's request, after its answer has gone: when `typed` is the login or address of
    an account that may have a link (find_account), keep `token` as its link, mail `link` and
    record a «reset_link_sent» event; else nothing. True when a letter went out. Commits."""
    user = find_account(session, typed)
    if user is None:
        session.rollback()
        return False
    try:
        expires_at = _store(session, user.id, token, now=now, minutes=minutes, sent_by_id=None)
        subject, body = reset_letter(user, link, expires_at)
        if not _mail(settings, real_email(user.email), subject, body):
            session.rollback()
            return False
        record(session, "reset_link_sent", user_id=user.id, login=user.username, actor_id=None, now=now,
               school_id=account_school(session, user.id), detail=ASKED_ON_LOGIN_PAGE)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return True


def send_link(session: Session, scope: Scope, user_id: int, settings: SmtpSettings, link_for: Callable[[str], str],
              *, now: dt.datetime, minutes: int = DEFAULT_MINUTES) -> str:
    """«Отправить ссылку для смены пароля» on the page of an account `scope`'s user manages: a link
    to the account's own address, recorded as a «reset_link_sent» event of the sender; returns the
    address. NotInScope for an account the user does not manage; DomainError, nothing kept, for a
    closed account, one without an address, or a letter the relay did not take. Commits."""
    user = managed_user(session, scope, user_id)
    email = real_email(user.email)
    if not user.active:
        raise DomainError(_("Учётная запись %(login)s закрыта: ссылка для смены пароля ей не поможет.",
                            login=user.username))
    if email is None:
        raise DomainError(_("У учётной записи %(login)s нет адреса эл. почты: ссылку отправить некуда.",
                            login=user.username))
    sender = session.get(User, scope.user_id)
    token = new_token()
    try:
        expires_at = _store(session, user.id, token, now=now, minutes=minutes, sent_by_id=scope.user_id)
        subject, body = reset_letter(user, link_for(token), expires_at,
                                     sender=f"{sender.first_name} {sender.last_name}".strip() if sender else None)
        if not _mail(settings, email, subject, body):
            raise DomainError(_("Письмо не отправлено: почтовый сервер недоступен или не принял адрес %(email)s. "
                                "Повторите позже.", email=email))
        record(session, "reset_link_sent", user_id=user.id, login=user.username, actor_id=scope.user_id, now=now,
               school_id=account_school(session, user.id))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return email


def _good(session: Session, token: str | None, now: dt.datetime):
    """The link's row (id, user_id, username) if `token` is an unused, unexpired link of an active
    account, else None."""
    if not token or not TOKEN.match(token):
        return None
    table = PasswordReset.__table__
    return session.execute(
        select(table.c.id, User.id.label("user_id"), User.username).join(User, User.id == table.c.user_id)
        .where(table.c.token_hash == token_hash(token), table.c.used_at.is_(None), table.c.expires_at > now,
               User.active.is_(True))
    ).first()


def peek(session: Session, token: str | None, now: dt.datetime) -> User | None:
    """The account the link `token` would reset, without using it up (opening the link shows the
    form: a mail scanner that follows it spends nothing); None for a link no longer good."""
    row = _good(session, token, now)
    return None if row is None else session.get(User, row.user_id)


def redeem(session: Session, token: str | None, now: dt.datetime) -> User | None:
    """Use up the link `token`: the account if it was good (its other links end, its failed logins
    are forgotten, a «password_reset» event recorded), else None and nothing changes. The caller
    sets the password in the same transaction and commits (SecurityManager.reset_by_link)."""
    row = _good(session, token, now)
    if row is None:
        return None
    table = PasswordReset.__table__
    connection = session.connection()
    used = connection.execute(update(table).where(table.c.id == row.id, table.c.used_at.is_(None)).values(used_at=now))
    if used.rowcount != 1:  # another request used it first
        session.rollback()
        return None
    connection.execute(update(table).where(table.c.user_id == row.user_id, table.c.used_at.is_(None),
                                           table.c.expires_at > now).values(expires_at=now))
    lockout.record_success(session, row.username)
    record(session, "password_reset", user_id=row.user_id, login=row.username, actor_id=row.user_id, now=now,
           school_id=account_school(session, row.user_id))
    return session.get(User, row.user_id)

