"""light thresholds: the control page's traffic light graded by the share of schools done

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 22:30:00

The control page turned a municipality red when one school of fifty had a missing paper: 71 of
the demo's 72 municipalities were red and none green, so the page could not tell a district with
one late school from one that had not started. The light is now graded by the share of the
municipality's schools that did each milestone whose deadline has passed (green from 95 %,
yellow from 75 %, by default). The monitoring staff may change the two shares; light_threshold
keeps every change as a row (who and when), the latest applies, as usage_threshold does for the
usage verdict. No row means the defaults.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('light_threshold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('green_share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('yellow_share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('changed_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('yellow_share >= 0 AND yellow_share <= green_share AND green_share <= 100',
                       name='ck_light_threshold_order'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], name=op.f('fk_light_threshold_changed_by_id_ab_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_light_threshold'))
    )


def downgrade():
    op.drop_table('light_threshold')
