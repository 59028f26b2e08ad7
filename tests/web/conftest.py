"""Reporting of tests/web at the end of the run: the scope matrix size, the pages each role crawled."""
from __future__ import annotations

# Filled by the scope-matrix tests; reported at the end of the run (with or without -s).
MATRIX_STATS: dict[str, int] = {}
# Filled by tests/web/test_crawl.py: pages opened per user.
CRAWL_STATS: dict[str, int] = {}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if MATRIX_STATS:
        parts = ", ".join(f"{key}: {value}" for key, value in MATRIX_STATS.items())
        terminalreporter.write_line(f"security matrix — {parts}")
    if CRAWL_STATS:
        parts = ", ".join(f"{user}: {pages}" for user, pages in CRAWL_STATS.items())
        terminalreporter.write_line(f"pages crawled per user — {parts}")
