"""The benchmark cannot rot silently: generate a tiny region (one full school) into a scratch
SQLite file and run every case, its raw SQL and its naive equivalent once."""
from __future__ import annotations

import gc

import pytest

from bench import cases
from bench.generate import generate
from contextlib import contextmanager

from bench.harness import Measure, QueryCounter, Row, markdown_table, measure, measure_alternately
from bench.run import has_region, run_size, side_by_side, stability


@pytest.fixture(scope="module")
def tiny_region(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'tiny.sqlite'}"
    generate(url, 1, region_schools=80, letters="АБ")
    return url


@pytest.fixture(scope="module")
def larger_region(tmp_path_factory):
    """The tiny region with a second full school: the side-by-side comparisons get two sizes."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'larger.sqlite'}"
    generate(url, 2, region_schools=80, letters="АБ")
    return url


def _marks(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM mark")).scalar()
    finally:
        engine.dispose()


def test_every_case_runs_once_on_a_tiny_region(tiny_region):
    assert has_region(tiny_region)
    bench = cases.open_bench(tiny_region, as_served=True)
    assert gc.get_freeze_count() > 0  # measured with the server's garbage collection
    try:
        counter = QueryCounter(cases.ENGINE)
        built = cases.build_cases(bench)
        names = [case.name for case in built]
        for word in ("grid", "save", "diary week", "progress", "dashboard", "chart", "compute", "report", "archive"):
            assert any(word in name for name in names), word
        rows = []
        for case in built:
            page = measure(case.run, counter, warmup=0, repeat=1)
            assert page.queries > 0, case.name
            raw = measure(case.raw, counter, warmup=0, repeat=1) if case.raw else None
            naive = measure(case.naive, counter, warmup=0, repeat=1) if case.naive else None
            rows.append(Row("sqlite", 1, case.name, page, raw, naive, case.target_ms))
        peak_mib, size = cases.archive_memory(bench)
        assert size > 1000 and peak_mib > 0
        # The saved mark really changed: the cell alternates 4 and 5.
        value = cases.rows("SELECT value FROM mark WHERE lesson_id = :l AND pupil_id = :p AND position = 0",
                           l=bench.fixture.save_lesson_id, p=bench.fixture.save_pupil_id)[0][0]
        assert value in (4, 5)
    finally:
        cases.close_bench(bench)
    assert gc.get_freeze_count() == 0
    table = markdown_table(rows)
    assert table.count("\n") == len(rows) + 1 and "journal grid" in table


def test_side_by_side_runs_each_case_at_both_sizes(tiny_region, larger_region):
    assert _marks(larger_region) > 1.5 * _marks(tiny_region)  # two full schools against one
    pairs = side_by_side({1: tiny_region, 2: larger_region}, repeat=1, warmup=0, only={"grid", "diary week"},
                         log=lambda *_: None)
    assert [name for name, *_ in pairs] == ["journal grid (class × subject × quarter)", "diary week (parent)"]
    for _name, grows, small, large in pairs:
        # The pages' statements do not grow with the region.
        assert not grows and small.queries == large.queries > 0


def test_stability_compares_the_sizes():
    def pair(ms_small, ms_large, queries_large, grows=False):
        return ("page", grows, Measure(ms_small, ms_small, 20), Measure(ms_large, ms_large, queries_large))
    lines = stability("sqlite", [pair(10.0, 11.0, 20), pair(10.0, 13.0, 20), pair(10.0, 11.0, 21),
                                 pair(10.0, 40.0, 20, grows=True)])
    assert [line.rsplit("|", 2)[1].strip()[:1] for line in lines] == ["✓", "✗", "✗", "✓"]
    assert "by design" in lines[3] and "+300 %" in lines[3]


def test_a_page_and_its_raw_sql_are_timed_in_turn_each_on_its_own_cell(tiny_region):
    rows, _extra = run_size("sqlite", 1, tiny_region, repeat=1, warmup=1, naive=False, only={"grid", "save"},
                            log=lambda *_: None)
    grid, save = rows
    assert "grid" in grid.case and "save" in save.case
    # The grid's raw SQL: heading, pupils with their period marks, lessons, marks, absences; the
    # save's: the update and its history row. Timed in turn with the page's saves, the raw save
    # must not touch the page's cell (a stale version would fail the page's next save).
    assert (grid.raw.queries, save.raw.queries) == (5, 2)
    assert grid.page.queries > 0 and save.page.queries > 0


class _Counter:
    count = 0

    @contextmanager
    def counting(self):
        yield self


def test_measure_alternately_runs_the_actions_in_turn():
    order = []
    page, raw = measure_alternately([lambda: order.append("page"), lambda: order.append("raw")], _Counter(),
                                    warmup=1, repeat=3)
    assert order == ["page", "raw"] * 4


def test_every_list_of_every_role_is_measured_at_both_sizes(tiny_region, larger_region):
    from bench import lists

    rows = lists.measure_lists({1: tiny_region, 2: larger_region}, pairs=1, log=lambda *_: None)
    measured = {(user, path) for user, path, *_ in rows}
    assert ("director", "/pupilview/list/") in measured and ("admin", "/markview/list/") in measured
    assert ("teacher", "/schoolview/list/") in measured and ("municipal", "/pupilview/list/") not in measured
    assert all(small.queries == large.queries > 0 for *_, small, large in rows)
    lines = lists.table("sqlite", rows, (1, 2))
    assert len(lines) == len(rows) + 2


def test_a_list_is_flat_with_the_same_statements_and_time_within_a_fifth_or_the_noise():
    from bench import lists

    def row(ms_small, ms_large, queries_large=5):
        return ("director", "/x/list/", Measure(ms_small, ms_small, 5), Measure(ms_large, ms_large, queries_large))
    lines = lists.table("sqlite", [row(10.0, 11.9), row(3.0, 7.5), row(40.0, 60.0), row(10.0, 10.0, 6)], (10, 40))
    assert [line.rsplit("|", 2)[1].strip() for line in lines[2:]] == ["✓", "✓", "✗", "✗"]
