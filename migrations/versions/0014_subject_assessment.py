"""subject assessment: subjects a class is taught without marks, or assessed «зачёт/незачёт»

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 10:00:00

First graders are taught without marks (СанПиН 2.4.2.2821-10, п. 10.10), many schools leave the
first half of grade 2 unmarked, and some subjects are assessed «зачёт/незачёт» in any grade. The
school records, per class, subject and study period, how the subject is assessed when it is not
the default (grade 1: without marks; other grades: marks); who set it and when are kept on the row.
The journal refuses marks there, and the reports and the monitoring leave such lessons out of their
mark counts (app/journal/assessment.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subject_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_group_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('study_period_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("mode IN ('marks', 'unmarked', 'pass_fail')", name='ck_subject_assessment_mode'),
    sa.ForeignKeyConstraint(['class_group_id'], ['class_group.id'], name=op.f('fk_subject_assessment_class_group_id_class_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['ab_user.id'], name=op.f('fk_subject_assessment_set_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_period_id'], ['study_period.id'], name=op.f('fk_subject_assessment_study_period_id_study_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_subject_assessment_subject_id_subject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_assessment')),
    sa.UniqueConstraint('class_group_id', 'subject_id', 'study_period_id', name=op.f('uq_subject_assessment_class_group_id_subject_id_study_period_id'))
    )
    with op.batch_alter_table('subject_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_assessment_study_period_id'), ['study_period_id'], unique=False)


def downgrade():
    with op.batch_alter_table('subject_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_assessment_study_period_id'))

    op.drop_table('subject_assessment')
