"""Pro-forma invoice issuing: storage and e-mail delivery.

The invoice keeps why the last e-mail of its PDF failed (a missing or refused address), so finance sees it and
can send again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_error', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('email_error')
