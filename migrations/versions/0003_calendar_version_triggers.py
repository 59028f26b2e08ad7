"""calendar triggers: study periods, holidays and bell times bump the reference version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 12:10:00

The diary keeps each school's calendar (app.diary.week.SchoolCalendar) per process while the
reference version holds, so a write to these tables must bump it, as in 0002.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CALENDAR_TABLES = ("study_period", "holiday", "bell_schedule")
BUMP = "UPDATE reference_version SET number = number + 1 WHERE id = 1"
EVENTS = ("insert", "update", "delete")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in CALENDAR_TABLES:
            op.execute(f"CREATE TRIGGER {table}_bumps_reference_version "
                       f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version()")
    else:
        for table in CALENDAR_TABLES:
            for event in EVENTS:
                op.execute(f"CREATE TRIGGER {table}_{event}_bumps_reference_version "
                           f"AFTER {event.upper()} ON {table} BEGIN {BUMP}; END")


def downgrade():
    for table in CALENDAR_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER {table}_bumps_reference_version ON {table}")
        else:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_{event}_bumps_reference_version")
