"""class membership: a pupil in a class from a date to a date, by an order

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 01:30:00

A pupil's only link to a class was pupil.class_group_id, so moving a pupil rewrote the past: their
marks left the old class's journal, and a pupil who left vanished from its reports. The history is
kept as memberships (from, to, the order's number and reason); pupil.class_group_id stays the
current class. Every existing link becomes the pupil's first membership: from the start of the
class's school year (or the enrolment, when later) to the day the pupil left (still open when they
did not); a pupil who left before the year began gets none.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('class_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('class_group_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('order_number', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name='ck_class_membership_dates'),
    sa.ForeignKeyConstraint(['class_group_id'], ['class_group.id'], name=op.f('fk_class_membership_class_group_id_class_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_class_membership_pupil_id_pupil'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_membership'))
    )
    with op.batch_alter_table('class_membership', schema=None) as batch_op:
        batch_op.create_index('ix_class_membership_class_dates', ['class_group_id', 'starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_class_membership_pupil_id'), ['pupil_id'], unique=False)
    op.execute(
        "INSERT INTO class_membership (pupil_id, class_group_id, starts_on, ends_on) "
        "SELECT p.id, p.class_group_id, "
        "CASE WHEN p.enrolled_on > y.starts_on THEN p.enrolled_on ELSE y.starts_on END, p.left_on "
        "FROM pupil p JOIN class_group c ON c.id = p.class_group_id "
        "JOIN academic_year y ON y.id = c.academic_year_id "
        "WHERE p.left_on IS NULL OR p.left_on >= "
        "CASE WHEN p.enrolled_on > y.starts_on THEN p.enrolled_on ELSE y.starts_on END")


def downgrade():
    with op.batch_alter_table('class_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_membership_pupil_id'))
        batch_op.drop_index('ix_class_membership_class_dates')

    op.drop_table('class_membership')
