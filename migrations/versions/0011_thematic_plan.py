"""thematic plan: the topics of a teaching assignment's year, in order, with hours

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 22:03:27

Teachers keep a календарно-тематическое планирование (КТП) for every class and subject: the
year's topics in order, grouped in sections, each with the hours (lessons) it takes. A plan is
entered on its page or imported from the teacher's xlsx, and «Заполнить темы из плана» writes its
topics into the lessons that have none (app/journal/plan_fill.py). thematic_plan is one per
teaching assignment (an assignment is of one class in one year) and goes with it; plan_topic holds
its rows by position, each topic as long as a lesson's topic may be.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('thematic_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['teaching_assignment.id'], name=op.f('fk_thematic_plan_assignment_id_teaching_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], name=op.f('fk_thematic_plan_changed_by_id_ab_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematic_plan')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_thematic_plan_assignment_id'))
    )
    op.create_table('plan_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('section', sa.String(length=300), nullable=True),
    sa.Column('topic', sa.String(length=500), nullable=False),
    sa.Column('hours', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('hours BETWEEN 1 AND 99', name='ck_plan_topic_hours'),
    sa.CheckConstraint('position >= 1', name='ck_plan_topic_position'),
    sa.ForeignKeyConstraint(['plan_id'], ['thematic_plan.id'], name=op.f('fk_plan_topic_plan_id_thematic_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_topic')),
    sa.UniqueConstraint('plan_id', 'position', name=op.f('uq_plan_topic_plan_id_position'))
    )


def downgrade():
    op.drop_table('plan_topic')
    op.drop_table('thematic_plan')
