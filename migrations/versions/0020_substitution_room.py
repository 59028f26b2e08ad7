"""substitution room and replacement: a lesson moved to another room or given as another subject

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 01:30:00

A substitution was only «another teacher» or «cancelled». The secretary also moves a lesson to a
free room for the day (the class's room is taken by an exam, a broken projector) and replaces a
lesson by another subject of the class's load with its own teacher. Both are per date and lesson,
like the substitute, so they live on the same row: `room_id` (the room for that day) and
`replacement_id` (the class's other teaching assignment given instead). A row now needs one of the
four: cancelled, a substitute, a room or a replacement.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('substitution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replacement_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_substitution_room_id_room'), 'room', ['room_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_substitution_replacement_id_teaching_assignment'),
                                    'teaching_assignment', ['replacement_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint('ck_substitution_kind', type_='check')
        batch_op.create_check_constraint(
            'ck_substitution_kind',
            'cancelled OR substitute_id IS NOT NULL OR room_id IS NOT NULL OR replacement_id IS NOT NULL')
        batch_op.create_index('ix_substitution_date', ['date'], unique=False)


def downgrade():
    op.execute('DELETE FROM substitution WHERE NOT cancelled AND substitute_id IS NULL')
    with op.batch_alter_table('substitution', schema=None) as batch_op:
        batch_op.drop_index('ix_substitution_date')
        batch_op.drop_constraint('ck_substitution_kind', type_='check')
        batch_op.create_check_constraint('ck_substitution_kind', 'cancelled OR substitute_id IS NOT NULL')
        batch_op.drop_constraint(batch_op.f('fk_substitution_replacement_id_teaching_assignment'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_substitution_room_id_room'), type_='foreignkey')
        batch_op.drop_column('replacement_id')
        batch_op.drop_column('room_id')
