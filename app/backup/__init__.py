"""Backup and restore of the journal database (docs/backup.md).

`core` does the work (no Flask); `commands` is the `flask --app app backup` command group."""
