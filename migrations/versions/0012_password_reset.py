"""password reset: recovery links by e-mail, their requests, two account events; daily digests

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 10:00:00

«Забыли пароль?» on the login page e-mails a one-time link (app/accounts/recovery.py):
password_reset keeps the SHA-256 of each link's token (single use, an hour), and who sent it when
the school or the administrator did; password_reset_request counts the requests per typed login or
address (its SHA-256), known or not, as login_attempt counts failed logins per name. Account
events gain two kinds: a recovery link sent, a password set through one.

Parents' notifications: a new parent account gets the daily digest (app/accounts/issue.py sets it
when the account is made, app/notify/settings.py:DEFAULT_MODE). Accounts made before still have the
old default, «none»; choosing «Не присылать» on the settings page left nothing that tells it apart
from that default, so every parent account at «none» gets the daily digest here, once. Each digest
says where to switch it off, and from now on «none» on a parent account is always the parent's
own choice. Guardians without an account keep «none»: nobody could open the diary the letter
links to. The downgrade leaves the modes as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD_KINDS = ("'created', 'code_issued', 'code_used', 'deactivated', 'reactivated', 'role_changed', "
             "'first_login'")
NEW_KINDS = OLD_KINDS + ", 'reset_link_sent', 'password_reset'"


def upgrade():
    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['sent_by_id'], ['ab_user.id'], name=op.f('fk_password_reset_sent_by_id_ab_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_password_reset_user_id_ab_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)

    op.create_table('password_reset_request',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_password_reset_request'))
    )

    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.drop_constraint('ck_account_event_kind', type_='check')
        batch_op.create_check_constraint('ck_account_event_kind', f"kind IN ({NEW_KINDS})")

    op.execute("UPDATE guardian SET notify_mode = 'daily' WHERE notify_mode = 'none' AND user_id IS NOT NULL")


def downgrade():
    op.execute("DELETE FROM account_event WHERE kind IN ('reset_link_sent', 'password_reset')")
    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.drop_constraint('ck_account_event_kind', type_='check')
        batch_op.create_check_constraint('ck_account_event_kind', f"kind IN ({OLD_KINDS})")

    op.drop_table('password_reset_request')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))

    op.drop_table('password_reset')
