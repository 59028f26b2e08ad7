"""Every list page of every demo role at 10 and at 40 full schools, measured alternately: the lists
(«Ученики», «Отметки», «Замены», …) must not slow down as the region grows either.

    python -m bench.lists --url sqlite:///bench/out/region-10.sqlite --url sqlite:///bench/out/region-40.sqlite

A list's work is bounded by its page (50 rows) and by the user's scope: a school user's scope is
one school at both sizes, the administrator's is the region, so only the administrator's lists may
grow with it (their count of the rows in scope does)."""
from __future__ import annotations

import argparse
import time

from flask import url_for
from flask_appbuilder import ModelView

from bench import cases as bench_cases
from bench.harness import Measure, QueryCounter

USERS = ("admin", "ministry", "monitor", "methodist", "municipal", "director", "secretary", "teacher")
PAIRS = 5
# Growth within this many milliseconds is the VM's noise on a page of a few milliseconds.
NOISE_MS = 5


def list_paths(app) -> list[str]:
    with app.test_request_context():
        return sorted({url_for(f"{view.endpoint}.list") for view in app.appbuilder.baseviews
                       if isinstance(view, ModelView) and not view.route_base.startswith("/bench/")})


def measure_lists(urls: dict[int, str], *, pairs: int = PAIRS, log=print) -> list[tuple[str, str, Measure, Measure]]:
    """(user, path, measure at the smaller size, at the larger) for every list the user may open."""
    small, large = min(urls), max(urls)
    benches = {size: bench_cases.open_bench(urls[size], as_served=True) for size in (small, large)}
    try:
        clients = {}
        for size, bench in benches.items():
            for user in USERS:
                client = bench.app.test_client()
                bench_cases.login(client, user)
                clients[(size, user)] = client
        out = []
        for user in USERS:
            for path in list_paths(benches[small].app):
                if clients[(small, user)].get(path).status_code != 200:
                    continue  # not this role's list
                times: dict[int, list[float]] = {small: [], large: []}
                queries = {}
                for round_ in range(pairs + 1):
                    for size in (small, large):
                        counter = QueryCounter(benches[size].engine)
                        with counter.counting():
                            started = time.perf_counter()
                            bench_cases.get(clients[(size, user)], path)
                            elapsed = (time.perf_counter() - started) * 1000
                        if round_:  # the first round warms up
                            times[size].append(elapsed)
                            queries[size] = counter.count
                measures = (Measure.of(times[small], queries[small]), Measure.of(times[large], queries[large]))
                log(f"{user} {path}: {measures[0].median_ms:.1f} → {measures[1].median_ms:.1f} ms")
                out.append((user, path, *measures))
        return out
    finally:
        for bench in benches.values():
            bench_cases.close_bench(bench)


def table(engine: str, rows: list[tuple[str, str, Measure, Measure]], sizes: tuple[int, int]) -> list[str]:
    lines = [f"| engine | user | list | statements {sizes[0]} → {sizes[1]} | median ms {sizes[0]} → {sizes[1]} "
             f"| change | flat |", "|---|---|---|---|---|---|---|"]
    for user, path, a, b in rows:
        change = (b.median_ms - a.median_ms) / a.median_ms * 100
        flat = a.queries == b.queries and (change <= 20 or b.median_ms - a.median_ms <= NOISE_MS)
        lines.append(f"| {engine} | {user} | `{path}` | {a.queries} → {b.queries} | {a.median_ms:.1f} → "
                     f"{b.median_ms:.1f} | {change:+.0f} % | {'✓' if flat else '✗'} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", required=True, help="two databases: the smaller region first")
    parser.add_argument("--sizes", nargs=2, type=int, default=[10, 40])
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes)
    rows = measure_lists(dict(zip(sizes, args.url)))
    engine = "postgresql" if args.url[0].startswith("postgresql") else "sqlite"
    print("\n".join(table(engine, rows, sizes)))


if __name__ == "__main__":
    main()
