"""The thresholds of the control page's traffic light (editable by the monitoring role).

For each milestone whose deadline has passed, a municipality is judged by the share of its
general-education schools that did it, on time or late:

    done · 100 >= green_share · schools   -> green
    done · 100 >= yellow_share · schools  -> yellow
    otherwise                             -> red

Compared on integers, so 95 % of 20 schools is exactly 19. A milestone of the municipality itself
(plan, responsible person, the usage share) is done or not: 100 % or 0 %. Every change is a new
LightThreshold row (who and when); the latest applies; with none, the defaults (95 %, 75 %).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import formats
from app.errors import DomainError
from app.models import LightThreshold
from app.rollout.status import GREEN, RED, YELLOW
from app.i18n import _

DEFAULT_GREEN = Decimal("95")
DEFAULT_YELLOW = Decimal("75")

@dataclass(frozen=True)
class LightThresholds:
    green_share: Decimal = DEFAULT_GREEN
    yellow_share: Decimal = DEFAULT_YELLOW
    changed_at: dt.datetime | None = None   # naive UTC, as the database keeps it; None: defaults
    changed_by: str | None = None

    def light(self, done: int, total: int) -> str:
        """The light of `done` of `total` (total > 0) by these thresholds."""
        if done * 100 >= self.green_share * total:
            return GREEN
        if done * 100 >= self.yellow_share * total:
            return YELLOW
        return RED


def current_light_thresholds(session: Session) -> LightThresholds:
    """The latest LightThreshold row, or the defaults (95 %, 75 %) when there is none."""
    row = session.scalars(
        select(LightThreshold).order_by(LightThreshold.changed_at.desc(), LightThreshold.id.desc()).limit(1)
    ).first()
    if row is None:
        return LightThresholds()
    who = row.changed_by
    return LightThresholds(Decimal(row.green_share), Decimal(row.yellow_share), row.changed_at,
                           f"{who.first_name} {who.last_name}".strip() if who else None)


def light_threshold_history(session: Session) -> list[LightThreshold]:
    """Every change, the latest first."""
    return list(session.scalars(
        select(LightThreshold).order_by(LightThreshold.changed_at.desc(), LightThreshold.id.desc())))


def _share(value, label: str) -> Decimal:
    try:
        share = formats.parse_decimal(value)
    except formats.NotANumber:
        share = None
    if share is None or not Decimal(0) <= share <= Decimal(100):
        raise DomainError(_("%(label)s: введите число от 0 до 100.", label=label))
    return share.quantize(Decimal("0.01"))


def change_light_thresholds(session: Session, *, green_share, yellow_share, user_id: int | None,
                            now: dt.datetime) -> LightThresholds:
    """Record new thresholds (typed as «95» or «92,5»); `now` is the moment of the change, naive
    UTC. Raises DomainError, writing nothing, for a share outside 0–100 or a yellow share above
    the green one. Commits."""
    green = _share(green_share, _("Зелёный"))
    yellow = _share(yellow_share, _("Жёлтый"))
    if yellow > green:
        raise DomainError(_("Порог жёлтого (%(yellow)s %%) не может быть выше порога зелёного (%(green)s %%).",
                            yellow=formats.format_decimal(yellow, None, trim=True),
                            green=formats.format_decimal(green, None, trim=True)))
    session.add(LightThreshold(green_share=green, yellow_share=yellow, changed_at=now, changed_by_id=user_id))
    session.commit()
    return LightThresholds(green, yellow, now)
