"""messages: threads between a child's family and the school, announcements, files, read marks

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 01:09:30

Parents ask teachers questions and teachers write to families; the class teacher and the
administration post announcements to a class or the school. Messages are kept as sent (no edit);
a hidden one keeps who hid it, when and why. Files live in the row, as the other uploads do, so
the app servers keep nothing on disk. `message_read` keeps the last message each user has read in
a thread, for the unread counts.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('message_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('class_group_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('include_pupil', sa.Boolean(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_message_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('pupil_id IS NULL OR class_group_id IS NULL', name='ck_message_thread_target'),
    sa.ForeignKeyConstraint(['class_group_id'], ['class_group.id'], name=op.f('fk_message_thread_class_group_id_class_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], name=op.f('fk_message_thread_created_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_message_thread_pupil_id_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_message_thread_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_message_thread_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_thread'))
    )
    with op.batch_alter_table('message_thread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_thread_class_group_id'), ['class_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_thread_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index('ix_message_thread_school_last', ['school_id', 'last_message_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_thread_staff_id'), ['staff_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['ab_user.id'], name=op.f('fk_message_author_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['ab_user.id'], name=op.f('fk_message_hidden_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['message_thread.id'], name=op.f('fk_message_thread_id_message_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_thread_id'), ['thread_id'], unique=False)

    op.create_table('message_read',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_read_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['message_thread.id'], name=op.f('fk_message_read_thread_id_message_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_message_read_user_id_ab_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', 'user_id', name=op.f('pk_message_read'))
    )
    with op.batch_alter_table('message_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_read_user_id'), ['user_id'], unique=False)

    op.create_table('message_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_message_attachment_message_id_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attachment'))
    )
    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_attachment_message_id'), ['message_id'], unique=False)



def downgrade():
    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_attachment_message_id'))

    op.drop_table('message_attachment')
    with op.batch_alter_table('message_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_read_user_id'))

    op.drop_table('message_read')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_thread_id'))
        batch_op.drop_index(batch_op.f('ix_message_created_at'))

    op.drop_table('message')
    with op.batch_alter_table('message_thread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_thread_staff_id'))
        batch_op.drop_index('ix_message_thread_school_last')
        batch_op.drop_index(batch_op.f('ix_message_thread_pupil_id'))
        batch_op.drop_index(batch_op.f('ix_message_thread_class_group_id'))

    op.drop_table('message_thread')
