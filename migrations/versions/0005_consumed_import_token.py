"""consumed import token: a preview of an import is confirmed once

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 16:30:00

The pupil import and the usage import carry the checked file from the preview to the confirmation
in a signed token. Nothing stopped the same token from being confirmed twice: two confirmations
at once (a double click, two tabs) all passed the checks and all wrote: four on PostgreSQL
created every pupil of the file four times, and the usage import answered 500 on its unique key.
A confirmation now inserts the token's digest here in the transaction that writes the import;
the unique key lets one commit and refuses the others (app/import_tokens.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consumed_import_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('consumed_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consumed_import_token')),
        sa.UniqueConstraint('digest', name=op.f('uq_consumed_import_token_digest')),
    )


def downgrade():
    op.drop_table('consumed_import_token')
