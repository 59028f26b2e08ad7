"""Measuring side by side: server time (median after warm-up), SQL statement count, and the
ratios to the raw-SQL lower bound and to the naive framework approach, in one run."""
from __future__ import annotations

import statistics
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import event


class QueryCounter:
    """Counts statements sent to an engine while active."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _before(self, *args, **kwargs):
        self.count += 1

    @contextmanager
    def counting(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._before)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._before)


@dataclass
class Measure:
    median_ms: float
    p90_ms: float
    queries: int

    @classmethod
    def of(cls, times: list[float], queries: int) -> "Measure":
        """Median and p90 of `times` (ms)."""
        times = sorted(times)
        return cls(statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))], queries)


def measure(action: Callable[[], object], counter: QueryCounter, *, warmup: int = 12, repeat: int = 7) -> Measure:
    """Median (and p90) of `repeat` timed runs after `warmup` untimed ones; the statements are
    counted during the first timed run (the listener costs microseconds).

    Twelve warm-up runs reach the steady state of a long-lived connection: psycopg prepares a
    statement at its sixth run, and PostgreSQL plans a prepared statement five more times before
    it settles on a generic plan."""
    for _ in range(warmup):
        action()
    times = []
    queries = 0
    for index in range(repeat):
        if index == 0:
            with counter.counting():
                started = time.perf_counter()
                action()
                times.append((time.perf_counter() - started) * 1000)
            queries = counter.count
            continue
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return Measure.of(times, queries)


def measure_alternately(actions: list[Callable[[], object]], counter: QueryCounter, *, warmup: int = 12,
                        repeat: int = 9) -> list[Measure]:
    """`measure` for several actions in turn (a, b, a, b, …), so that the VM's speed, which drifts
    within seconds, weighs on all of them alike: a page and its raw SQL, timed this way, give a
    ratio that a slow second hardly tilts. Each action's statements are counted in the first round."""
    for _ in range(warmup):
        for action in actions:
            action()
    times: list[list[float]] = [[] for _ in actions]
    queries = [0] * len(actions)
    for round_ in range(repeat):
        for index, action in enumerate(actions):
            with counter.counting() if round_ == 0 else nullcontext():
                started = time.perf_counter()
                action()
                times[index].append((time.perf_counter() - started) * 1000)
            if round_ == 0:
                queries[index] = counter.count
    return [Measure.of(t, q) for t, q in zip(times, queries)]


@dataclass
class Case:
    """One hot path: `run` is what users get, `raw` the SQL lower bound for the same answer,
    `naive` what the framework gives for free (a generic ModelView listing, on-the-fly aggregation)."""

    name: str
    run: Callable[[], object]
    raw: Callable[[], object] | None = None
    naive: Callable[[], object] | None = None
    repeat: int = 7
    target_ms: float | None = None
    # Work over all of a month's lessons and marks: its time grows with the region by design (the
    # size-independence target is for pages).
    grows_with_data: bool = False


@dataclass
class Row:
    engine: str
    schools: int
    case: str
    page: Measure
    raw: Measure | None
    naive: Measure | None
    target_ms: float | None = None
    notes: list[str] = field(default_factory=list)

    def cells(self) -> list[str]:
        def ratio(other: Measure | None, inverse: bool = False) -> str:
            if other is None or not other.median_ms:
                return "—"
            value = other.median_ms / self.page.median_ms if inverse else self.page.median_ms / other.median_ms
            return f"{value:.1f}×"
        target = "—" if self.target_ms is None else (
            f"≤ {self.target_ms:g} ms {'✓' if self.page.median_ms <= self.target_ms else '✗'}")
        return [self.engine, str(self.schools), self.case, f"{self.page.median_ms:.1f}", f"{self.page.p90_ms:.1f}",
                str(self.page.queries), f"{self.raw.median_ms:.1f}" if self.raw else "—", ratio(self.raw),
                f"{self.naive.median_ms:.1f}" if self.naive else "—", ratio(self.naive, inverse=True), target]


HEADER = ["engine", "schools", "case", "median ms", "p90 ms", "queries", "raw SQL ms", "page / raw",
          "naive ms", "naive / page", "target"]


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)
