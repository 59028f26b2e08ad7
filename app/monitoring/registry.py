"""The monthly usage indicators (order 2613 p.3), declared once.

Every module that names an indicator reads it from here: the compute (which activity field feeds
it), the import (its header and accepted spellings, which pairs are checked), the snapshot pages
(labels, column order), the analytical report and its CSV twin (headers and share columns), the
distribution chart and the API (descriptions). Adding an indicator means one `Indicator` below,
the UsageSnapshot column with its migration, and the tests; the order of `INDICATORS` is the
column order users see in the import template, the справка and the snapshot card.

Labels are marked with N_ and translated where shown: the import matches a file's header row
against the Russian source strings, so they are data as well as text.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.models import UsageSnapshot
from app.i18n import N_

JOURNAL = "journal"   # compute_month counts it from this journal's rows
IMPORT = "import"     # only imported, sent through the API or entered by hand; compute writes 0


@dataclass(frozen=True)
class Indicator:
    code: str                           # the UsageSnapshot column and the API field
    label: str                          # N_: the column header (import template, справка, snapshot card)
    unit: str                           # what is counted: teachers, lessons, marks, pupils, visits
    computed: str = JOURNAL             # JOURNAL or IMPORT
    activity_field: str | None = None   # the AssignmentActivity field summed into it, if any
    description: str | None = None      # N_: the API's field description
    part_of: str | None = None          # the code of the indicator it is a part of (may not exceed it)
    share_label: str | None = None      # N_: its share of `part_of` in the distribution chart
    share_key: str | None = None        # the chart's ?indicator= value, when not the code
    share_header: str | None = None     # N_: the header of the share column after the pair (справка, CSV)
    chart_rank: int = 0                 # position in the chart's indicator list
    page_label: str | None = None       # N_: a shorter label on the snapshot list and form
    spellings: tuple[str, ...] = ()     # more headers the import accepts (the code is always accepted)

    @property
    def import_header(self) -> str:
        return self.label

    @property
    def shown_label(self) -> str:
        return self.page_label or self.label


INDICATORS: tuple[Indicator, ...] = (
    Indicator("teachers_active", N_("Учителей активных"), "teachers", part_of="teachers_total",
              description=N_("Учителя, заполнявшие журнал в этом месяце"),
              share_label=N_("Доля активных учителей"), share_header=N_("Активных учителей, %"), chart_rank=2),
    Indicator("teachers_total", N_("Учителей всего"), "teachers"),
    Indicator("lessons_filled", N_("Уроков заполнено"), "lessons", activity_field="lessons_with_topic",
              part_of="lessons_due", description=N_("Уроки месяца с записанной темой"),
              share_label=N_("Доля заполненных уроков"), share_header=N_("Заполнено уроков, %"), chart_rank=1),
    Indicator("lessons_due", N_("Уроков по расписанию"), "lessons", activity_field="lessons_due",
              description=N_("Уроки месяца по расписанию (без отменённых)")),
    Indicator("marks_entered", N_("Отметок выставлено"), "marks", activity_field="marks_entered",
              page_label=N_("Отметок")),
    Indicator("marks_on_time", N_("Отметок вовремя"), "marks", activity_field="marks_on_time",
              part_of="marks_entered",
              description=N_("Отметки, выставленные не позднее следующего дня после урока"),
              share_label=N_("Доля отметок, выставленных вовремя"), share_header=N_("Вовремя, %"), chart_rank=3),
    Indicator("pupils_with_diary_access", N_("Учеников с доступом к дневнику"), "pupils", part_of="pupils_total",
              description=N_("Ученики, у которых сам ученик или родитель имеет вход в дневник"),
              share_label=N_("Доля семей с доступом к дневнику"), share_key="diary_access",
              share_header=N_("С доступом, %"), chart_rank=4),
    Indicator("pupils_total", N_("Учеников всего"), "pupils"),
    Indicator("diary_visits", N_("Посещений дневника"), "visits"),
)


def codes() -> tuple[str, ...]:
    """The indicator codes in registry order."""
    return tuple(i.code for i in INDICATORS)


def table_order() -> tuple[str, ...]:
    """The indicator codes in the order of the usage_snapshot table's columns (any code without a
    column last): the API's fields and the import's list of missing columns have always used it."""
    position = {column.name: n for n, column in enumerate(UsageSnapshot.__table__.columns)}
    return tuple(sorted(codes(), key=lambda code: position.get(code, len(position))))


def by_code() -> dict[str, Indicator]:
    return {i.code: i for i in INDICATORS}


def pairs() -> tuple[tuple[str, str], ...]:
    """(part, whole) codes: the part may not exceed the whole."""
    return tuple((i.code, i.part_of) for i in INDICATORS if i.part_of)


def summed_from_activity() -> tuple[Indicator, ...]:
    """Indicators that compute_month sums from the month's journal activity rows."""
    return tuple(i for i in INDICATORS if i.computed == JOURNAL and i.activity_field)


def charted() -> tuple[Indicator, ...]:
    """Indicators whose share of their whole the distribution chart offers, in the chart's order."""
    return tuple(sorted((i for i in INDICATORS if i.part_of and i.share_label), key=lambda i: i.chart_rank))


def share_columns() -> list[tuple[str, Indicator | None, Indicator | None]]:
    """The figure columns of a school's row in the справка and its CSV, in order: ("value",
    indicator, None) for each indicator, and ("share", part, whole) right after the later of a
    pair's two columns."""
    index = by_code()
    parts_by_whole = {i.part_of: i for i in INDICATORS if i.part_of}
    columns: list[tuple[str, Indicator | None, Indicator | None]] = []
    written: set[str] = set()
    for indicator in INDICATORS:
        columns.append(("value", indicator, None))
        written.add(indicator.code)
        for part, whole in ((indicator, index.get(indicator.part_of or "")),
                            (parts_by_whole.get(indicator.code), indicator)):
            if part is not None and whole is not None and part.share_header and {part.code, whole.code} <= written:
                columns.append(("share", part, whole))
    return columns
