"""The data-quality issues of the commission cycle.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('ref', sa.String(length=120), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_issue'))
    )
    with op.batch_alter_table('data_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_issue_period'), ['period'], unique=False)


def downgrade():
    with op.batch_alter_table('data_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_issue_period'))
    op.drop_table('data_issue')
