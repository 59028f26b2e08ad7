"""Rollout of order 2613: milestone status, the control table, its export, evidence files.

Plain modules: they take a session and arguments and return data; no Flask request state."""
