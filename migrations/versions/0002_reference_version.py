"""reference version: the stamp that tells processes their cached reference data is out of date

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 09:10:00

Triggers add one to reference_version.number on every write to the tables the per-process
caches are built from (app/reference_cache.py): the users' scopes, the roles' permissions and the
journal's two catalogues. Triggers rather than application code, so that every writer counts:
imports with bulk statements, the CLI, another instance, psql.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# What app.security.scope.load_scope reads, FAB's permission tables, and the two catalogues.
CACHED_TABLES = (
    "user_scope", "staff", "pupil", "guardian", "guardian_link", "school",
    "ab_role", "ab_permission", "ab_view_menu", "ab_permission_view", "ab_permission_view_role",
    "mark_type", "absence_code",
)
BUMP = "UPDATE reference_version SET number = number + 1 WHERE id = 1"


def upgrade():
    op.create_table(
        'reference_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_version')),
    )
    op.execute("INSERT INTO reference_version (id, number) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {BUMP}; RETURN NULL; END $$")
        for table in CACHED_TABLES:
            # Once per statement: a bulk import bumps it once.
            op.execute(f"CREATE TRIGGER {table}_bumps_reference_version "
                       f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version()")
    else:
        for table in CACHED_TABLES:
            for event in ("insert", "update", "delete"):
                # SQLite has row triggers only.
                op.execute(f"CREATE TRIGGER {table}_{event}_bumps_reference_version "
                           f"AFTER {event.upper()} ON {table} BEGIN {BUMP}; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in CACHED_TABLES:
            op.execute(f"DROP TRIGGER {table}_bumps_reference_version ON {table}")
        op.execute("DROP FUNCTION bump_reference_version()")
    else:
        for table in CACHED_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_{event}_bumps_reference_version")
    op.drop_table('reference_version')
