"""user sessions: logins kept on the server, so a logout or a password change ends them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 16:20:00

Flask's session cookie and the API's JWTs are signed, not stored: a cookie captured before a
logout kept opening pages for the session lifetime, other browsers stayed logged in after a
password change, and a refresh token issued before it kept refreshing for 30 days. Each login now
has a user_session row (its key's SHA-256, who, when created, last seen and ended), checked with
the user on every request (app/security/sessions.py); user_credentials holds when each user's
password last changed, against which a JWT's issue time is checked.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_session',
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('via', sa.String(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_user_session_user_id_ab_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_user_session')),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
    op.create_table(
        'user_credentials',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_user_credentials_user_id_ab_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_credentials')),
    )


def downgrade():
    op.drop_table('user_credentials')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
