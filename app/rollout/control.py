"""The control table of p.5: municipalities × milestones, with counts, filters and sorting."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.models import Campaign
from app.rollout.status import (
    GREEN,
    GREY,
    LATE,
    LIGHTS,
    NOT_DUE,
    ON_TIME,
    OVERDUE,
    RED,
    STATUSES,
    YELLOW,
    MilestoneInfo,
    MunicipalityRow,
    evaluate,
    milestones_of,
)

SORTS = ("name", "light", "overdue")
_LIGHT_ORDER = {RED: 0, YELLOW: 1, GREY: 2, GREEN: 3}


@dataclass
class ControlTable:
    """What the control page and its xlsx export show.

    `rows`: the municipalities left after filtering, in the chosen order. `totals[code][status]`:
    how many of those municipalities have the milestone in that status. `lights[light]`: how many
    municipalities show each traffic light. `school_totals[code][status]`: schools per status for
    school milestones, summed over the rows."""

    campaign: Campaign
    today: dt.date
    milestones: list[MilestoneInfo]
    rows: list[MunicipalityRow]
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    lights: dict[str, int] = field(default_factory=dict)
    school_totals: dict[str, dict[str, int]] = field(default_factory=dict)


def control_table(
    session: Session,
    campaign: Campaign,
    today: dt.date,
    *,
    where=None,
    light: str | None = None,
    milestone: str | None = None,
    status: str | None = None,
    name: str | None = None,
    sort: str = "name",
) -> ControlTable:
    """Build the table as of `today`.

    Filters (all optional, combined with AND): `where` — SQL clause on Municipality (the user's
    scope); `light` — keep municipalities with this traffic light; `milestone` + `status` — keep
    those whose cell for the milestone has that status (with `status` alone: any milestone in
    that status); `name` — case-insensitive substring of the municipality's name.
    Sort: "name" (А–Я), "light" (red first, then yellow, grey, green; by name within),
    "overdue" (most overdue milestones first). Unknown filter values are ignored."""
    rows = evaluate(session, campaign, today, where=where)
    rows = _filter_by_light_and_status(session, campaign, rows, light, milestone, status)
    rows = _filter_by_name(rows, name)
    _sort_rows(rows, sort)
    milestones = milestones_of(session, campaign)
    table = ControlTable(campaign, today, milestones, rows)
    _count_totals(table)
    return table


def _filter_by_light_and_status(session: Session, campaign: Campaign, rows: list[MunicipalityRow],
                                light: str | None, milestone: str | None,
                                status: str | None) -> list[MunicipalityRow]:
    if light in LIGHTS:
        rows = [r for r in rows if r.light == light]
    if status in STATUSES:
        if milestone and any(m.code == milestone for m in milestones_of(session, campaign)):
            rows = [r for r in rows if r.cells[milestone].status == status]
        else:
            rows = [r for r in rows if r.count(status) > 0]
    return rows


def _filter_by_name(rows: list[MunicipalityRow], name: str | None) -> list[MunicipalityRow]:
    if name and name.strip():
        needle = name.strip().casefold()
        rows = [r for r in rows if needle in r.name.casefold()]
    return rows


def _sort_rows(rows: list[MunicipalityRow], sort: str) -> None:
    """In place; "name" needs nothing, as `evaluate` already orders by name."""
    if sort == "light":
        rows.sort(key=lambda r: (_LIGHT_ORDER[r.light], r.name))
    elif sort == "overdue":
        rows.sort(key=lambda r: (-r.count(OVERDUE), -r.count(LATE), r.name))


def _count_totals(table: ControlTable) -> None:
    rows = table.rows
    for m in table.milestones:
        table.totals[m.code] = {s: sum(1 for r in rows if r.cells[m.code].status == s) for s in STATUSES}
        if m.level == "school":
            table.school_totals[m.code] = {
                s: sum(r.cells[m.code].counts.get(s, 0) for r in rows) for s in STATUSES
            }
    table.lights = {lt: sum(1 for r in rows if r.light == lt) for lt in LIGHTS}


__all__ = ["ControlTable", "control_table", "SORTS", "ON_TIME", "LATE", "OVERDUE", "NOT_DUE",
           "GREEN", "YELLOW", "RED", "GREY"]
