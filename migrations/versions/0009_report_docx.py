"""analytical report docx: the справка as a Word document beside the xlsx

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00

The academy edits and signs the monthly справка as a Word document; the register keeps it with
the xlsx generated at the same moment from the same figures (analytical_report.docx_content), so
either can be downloaded again after the month's data change. Reports generated before this
revision have no docx until they are generated again.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('analytical_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('docx_content', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('analytical_report', schema=None) as batch_op:
        batch_op.drop_column('docx_content')
