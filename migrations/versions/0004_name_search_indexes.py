"""name search indexes: typed names found through an index on both engines

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 16:20:00

«Ученик — Содержит — Иванов» compared every pupil's folded name with the typed word (app.name_search):
a scan of the region's 700,000 pupils for the administrator. Each person table gets an index that
finds a part of a name in any case, Cyrillic included, with «ё» read as «е»:

* PostgreSQL: pg_trgm GIN indexes on the folded name columns, the very expressions app.name_search.fold
  compiles to, so the planner matches them. pg_trgm splits words by the database's LC_CTYPE: under
  `C` it sees no Cyrillic letters and the index would find nothing, so the indexes are created only
  when the database's locale sees them (C.UTF-8 or ru_RU.UTF-8; docs/operations.md), and searches
  then scan as before.
* SQLite: an FTS5 table with the trigram tokenizer per person table (rowid = the person's id),
  kept by triggers, holding the names with «ё» as «е»; the tokenizer folds case for all letters.

Neither is described by the models: migrations/env.py leaves them out of the comparison
(app.name_search.is_name_index).
"""
import logging

from alembic import op
from sqlalchemy import text

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

TABLES = {
    "pupil": ("last_name", "first_name", "middle_name"),
    "staff": ("last_name", "first_name", "middle_name"),
    "ab_user": ("username", "last_name", "first_name"),
}


def _folded_sqlite(value: str) -> str:
    return f"replace(replace({value}, 'ё', 'е'), 'Ё', 'Е')"


def _upgrade_postgresql():
    bind = op.get_bind()
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    if not bind.execute(text("SELECT cardinality(show_trgm('жук')) > 0")).scalar():
        log.warning("The database's LC_CTYPE does not classify Cyrillic letters (C locale?): the name "
                    "search indexes are not created and typed-name searches scan the tables.")
        return
    for table, columns in TABLES.items():
        for column in columns:
            op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} "
                       f"USING gin ((replace(lower({column}), 'ё', 'е')) gin_trgm_ops)")


def _upgrade_sqlite():
    for table, columns in TABLES.items():
        search = f"{table}_name_search"
        names = ", ".join(columns)
        op.execute(f"CREATE VIRTUAL TABLE {search} USING fts5({names}, tokenize='trigram')")
        op.execute(f"INSERT INTO {search}(rowid, {names}) "
                   f"SELECT id, {', '.join(_folded_sqlite(c) for c in columns)} FROM {table}")
        new = ", ".join(_folded_sqlite(f"new.{c}") for c in columns)
        op.execute(f"CREATE TRIGGER {search}_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {search}(rowid, {names}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {search}_update AFTER UPDATE OF id, {names} ON {table} BEGIN "
                   f"DELETE FROM {search} WHERE rowid = old.id; "
                   f"INSERT INTO {search}(rowid, {names}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {search}_delete AFTER DELETE ON {table} BEGIN "
                   f"DELETE FROM {search} WHERE rowid = old.id; END")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in TABLES.items():
            for column in columns:
                op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
        return
    for table in TABLES:
        search = f"{table}_name_search"
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {search}_{event}")
        op.execute(f"DROP TABLE {search}")
