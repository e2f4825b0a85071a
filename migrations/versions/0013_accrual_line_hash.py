"""Accrual lines carry a digest of their columns, so an update finds the changed lines without comparing them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 20:00:00

Lines written before have none: the first update of their unit rewrites them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accrual_line') as batch:
        batch.add_column(sa.Column('content_hash', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('accrual_line') as batch:
        batch.drop_column('content_hash')
