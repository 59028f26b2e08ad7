"""Monitoring of system use (order 2613 p.3): indicators, thresholds, imports, adoption, the report."""
