"""login attempts: failed logins counted in the database, per login name

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:20:00

The login lockout counted failures in Flask-Limiter's memory:// storage, once per process: with
two gunicorn workers 20 wrong passwords passed before the first refusal instead of 10, and more
with more servers. Counted here, every worker and server sees the same failures without Redis.
A row per login name, known or not (an unknown name locks like a known one, so the refusal does
not tell which logins exist), with the failures since the first one in the window and the time
the lock ends (app/security/lockout.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_attempt',
        sa.Column('login', sa.String(length=256), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('first_failed_at', sa.DateTime(), nullable=False),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('login', name=op.f('pk_login_attempt')),
    )


def downgrade():
    op.drop_table('login_attempt')
