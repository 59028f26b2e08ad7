"""period close events: who closed or reopened a study period, when and why

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 01:30:00

«Закрыть период» used to set study_period.locked_at with one click, before the period's end and
with marks missing, and reopening left no trace. A guarded close (app/journal/period_close.py)
refuses an early close unless the school administration confirms it with a reason, and records
every close and reopen — who, when (region time), why, whether early — in this table; the
periods page shows them. study_period.locked_at/locked_by_id remain the state the journal checks.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('period_close_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_period_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=6), nullable=False),
    sa.Column('early', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('close', 'reopen')", name='ck_period_close_event_action'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_period_close_event_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_period_id'], ['study_period.id'], name=op.f('fk_period_close_event_study_period_id_study_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_period_close_event_user_id_ab_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_close_event'))
    )
    with op.batch_alter_table('period_close_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_close_event_study_period_id'), ['study_period_id'], unique=False)


def downgrade():
    with op.batch_alter_table('period_close_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_close_event_study_period_id'))

    op.drop_table('period_close_event')
