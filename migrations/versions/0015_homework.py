"""homework: tasks given on a lesson, due on a date, for the class, a subgroup or one pupil, with files

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-09 10:00:00

Homework was one text on the lesson where it was given (lesson.homework), shown in the diary on
that day. Families look for it on the day it is due, as in Дневник.ру and МЭШ, and a teacher also
gives tasks to a subgroup or to one pupil and attaches worksheets: a homework row names the lesson
it was given on, the day it is due, its audience and its text; homework_file keeps its files in
the database (the app servers keep nothing on disk). class_group_id repeats the lesson's so the
diary finds a pupil's week by (class, due date) in one index. The indexes on pupil_id and
subgroup_id (for the foreign keys) leave out the class tasks' NULLs: SQLite, without statistics,
chose a full one for «pupil_id IS NULL» over the lesson's index.

Every text already on a lesson becomes a homework row for the lesson's audience (the subgroup of
a subgroup's lesson), due at the next lesson of the same teaching assignment on a later day that
is not cancelled, from the calendar's lessons; where the calendar has no later lesson (the last
lesson of the year, or the next period not generated yet) it is due on the day it was given,
where the diary showed it until now. Then lesson.homework goes: one place for homework.

The column is dropped with ALTER TABLE … DROP COLUMN on both engines (SQLite 3.35 or later): a
batch copy of lesson would drop and recreate a table that marks and absences reference, which
SQLite refuses with its foreign keys on.
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

CONVERT = """
INSERT INTO homework (lesson_id, class_group_id, subgroup_id, pupil_id, due_on, text, created_at, changed_at, version)
SELECT l.id, l.class_group_id, ta.subgroup_id, NULL,
       COALESCE((SELECT MIN(n.date) FROM lesson n
                 WHERE n.assignment_id = l.assignment_id AND n.date > l.date AND n.cancelled = :cancelled), l.date),
       l.homework, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1
FROM lesson l JOIN teaching_assignment ta ON ta.id = l.assignment_id
WHERE l.homework IS NOT NULL AND TRIM(l.homework) <> ''
"""

RESTORE = """
UPDATE lesson SET homework = (
    SELECT h.text FROM homework h
    WHERE h.lesson_id = lesson.id AND h.pupil_id IS NULL
      AND (h.subgroup_id IS NULL
           OR h.subgroup_id = (SELECT ta.subgroup_id FROM teaching_assignment ta WHERE ta.id = lesson.assignment_id))
    ORDER BY h.id LIMIT 1)
"""


def upgrade():
    op.create_table('homework',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('class_group_id', sa.Integer(), nullable=False),
    sa.Column('subgroup_id', sa.Integer(), nullable=True),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('changed_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('pupil_id IS NULL OR subgroup_id IS NULL', name='ck_homework_target'),
    sa.ForeignKeyConstraint(['class_group_id'], ['class_group.id'], name=op.f('fk_homework_class_group_id_class_group'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], name=op.f('fk_homework_created_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_homework_lesson_id_lesson'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_homework_pupil_id_pupil'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['subgroup_id'], ['subgroup.id'], name=op.f('fk_homework_subgroup_id_subgroup'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homework'))
    )
    with op.batch_alter_table('homework', schema=None) as batch_op:
        batch_op.create_index('ix_homework_class_due', ['class_group_id', 'due_on'], unique=False)
        batch_op.create_index('ix_homework_lesson', ['lesson_id'], unique=False)
        batch_op.create_index('ix_homework_pupil', ['pupil_id'], unique=False,
                              sqlite_where=sa.text('pupil_id IS NOT NULL'), postgresql_where=sa.text('pupil_id IS NOT NULL'))
        batch_op.create_index('ix_homework_subgroup', ['subgroup_id'], unique=False,
                              sqlite_where=sa.text('subgroup_id IS NOT NULL'),
                              postgresql_where=sa.text('subgroup_id IS NOT NULL'))
        batch_op.create_index('uq_homework_class', ['lesson_id'], unique=True,
                              sqlite_where=sa.text('pupil_id IS NULL AND subgroup_id IS NULL'),
                              postgresql_where=sa.text('pupil_id IS NULL AND subgroup_id IS NULL'))
        batch_op.create_index('uq_homework_pupil', ['lesson_id', 'pupil_id'], unique=True,
                              sqlite_where=sa.text('pupil_id IS NOT NULL'), postgresql_where=sa.text('pupil_id IS NOT NULL'))
        batch_op.create_index('uq_homework_subgroup', ['lesson_id', 'subgroup_id'], unique=True,
                              sqlite_where=sa.text('subgroup_id IS NOT NULL'),
                              postgresql_where=sa.text('subgroup_id IS NOT NULL'))

    op.create_table('homework_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('homework_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('size_bytes > 0', name='ck_homework_file_size'),
    sa.ForeignKeyConstraint(['homework_id'], ['homework.id'], name=op.f('fk_homework_file_homework_id_homework'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['ab_user.id'], name=op.f('fk_homework_file_uploaded_by_id_ab_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homework_file'))
    )
    with op.batch_alter_table('homework_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homework_file_homework_id'), ['homework_id'], unique=False)

    op.execute(sa.text(CONVERT).bindparams(cancelled=False))
    op.execute("ALTER TABLE lesson DROP COLUMN homework")


def downgrade():
    op.execute("ALTER TABLE lesson ADD COLUMN homework TEXT")
    op.execute(RESTORE)
    with op.batch_alter_table('homework_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homework_file_homework_id'))
    op.drop_table('homework_file')
    with op.batch_alter_table('homework', schema=None) as batch_op:
        batch_op.drop_index('uq_homework_subgroup')
        batch_op.drop_index('uq_homework_pupil')
        batch_op.drop_index('uq_homework_class')
        batch_op.drop_index('ix_homework_subgroup')
        batch_op.drop_index('ix_homework_pupil')
        batch_op.drop_index('ix_homework_lesson')
        batch_op.drop_index('ix_homework_class_due')
    op.drop_table('homework')
