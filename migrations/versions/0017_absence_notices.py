"""absence notices: a parent tells the school in advance that the child will be absent

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 01:20:00

Parents tell the class teacher that the child will miss school (dates, optionally lessons, a
reason); the class teacher accepts the notice, which turns the «н» marked on those lessons into
«б» or «у», or asks for the doctor's certificate. Of the certificate only its number and date are
kept (152-ФЗ, ст. 10: health data; no file is stored). The notice carries the pupil's class and
school as they were when it was filed, so it stays with the journal it concerns.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('absence_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('class_group_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('lesson_numbers', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('certificate_number', sa.String(length=30), nullable=True),
    sa.Column('certificate_date', sa.Date(), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name='ck_absence_notice_dates'),
    sa.CheckConstraint("reason IN ('illness', 'family', 'other')", name='ck_absence_notice_reason'),
    sa.CheckConstraint("status IN ('pending', 'certificate', 'accepted')", name='ck_absence_notice_status'),
    sa.ForeignKeyConstraint(['class_group_id'], ['class_group.id'], name=op.f('fk_absence_notice_class_group_id_class_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], name=op.f('fk_absence_notice_decided_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['filed_by_id'], ['ab_user.id'], name=op.f('fk_absence_notice_filed_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_absence_notice_pupil_id_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_absence_notice_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence_notice'))
    )
    with op.batch_alter_table('absence_notice', schema=None) as batch_op:
        batch_op.create_index('ix_absence_notice_class_dates', ['class_group_id', 'starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notice_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notice_school_id'), ['school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('absence_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absence_notice_school_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notice_pupil_id'))
        batch_op.drop_index('ix_absence_notice_class_dates')

    op.drop_table('absence_notice')
