"""The benchmark: every hot page on a region-sized database, side by side for SQLite and
PostgreSQL and for 10 and 40 full schools, with the raw-SQL lower bound and the naive approach.

    python -m bench.run                      # SQLite, 10 and 40 schools (generated if missing)
    BENCH_PG_URL=postgresql+psycopg://u:p@127.0.0.1:5432/journal_bench python -m bench.run
                                             # + PostgreSQL: databases journal_bench_10, journal_bench_40
    python -m bench.run --sizes 10 --engines sqlite --repeat 3 --no-load

Writes the table to stdout and to bench/out/results.md (paste it into bench/RESULTS.md)."""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from bench import cases as bench_cases
from bench import lists
from bench.generate import OUT, generate, sqlite_path, upgrade_schema
from bench.harness import Measure, QueryCounter, Row, markdown_table, measure, measure_alternately

SIZES = (10, 40)
HEAVY_MS = 1_000  # an approach slower than this is measured with one warm-up and three runs


def database_url(engine: str, schools: int, pg_base: str | None) -> str:
    if engine == "sqlite":
        return f"sqlite:///{sqlite_path(schools)}"
    return f"{pg_base}_{schools}"


def has_region(url: str) -> bool:
    """True when the database holds a generated region (the demo admin exists)."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return False
    engine = create_engine(url)
    try:
        if "ab_user" not in inspect(engine).get_table_names():
            return False
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT count(*) FROM ab_user WHERE username = 'admin' AND email = 'admin@demo.mosreg.local'")).scalar() > 0
    finally:
        engine.dispose()


def ensure_database(url: str, schools: int) -> None:
    if has_region(url):
        upgrade_schema(url)
        return
    print(f"generating {url.split('@')[-1]} with {schools} full schools ...", flush=True)
    started = time.perf_counter()
    if url.startswith("sqlite:///"):
        OUT.mkdir(parents=True, exist_ok=True)
        Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
    print(generate(url, schools), f"({time.perf_counter() - started:.0f} s)", flush=True)


def _measure(action, counter: QueryCounter, repeat: int, warmup: int, heavy_repeat: int = 3) -> Measure:
    """Median after warm-up; an action slower than HEAVY_MS gets one warm-up and `heavy_repeat` runs."""
    if _first_ms(action) > HEAVY_MS:
        return measure(action, counter, warmup=0, repeat=min(repeat, heavy_repeat))
    return measure(action, counter, warmup=max(warmup - 1, 0), repeat=repeat)


def _measure_with_raw(case, counter: QueryCounter, repeat: int, warmup: int) -> tuple[Measure, Measure]:
    """The page and its raw SQL in turn (page, raw, page, raw, …): at least 9 rounds after the
    warm-up, or min(repeat, case.repeat) rounds for a case of few runs (after one warm-up when the
    page is slower than HEAVY_MS)."""
    heavy = _first_ms(case.run) > HEAVY_MS
    case.raw()
    rounds = min(repeat, case.repeat) if heavy or case.repeat < 7 else max(repeat, 9)
    page, raw = measure_alternately([case.run, case.raw], counter, warmup=0 if heavy else max(warmup - 1, 0),
                                    repeat=rounds)
    return page, raw


def _first_ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def run_size(engine: str, schools: int, url: str, *, repeat: int, warmup: int, naive: bool = True,
             only: set[str] | None = None, log=print, as_served: bool = False) -> tuple[list[Row], dict]:
    bench = bench_cases.open_bench(url, as_served=as_served)
    extra: dict = {}
    rows: list[Row] = []
    try:
        counter = QueryCounter(bench_cases.ENGINE)
        for case in bench_cases.build_cases(bench):
            if only and not any(word in case.name for word in only):
                continue
            case_repeat = min(repeat, case.repeat)
            if case.raw:
                page, raw = _measure_with_raw(case, counter, repeat, warmup)
            else:
                page, raw = _measure(case.run, counter, case_repeat, warmup), None
            slow = naive and case.naive is not None
            naive_measure = _measure(case.naive, counter, min(repeat, 3), 1, heavy_repeat=2) if slow else None
            row = Row(engine, schools, case.name, page, raw, naive_measure, case.target_ms)
            rows.append(row)
            log(" | ".join(row.cells()))
        if naive and (not only or any("grid" in word for word in only)):
            extra["shipped_ms"] = bench_cases.shipped_listing_ms(bench)
            log(f"as-shipped MarkView list of the grid's marks (search form included): {extra['shipped_ms']:.0f} ms")
        if not only or any("archive" in word for word in only):
            peak, size = bench_cases.archive_memory(bench)
            extra["archive_peak_mib"] = peak
            extra["archive_bytes"] = size
            extra["archive_marks"] = bench_cases.archive_rows(bench)
            log(f"archive: peak {peak:.1f} MiB (tracemalloc), {size / 1024:.0f} KiB xlsx, "
                f"{extra['archive_marks']} marks in the class-year")
        extra["counts"] = region_counts(bench_cases.ENGINE)
    finally:
        bench_cases.close_bench(bench)
    return rows, extra


def region_counts(engine) -> dict:
    with engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("school", "pupil", "lesson", "mark", "absence", "usage_snapshot")}


def machine() -> list[str]:
    lines = [f"- CPU: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
             f"load average at start {os.getloadavg()[0]:.1f}"]
    try:
        memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        lines.append(f"- Memory: {int(memory.split()[1]) // 1024 // 1024} GiB")
    except (OSError, StopIteration):
        pass
    lines.append(f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}")
    return lines


def pg_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SHOW server_version")).scalar()
    finally:
        engine.dispose()


def side_by_side(urls: dict[int, str], *, repeat: int, warmup: int, only: set[str] | None = None,
                 log=print, as_served: bool = False) -> list[tuple[str, bool, Measure, Measure]]:
    """Each case at the smaller and the larger size in alternation (small, large, small, …), both
    databases open at once: the VM's speed, which drifts by up to 2× within minutes, weighs on both
    sizes alike. The statements are counted in the first pair. Returns (case, grows with data, measure at small, measure at large)."""
    small, large = min(urls), max(urls)
    benches = {size: bench_cases.open_bench(urls[size], as_served=as_served) for size in (small, large)}
    try:
        cases = {}
        for size, bench in benches.items():
            bench_cases.activate(bench)
            cases[size] = bench_cases.build_cases(bench)
        out = []
        for index, case in enumerate(cases[small]):
            if only and not any(word in case.name for word in only):
                continue
            pair = {small: case, large: cases[large][index]}
            counters = {size: QueryCounter(benches[size].engine) for size in pair}
            heavy = case.repeat < 7
            runs = repeat if heavy else max(repeat, 9)
            for size in pair:
                bench_cases.activate(benches[size])
                for _ in range(1 if heavy else warmup):
                    pair[size].run()
            times: dict[int, list[float]] = {small: [], large: []}
            queries = {}
            for _ in range(runs):
                for size in pair:
                    bench_cases.activate(benches[size])
                    counting = counters[size].counting() if size not in queries else nullcontext()
                    with counting:
                        started = time.perf_counter()
                        pair[size].run()
                        times[size].append((time.perf_counter() - started) * 1000)
                    queries.setdefault(size, counters[size].count)
            measures = {size: Measure.of(t, queries[size]) for size, t in times.items()}
            out.append((case.name, case.grows_with_data, measures[small], measures[large]))
            log(f"{case.name}: {measures[small].median_ms:.1f} → {measures[large].median_ms:.1f} ms (alternating)")
        return out
    finally:
        for bench in benches.values():
            bench_cases.close_bench(bench)


def stability(engine: str, pairs: list[tuple[str, bool, Measure, Measure]]) -> list[str]:
    """Per case: queries and time at the smaller vs the larger size, measured alternately."""
    out = []
    for case, grows, a, b in pairs:
        change = (b.median_ms - a.median_ms) / a.median_ms * 100
        same = a.queries == b.queries
        verdict = ("✓" if same else "✗") + " (queries; time grows with the month's marks by design)" if grows else (
            "✓" if same and abs(change) <= 20 else "✗")
        out.append(f"| {engine} | {case} | {a.queries} → {b.queries} | {a.median_ms:.1f} → {b.median_ms:.1f} | "
                   f"{change:+.0f} % | {verdict} |")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=None, choices=("sqlite", "postgresql"))
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=12,
                        help="untimed runs first: 12 reach a pooled connection's steady state (bench.harness.measure)")
    parser.add_argument("--only", nargs="*", help="cases whose name contains one of these words")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive approaches (slow)")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn + wrk throughput run")
    parser.add_argument("--no-lists", action="store_true", help="skip the list pages at both sizes")
    parser.add_argument("--out", default=str(OUT / "results.md"))
    args = parser.parse_args(argv)
    pg_base = os.environ.get("BENCH_PG_URL")
    engines = args.engines or (["sqlite", "postgresql"] if pg_base else ["sqlite"])
    if "postgresql" in engines and not pg_base:
        parser.error("PostgreSQL needs BENCH_PG_URL (the runner appends _10, _40 to the database name)")

    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    header = ["## Machine", "", *machine()]
    if pg_base:
        header.append(f"- PostgreSQL {pg_version(database_url('postgresql', args.sizes[0], pg_base))}")
    header += ["", f"Command: `{'BENCH_PG_URL=… ' if pg_base else ''}{command.strip()}`",
               f"Started {time.strftime('%Y-%m-%d %H:%M')}; repeat {args.repeat}, warm-up {args.warmup}.", ""]
    print("\n".join(header), flush=True)

    all_rows: list[Row] = []
    extras = {}
    for engine in engines:
        for schools in args.sizes:
            url = database_url(engine, schools, pg_base)
            ensure_database(url, schools)
            started = time.perf_counter()
            rows, extra = run_size(engine, schools, url, repeat=args.repeat, warmup=args.warmup,
                                   naive=not args.no_naive, only=set(args.only) if args.only else None,
                                   as_served=True)
            print(f"{engine} {schools}: {time.perf_counter() - started:.0f} s, {extra.get('counts')}", flush=True)
            all_rows += rows
            extras[(engine, schools)] = extra

    lines = header + ["## Table", "", markdown_table(all_rows), ""]
    lines += ["## Database sizes", "", "| engine | full schools | " + " | ".join(
        next(iter(extras.values()))["counts"]) + " |", "|---|---|" + "---|" * len(next(iter(extras.values()))["counts"])]
    for (engine, schools), extra in extras.items():
        lines.append(f"| {engine} | {schools} | " + " | ".join(f"{v:,}" for v in extra["counts"].values()) + " |")
    lines += ["", "## Archive export memory (tracemalloc peak, one class-year)", "",
              "| engine | full schools | marks in the class-year | peak MiB | xlsx KiB |", "|---|---|---|---|---|"]
    for (engine, schools), extra in extras.items():
        if "archive_peak_mib" in extra:
            lines.append(f"| {engine} | {schools} | {extra['archive_marks']:,} | {extra['archive_peak_mib']:.1f} | "
                         f"{extra['archive_bytes'] / 1024:.0f} |")
    shipped = [(k, e["shipped_ms"]) for k, e in extras.items() if "shipped_ms" in e]
    if shipped:
        lines += ["", "## The naive listing as FAB ships it (one request, search form included)", "",
                  "| engine | full schools | ms | ratio to the grid page |", "|---|---|---|---|"]
        for (engine, schools), ms in shipped:
            grid = next((r for r in all_rows if r.engine == engine and r.schools == schools and "grid" in r.case), None)
            ratio = f"{ms / grid.page.median_ms:.0f}×" if grid else "—"
            lines.append(f"| {engine} | {schools} | {ms:.0f} | {ratio} |")
    sizes = (min(args.sizes), max(args.sizes))
    if sizes[0] != sizes[1]:
        lines += ["", f"## Query count and time: {sizes[0]} vs {sizes[1]} full schools, measured alternately", "",
                  f"Both databases open at once; each case runs at {sizes[0]} and {sizes[1]} schools in turn "
                  f"(median of at least 9 pairs after the warm-up), so the VM's drift weighs on both alike.", "",
                  f"| engine | case | queries {sizes[0]} → {sizes[1]} | median ms {sizes[0]} → {sizes[1]} | time change "
                  f"| same queries, ±20 % |", "|---|---|---|---|---|---|"]
        for engine in engines:
            urls = {size: database_url(engine, size, pg_base) for size in sizes}
            pairs = side_by_side(urls, repeat=args.repeat, warmup=args.warmup,
                                 only=set(args.only) if args.only else None, as_served=True)
            lines += stability(engine, pairs)
        lines.append("")
        if not args.no_lists and not args.only:
            lines += [f"## List pages: {sizes[0]} vs {sizes[1]} full schools, measured alternately", "",
                      f"Every list each demo role may open, at both sizes in turn ({lists.PAIRS} pairs after one); "
                      f"flat: the same statements, and the time within +20 % or {lists.NOISE_MS} ms.", ""]
            for engine in engines:
                urls = {size: database_url(engine, size, pg_base) for size in sizes}
                lines += lists.table(engine, lists.measure_lists(urls), sizes)
            lines.append("")

    if not args.no_load:
        from bench import load
        engine = "postgresql" if pg_base else "sqlite"
        url = database_url(engine, max(args.sizes), pg_base)
        lines += ["## Throughput (gunicorn + wrk)", "", load.run_load(url, engine=engine), ""]

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[len(header):]))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
