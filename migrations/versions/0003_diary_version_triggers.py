"""diary triggers: study periods, holidays, bell times, classes and years bump the reference version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 12:10:00

The diary keeps per process, while the reference version holds, each school's calendar
(app.diary.week.SchoolCalendar: periods, holidays, bells) and each family's pupil cards
(app.diary.pupils.children: the pupils with their class, school and year), so a write to these
tables must bump the version, as in 0002 (pupil and school have their triggers there).
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

DIARY_TABLES = ("study_period", "holiday", "bell_schedule", "class_group", "academic_year")
BUMP = "UPDATE reference_version SET number = number + 1 WHERE id = 1"
EVENTS = ("insert", "update", "delete")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in DIARY_TABLES:
            op.execute(f"CREATE TRIGGER {table}_bumps_reference_version "
                       f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version()")
    else:
        for table in DIARY_TABLES:
            for event in EVENTS:
                op.execute(f"CREATE TRIGGER {table}_{event}_bumps_reference_version "
                           f"AFTER {event.upper()} ON {table} BEGIN {BUMP}; END")


def downgrade():
    for table in DIARY_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER {table}_bumps_reference_version ON {table}")
        else:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_{event}_bumps_reference_version")
