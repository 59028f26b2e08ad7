"""Journal domain: grading rules, writes with audit and locking, the grid, reports, the archive copy."""
