"""Reporting of the security tests (tests/web): the scope matrix size at the end of the run."""
from __future__ import annotations

# Filled by the scope-matrix tests; reported at the end of the run (with or without -s).
MATRIX_STATS: dict[str, int] = {}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if MATRIX_STATS:
        parts = ", ".join(f"{key}: {value}" for key, value in MATRIX_STATS.items())
        terminalreporter.write_line(f"security matrix — {parts}")
