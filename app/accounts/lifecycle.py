"""An account follows its person: a staff member marked as no longer working, a pupil who has
left (`left_on` on or before today) and a guardian none of whose children is still at school lose
the login at once — ab_user.active False and every session ended — and get it back when the
record says so again (`active` ticked, `left_on` cleared or moved to a later day, a child back).
Nothing they wrote or received is touched: marks, lessons, journal changes and the person's record
stay, and the record keeps its link to the account, so reactivation restores the same login.

Every change is an AccountEvent («deactivated», «reactivated», and «role_changed» from the
administrator's user editor), with the reason in `detail` (REASONS).

Called where the fields change: the staff and pupil forms (app/views/people.py), imports that
write them, the administrator's user editor (app/security/manager.py), and once a day
`flask accounts sync` (app/accounts/commands.py) for the `left_on` dates that arrive later."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from app.accounts.issue import record
from app.accounts.managed import account_school
from app.models import Guardian, GuardianLink, Pupil, Staff
from app.security.sessions import end_user_sessions
from app.i18n import N_, _

# AccountEvent.detail of a deactivation or reactivation: why (shown through gettext).
REASONS = {
    "staff_inactive": N_("работник больше не работает в школе"),
    "staff_active": N_("работник снова работает в школе"),
    "pupil_left": N_("ученик выбыл"),
    "pupil_back": N_("ученик снова учится"),
    "children_left": N_("все дети выбыли"),
    "child_back": N_("ребёнок снова учится"),
    "by_administrator": N_("изменено администратором"),
    "login_page": N_("по запросу со страницы входа"),  # a recovery link (app/accounts/recovery.py)
}
# The field of each record whose change moves its accounts.
WATCHED = {Staff: "active", Pupil: "left_on"}


def reason_label(detail: str | None) -> str:
    """The Russian reason of an event's `detail` code; any other detail (a role) as it is."""
    return _(REASONS[detail]) if detail in REASONS else (detail or "")


def _row_id(pk) -> int | None:
    """A row id from an address («12»), None for anything else («²», «-1», 40 digits)."""
    text = str(pk)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def access_field(session: Session, model, pk) -> tuple:
    """The stored value of the field `model`'s accounts follow (WATCHED), read before a form
    changes the row: a form's fields land on the row first, and loading one of its relations
    flushes them, after which the row's history no longer shows the change. () when there is no
    such row or no such field."""
    name = WATCHED.get(model)
    row_id = _row_id(pk)
    if name is None or row_id is None:
        return ()
    found = session.execute(select(getattr(model, name)).where(model.id == row_id)).first()
    return () if found is None else (found[0],)


def changes_access(item, before: tuple) -> bool:
    """Whether the row's field its accounts follow differs from `before` (access_field)."""
    name = WATCHED.get(type(item))
    return name is not None and before != () and before[0] != getattr(item, name)


def _set_active(session: Session, user_id: int, active: bool, *, reason: str, actor_id: int | None,
                now: dt.datetime, school_id: int | None) -> bool:
    """Make the account active or not; on a change, end its sessions (deactivation) and record the
    event. Returns whether it changed."""
    table = User.__table__
    row = session.execute(select(table.c.active, table.c.username).where(table.c.id == user_id)).first()
    if row is None or bool(row.active) == active:
        return False
    connection = session.connection()
    connection.execute(update(table).where(table.c.id == user_id).values(active=active, changed_on=now))
    if not active:
        end_user_sessions(connection, user_id, now)
    record(session, "reactivated" if active else "deactivated", user_id=user_id, login=row.username,
           actor_id=actor_id, now=now, school_id=school_id, detail=reason)
    return True


def sync_staff(session: Session, staff_ids, *, actor_id: int | None, now: dt.datetime) -> int:
    """The accounts of these staff members follow their `active` flag. Returns how many changed.
    The caller commits."""
    rows = session.execute(select(Staff.user_id, Staff.active, Staff.school_id)
                           .where(Staff.id.in_(list(staff_ids)), Staff.user_id.is_not(None))).all()
    return sum(_set_active(session, user_id, bool(active), reason="staff_active" if active else "staff_inactive",
                           actor_id=actor_id, now=now, school_id=school_id)
               for user_id, active, school_id in rows)


def _at_school(today: dt.date):
    return or_(Pupil.left_on.is_(None), Pupil.left_on > today)


def sync_pupils(session: Session, pupil_ids, *, actor_id: int | None, now: dt.datetime, today: dt.date) -> int:
    """The accounts of these pupils follow `left_on` (gone on or before `today`), and so do their
    guardians' (sync_guardians). Returns how many accounts changed. The caller commits."""
    pupil_ids = list(pupil_ids)
    rows = session.execute(select(Pupil.user_id, Pupil.left_on, Pupil.school_id)
                           .where(Pupil.id.in_(pupil_ids), Pupil.user_id.is_not(None))).all()
    changed = 0
    for user_id, left_on, school_id in rows:
        at_school = left_on is None or left_on > today
        changed += _set_active(session, user_id, at_school, reason="pupil_back" if at_school else "pupil_left",
                               actor_id=actor_id, now=now, school_id=school_id)
    guardians = session.scalars(select(GuardianLink.guardian_id).where(GuardianLink.pupil_id.in_(pupil_ids))
                                .distinct()).all()
    return changed + sync_guardians(session, guardians, actor_id=actor_id, now=now, today=today)


