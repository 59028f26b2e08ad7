"""The diary's request-level helpers, shared by its pages (app.views.diary) and its API
(app.api.diary): the family's children and the pupil asked for, the school's calendar, and the
count of a family's visits. The family's pupil cards and the school's calendar are kept per process
while the reference version holds (app.security.current.kept)."""
from __future__ import annotations

import atexit
import logging

from flask import abort, current_app, g
from sqlalchemy.exc import SQLAlchemyError

from app import clock
from app.diary import week as week_domain
from app.diary.pupils import PupilCard, children, visible_pupil
from app.diary.seen import mark_seen
from app.diary.visits import VisitTally, write_visits
from app.extensions import db
from app.replica import read_session
from app.security import roles as R
from app.security.current import current_scope, kept

log = logging.getLogger(__name__)


def open_diary(pupil_id: int | None) -> tuple[tuple[PupilCard, ...], PupilCard]:
    """The user's own children (for the switcher) and the pupil whose diary is asked for.

    `pupil_id` None: the first child. A pupil outside the user's scope, or none at all, is 404:
    the answer does not tell another family's child from a pupil that does not exist."""
    scope = current_scope()
    kids = family(scope)
    if pupil_id is None:
        pupil = kids[0] if kids else None
    else:
        pupil = next((kid for kid in kids if kid.id == pupil_id), None)
        if pupil is None and not scope.pupil_ids:
            # Staff with a wider scope (administrator) may read a diary within it.
            pupil = visible_pupil(read_session(), scope, pupil_id)
    if pupil is None:
        abort(404)
    return kids, pupil


def family(scope) -> tuple[PupilCard, ...]:
    """The user's own children (a pupil: themself), from the app's cache while the reference
    version holds; read from the primary, as the scope is."""
    return kept("families", scope, lambda: tuple(children(db.session, scope)))


def school_calendar(school_id: int) -> week_domain.SchoolCalendar:
    """The school's periods, holidays and bells (the diary's and the journal's), from the app's
    cache while the reference version holds. Read from the primary, where the version was read: a
    replica's older rows must not be kept under a newer version."""
    return kept("calendars", school_id, lambda: week_domain.load_calendar(db.session, school_id))


def note_visit(pupil: PupilCard) -> None:
    """Count the visit of a pupil or parent (staff reading a diary is not a family's visit).

    Added to the process's tally (app.diary.visits); when the tally is due, its visits are written
    in the request's own transaction on the primary (the one that loaded the user). Call it once
    the page is rendered: a commit expires what the session loaded, which the page would
    otherwise load again. The counter is a statistic: if the write fails the page is still served."""
    if current_scope().role not in R.FAMILY_ROLES:
        return
    due = current_app.extensions["diary_visits"].add(pupil.id, clock.today())
    if not due:
        return
    try:
        # On the session's connection: through the session itself the upsert would take the ORM's
        # bulk-insert path, twice the CPU.
        write_visits(db.session.connection(), due)
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("%s diary visits not counted: %s", sum(row["visits"] for row in due), error)


def family_reader() -> int | None:
    """The user's id when a pupil or parent reads the diary (whose «новое» marks are theirs), else None:
    staff reading a diary neither see nor move a family's marks."""
    return g.user.id if current_scope().role in R.FAMILY_ROLES else None


def note_seen(pupil: PupilCard) -> None:
    """Stamp the family reader's view of the pupil's diary week (app.diary.seen): one upsert on the
    primary, in a transaction of its own on another pooled connection. Not through the request's
    session: its commit would expire the user and the objects the process keeps, which every
    later request would then load again (the bench's diary week went from 3 to 28 ms). A stamp
    that fails leaves the page served (the marks stay new a little longer)."""
    reader = family_reader()
    if reader is None:
        return
    try:
        with db.engine.begin() as connection:
            mark_seen(connection, reader, pupil.id, clock.region_now())
    except SQLAlchemyError as error:
        log.warning("diary view of pupil %s not stamped: %s", pupil.id, error)


def install_visit_tally(app) -> None:
    """The process's tally of diary visits; with a delay configured, what is left is written as
    the process exits."""
    tally = VisitTally(app.config["DIARY_VISITS_WRITE_SECONDS"])
    app.extensions["diary_visits"] = tally
    if tally.seconds > 0:
        atexit.register(_write_left_over_visits, app, tally)


def _write_left_over_visits(app, tally: VisitTally) -> None:
    rows = tally.take()
    if not rows:
        return
    try:
        with app.app_context(), db.engine.begin() as connection:
            write_visits(connection, rows)
    except SQLAlchemyError as error:
        log.warning("%s diary visits not counted at exit: %s", sum(row["visits"] for row in rows), error)
