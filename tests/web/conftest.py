"""Reporting of tests/web at the end of the run: the scope matrix size, the pages each role crawled.
tests/conftest.py prints them (and, under xdist, adds up what each worker counted)."""
from __future__ import annotations

# Filled by the scope-matrix tests; reported at the end of the run (with or without -s).
MATRIX_STATS: dict[str, int] = {}
# Filled by tests/web/test_crawl.py: pages opened per user.
CRAWL_STATS: dict[str, int] = {}
