"""accounts: one-time codes for a first login, and the record of account changes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 19:01:24

Accounts for a real school's staff, pupils and families are issued by the app (app/accounts):
a login slip or an e-mailed link carries a one-time code whose SHA-256 alone is kept in
one_time_code (single use, with an expiry); account_event records who created, deactivated,
reactivated an account, changed its role or issued it a code, and when, and each account's first
login (from which the monitoring counts a family's diary access).
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('one_time_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['ab_user.id'], name=op.f('fk_one_time_code_issued_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_one_time_code_user_id_ab_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_one_time_code_code_hash'))
    )
    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_one_time_code_user_id'), ['user_id'], unique=False)

    op.create_table('account_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('login', sa.String(length=256), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('created', 'code_issued', 'code_used', 'deactivated', 'reactivated', 'role_changed', 'first_login')", name='ck_account_event_kind'),
    sa.ForeignKeyConstraint(['actor_id'], ['ab_user.id'], name=op.f('fk_account_event_actor_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_account_event_municipality_id_municipality'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_account_event_school_id_school'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_account_event_user_id_ab_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_event'))
    )
    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_event_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_account_event_school_at', ['school_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_event_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_event_user_id'))
        batch_op.drop_index('ix_account_event_school_at')
        batch_op.drop_index(batch_op.f('ix_account_event_municipality_id'))

    op.drop_table('account_event')
    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_one_time_code_user_id'))

    op.drop_table('one_time_code')
