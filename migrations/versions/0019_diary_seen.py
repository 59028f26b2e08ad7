"""diary seen: when a user last read a child's diary, for its «новое» marks

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 01:35:00

Parents and pupils open the diary several times a week and look for what changed since: Дневник.ру
marks new marks and homework. One row per user and child keeps the latest view of the diary's week
and the start of the current visit's "new" (app/diary/seen.py), written by one upsert per week page.
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('diary_seen',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.Column('new_since', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_diary_seen_pupil_id_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_diary_seen_user_id_ab_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'pupil_id', name=op.f('pk_diary_seen'))
    )
    with op.batch_alter_table('diary_seen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diary_seen_pupil_id'), ['pupil_id'], unique=False)


def downgrade():
    with op.batch_alter_table('diary_seen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diary_seen_pupil_id'))

    op.drop_table('diary_seen')
