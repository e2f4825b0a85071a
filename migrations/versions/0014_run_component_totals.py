"""A run's totals per plan component are stored with the run, so the period page reads them instead of summing
every line of the run.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 22:15:00

The runs written before get theirs summed from their lines.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'run_component_total',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('plan_code', sa.String(length=60), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('component_id', sa.String(length=60), nullable=False),
        sa.Column('component_kind', sa.String(length=30), nullable=False),
        sa.Column('lines', sa.Integer(), nullable=False),
        sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('held', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['calculation_run.id'], name=op.f('fk_run_component_total_run_id_calculation_run')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_run_component_total')),
        sa.UniqueConstraint('run_id', 'plan_code', 'plan_version', 'component_id', 'component_kind',
                            name='uq_run_component_total'),
    )
    op.execute("""
        INSERT INTO run_component_total (run_id, plan_code, plan_version, component_id, component_kind, lines, total,
                                         held)
        SELECT run_id, plan_code, plan_version, component_id, component_kind, count(*), sum(amount),
               sum(CASE WHEN status = 'held' THEN amount ELSE 0 END)
        FROM commission_line
        GROUP BY run_id, plan_code, plan_version, component_id, component_kind
    """)


def downgrade():
    op.drop_table('run_component_total')
