"""The home page's blocks: what a user has to see and do today, gathered from the features that
know it, without the page knowing any of them.

A feature declares a `Block`: a function that takes the session, the user's `Scope` and the day
and returns the block's data (None: nothing to show to this user today), the template that draws
that data (it gets it as `data`), the roles it is for, and its place on the page (`order`, lower
first). The feature registers it where it registers its pages (its `app/views/<module>.py`
`register(appbuilder)`); the home page (app.views.home) reads the blocks of the user's role and
includes their templates in order. A block reads what it shows in a fixed number of statements,
which it states, so the page's cost stays bounded whatever the blocks (the page's
statement-count test adds them up).

Registration is by name, so an app built twice (tests build one per test) registers each block
once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.security.scope import Scope
from app.i18n import N_
from app.timetable.clashes import WEEKDAY_NAMES

Reader = Callable[[Session, Scope, dt.date], object | None]


@dataclass(frozen=True)
class Block:
    name: str                  # unique; a feature registering the same name again replaces it
    template: str              # draws the block; gets `data` (what `read` returned) and `day`
    read: Reader               # (session, scope, day) -> data, or None when there is nothing to show
    roles: frozenset[str]      # the roles whose home page shows it
    order: int = 100           # place on the page, lower first (ties by name)


@dataclass(frozen=True)
class ShownBlock:
    block: Block
    data: object

    @property
    def template(self) -> str:
        return self.block.template


_BLOCKS: dict[str, Block] = {}

# The days' names as the page heads them (msgids: translated where shown); schools have no
# Sunday lessons, but the page opens on Sundays too.
DAY_NAMES = {**WEEKDAY_NAMES, 7: N_("воскресенье")}


def day_name(day: dt.date) -> str:
    """The untranslated name of `day`'s weekday («пятница»), for the template's gettext."""
    return DAY_NAMES[day.isoweekday()]


def register(*blocks: Block) -> None:
    """Add blocks to the home page (idempotent by name)."""
    for block in blocks:
        _BLOCKS[block.name] = block


def blocks_for(role: str | None) -> list[Block]:
    """The blocks of a role's home page, in page order."""
    return sorted((b for b in _BLOCKS.values() if role in b.roles), key=lambda b: (b.order, b.name))


def read_blocks(session: Session, scope: Scope, day: dt.date) -> list[ShownBlock]:
    """Each block of the user's role read for `day`, in page order; blocks with nothing to show
    are left out."""
    shown = []
    for block in blocks_for(scope.role):
        data = block.read(session, scope, day)
        if data is not None:
            shown.append(ShownBlock(block, data))
    return shown
