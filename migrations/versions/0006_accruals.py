"""Accruals: the periods kept up to date event by event, their provisional lines and the balances per component.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=14, scale=2)
NOW = sa.text("(CURRENT_TIMESTAMP)")


def upgrade():
    op.create_table(
        "accrual_period",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("rebuilt_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_accrual_period")),
    )
    op.create_table(
        "accrual_line",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("unit_stage", sa.String(length=10), nullable=False),
        sa.Column("unit_partner_id", sa.BigInteger(), nullable=False),
        sa.Column("line_key", sa.String(length=300), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("plan_code", sa.String(length=60), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.String(length=60), nullable=False),
        sa.Column("component_kind", sa.String(length=30), nullable=False),
        sa.Column("line_kind", sa.String(length=30), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("basis", sa.String(length=60), nullable=True),
        sa.Column("basis_value", sa.String(length=60), nullable=True),
        sa.Column("rate", sa.String(length=60), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("formula", sa.Text(), nullable=True),
        sa.Column("inputs", sa.Text(), nullable=True),
        sa.Column("source_kind", sa.String(length=30), nullable=False),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=True),
        sa.Column("source_ids", sa.Text(), nullable=True),
        sa.Column("contract_ref", sa.String(length=64), nullable=True),
        sa.Column("contract_id", sa.BigInteger(), nullable=True),
        sa.Column("original_line_key", sa.String(length=300), nullable=True),
        sa.Column("hold_until", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], name=op.f("fk_accrual_line_partner_id_partner")),
        sa.ForeignKeyConstraint(["period"], ["accrual_period.month"],
                                name=op.f("fk_accrual_line_period_accrual_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accrual_line")),
    )
    with op.batch_alter_table("accrual_line", schema=None) as batch_op:
        batch_op.create_index("ix_accrual_line_partner", ["period", "partner_id"], unique=False)
        batch_op.create_index("ix_accrual_line_unit", ["period", "unit_stage", "unit_partner_id"], unique=False)

    op.create_table(
        "accrued_balance",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("plan_code", sa.String(length=60), nullable=False),
        sa.Column("component_id", sa.String(length=60), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("held", MONEY, nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], name=op.f("fk_accrued_balance_partner_id_partner")),
        sa.ForeignKeyConstraint(["period"], ["accrual_period.month"],
                                name=op.f("fk_accrued_balance_period_accrual_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accrued_balance")),
        sa.UniqueConstraint("period", "partner_id", "plan_code", "component_id",
                            name="uq_accrued_balance_period_partner_component"),
    )


def downgrade():
    op.drop_table("accrued_balance")
    with op.batch_alter_table("accrual_line", schema=None) as batch_op:
        batch_op.drop_index("ix_accrual_line_unit")
        batch_op.drop_index("ix_accrual_line_partner")
    op.drop_table("accrual_line")
    op.drop_table("accrual_period")
