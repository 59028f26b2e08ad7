"""report revisions: a sent справка never changes; the rule for schools without data

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00

An analytical report sent to the ministry is a document the ministry acts on: regenerating the
month afterwards used to overwrite it (and its file) in place. analytical_report now keeps one
row per revision of a month (unique month + revision); a sent revision is never rewritten, and
regenerating after sending makes the next revision. Existing reports become revision 1.

usage_threshold.no_data_in_denominator records the methodology for schools with no figures for a
month («нет данных»): true (the default, as the shares were counted so far) keeps them in the
share's denominator as not using the system; false leaves them out. It is versioned with the
verdict's thresholds (a new row per change, who and when).
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('analytical_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_analytical_report_month', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_analytical_report_month_revision'), ['month', 'revision'])
        batch_op.create_check_constraint('ck_analytical_report_revision', 'revision >= 1')

    with op.batch_alter_table('usage_threshold', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_data_in_denominator', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('usage_threshold', schema=None) as batch_op:
        batch_op.drop_column('no_data_in_denominator')

    # Only the latest revision of each month survives the way back (one report per month).
    op.execute("DELETE FROM analytical_report WHERE revision < "
               "(SELECT max(r.revision) FROM analytical_report r WHERE r.month = analytical_report.month)")
    with op.batch_alter_table('analytical_report', schema=None) as batch_op:
        batch_op.drop_constraint('ck_analytical_report_revision', type_='check')
        batch_op.drop_constraint('uq_analytical_report_month_revision', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_analytical_report_month'), ['month'])
        batch_op.drop_column('revision')