def sync_guardians(session: Session, guardian_ids, *, actor_id: int | None, now: dt.datetime,
                   today: dt.date) -> int:
    """The accounts of these guardians are active while a child of theirs is still at school.
    Returns how many changed. The caller commits."""
    child_at_school = exists().where(GuardianLink.guardian_id == Guardian.id, Pupil.id == GuardianLink.pupil_id,
                                     _at_school(today))
    rows = session.execute(select(Guardian.user_id, child_at_school)
                           .where(Guardian.id.in_(list(guardian_ids)), Guardian.user_id.is_not(None))).all()
    return sum(_set_active(session, user_id, bool(at_school), reason="child_back" if at_school else "children_left",
                           actor_id=actor_id, now=now, school_id=account_school(session, user_id))
               for user_id, at_school in rows)


def after_record_change(session: Session, item, *, actor_id: int | None, now: dt.datetime, today: dt.date) -> int:
    """The accounts of a Staff or Pupil row just changed (and flushed) follow it. The caller commits."""
    if isinstance(item, Staff):
        return sync_staff(session, [item.id], actor_id=actor_id, now=now)
    if isinstance(item, Pupil):
        return sync_pupils(session, [item.id], actor_id=actor_id, now=now, today=today)
    return 0


def close_departed(session: Session, *, now: dt.datetime, today: dt.date) -> int:
    """The daily run: close the accounts of pupils whose `left_on` has come and of guardians with no
    child at school any more. Only closes: an account opened again is the form's doing (a field
    changed), never a run's, so an account the administrator closed by hand stays closed.
    Returns how many accounts were closed. Commits."""
    try:
        pupils = session.scalars(select(Pupil.id).join(User, User.id == Pupil.user_id)
                                 .where(User.active.is_(True), Pupil.left_on <= today)).all()
        closed = sync_pupils(session, pupils, actor_id=None, now=now, today=today)
        child_at_school = exists().where(GuardianLink.guardian_id == Guardian.id, Pupil.id == GuardianLink.pupil_id,
                                         _at_school(today))
        guardians = session.scalars(select(Guardian.id).join(User, User.id == Guardian.user_id)
                                    .where(User.active.is_(True), ~child_at_school)).all()
        closed += sync_guardians(session, guardians, actor_id=None, now=now, today=today)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return closed


@dataclass(frozen=True)
class AccountState:
    """What an account's access is: its roles (names, sorted) and whether it is active."""

    roles: tuple[str, ...]
    active: bool


def account_state(session: Session, pk) -> AccountState | None:
    """The account's state as stored, read before an editor changes it (None: no such account, or
    `pk` is no id)."""
    user_id = _row_id(pk)
    if user_id is None:
        return None
    active = session.scalar(select(User.active).where(User.id == user_id))
    if active is None:
        return None
    roles = session.scalars(select(Role.name).join(assoc_user_role, assoc_user_role.c.role_id == Role.id)
                            .where(assoc_user_role.c.user_id == user_id).order_by(Role.name)).all()
    return AccountState(roles=tuple(roles), active=bool(active))


def account_edited(session: Session, user: User, before: AccountState | None, *, actor_id: int | None,
                   now: dt.datetime) -> None:
    """Record what an edit of `user` in the administrator's user editor changed from `before` (read
    with account_state when the edit began; the form's values are already on `user`): its roles
    («role_changed») and its active flag (closing it ends its sessions). The caller commits."""
    if before is None:
        return
    after = AccountState(roles=tuple(sorted(role.name for role in user.roles)), active=bool(user.active))
    if after == before:
        return
    school_id = account_school(session, user.id)
    if after.roles != before.roles:
        record(session, "role_changed", user_id=user.id, login=user.username, actor_id=actor_id, now=now,
               school_id=school_id, detail=f"{', '.join(before.roles)} → {', '.join(after.roles)}")
    if after.active != before.active:
        if not after.active:
            end_user_sessions(session.connection(), user.id, now)
        record(session, "reactivated" if after.active else "deactivated", user_id=user.id, login=user.username,
               actor_id=actor_id, now=now, school_id=school_id, detail="by_administrator")


def account_added(session: Session, user: User, *, actor_id: int | None, now: dt.datetime) -> None:
    """Record a «created» event for an account the administrator added in the raw user editor (the
    pages of app/accounts record their own). Commits."""
    try:
        record(session, "created", user_id=user.id, login=user.username, actor_id=actor_id, now=now,
               school_id=account_school(session, user.id), detail=", ".join(role.name for role in user.roles))
        session.commit()
    except BaseException:
        session.rollback()
        raise
