"""Service orders: one row per job of an installer or technician, versioned by ``service_order_id``.

Besides the layout's rules: the partner must be known (a warning when it is neither an installer nor a
technician) and so must the contract, when one is given. An empty ``first_time_fix`` means yes for a completed
job and no otherwise.
"""

import polars as pl
from sqlalchemy.orm import Session

from app.services.imports import layouts
from app.services.imports.matching import Counts
from app.services.imports.problems import WARNING
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW
from app.services.imports.sources import Plan
from app.services.imports.sources import references
from app.services.imports.sources.versioned import VersionedTable

LAYOUT = layouts.SERVICE_ORDERS
SERVICE_KINDS = ("installer", "technician")
TABLE = VersionedTable(
    table="service_order",
    key="service_order_id",
    columns={"partner_id": "partner_id", "contract_external_id": "contract_id", "job_type": "job_type",
             "opened_at": "opened_at", "completed_at": "completed_at", "sla_hours": "sla_hours",
             "outcome": "outcome", "first_time_fix": "first_time_fix", "rating": "rating"},
    schema={"partner_id": pl.Int64, "contract_external_id": pl.String, "job_type": pl.String,
            "opened_at": pl.Datetime("us", "UTC"), "completed_at": pl.Datetime("us", "UTC"), "sla_hours": pl.Int64,
            "outcome": pl.String, "first_time_fix": pl.Boolean, "rating": pl.Int64},
    decimals={},
)


def check(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    """Report unknown partners and contracts; warn about partners that are not installers or technicians."""
    partners = references.partners(session)
    references.unknown(log, rows, "partner_code", partners.get_column("code"), "unknown_partner")
    contracts = references.current_contracts(session, rows.get_column("contract_id"))
    references.unknown(log, rows, "contract_id", contracts.get_column("key"), "unknown_contract")
    others = rows.join(partners.select(pl.col("code").alias("partner_code"), "kind"), on="partner_code").filter(
        ~pl.col("kind").is_in(SERVICE_KINDS))
    log.add_rows(others.select(ROW, pl.col("partner_code").alias("value"), "kind"), "partner_code",
                 "not_a_service_partner", pl.struct(pl.col("kind")).struct.json_encode(), WARNING)


def _rows(session: Session, rows: pl.DataFrame) -> pl.DataFrame:
    partner_ids = dict(references.partners(session).select("code", "partner_id").iter_rows())
    return TABLE.incoming(rows.with_columns(
        pl.col("partner_code").replace_strict(partner_ids, default=None).alias("partner_id"),
        pl.col("first_time_fix").fill_null(pl.col("outcome") == "completed")))


def match(session: Session, rows: pl.DataFrame, log: ProblemLog, present: frozenset[str]) -> Plan:
    """Classify the orders against their current versions."""
    matched = TABLE.match(session.connection(), _rows(session, rows))
    return Plan(Counts.of(matched), {"matched": matched})


def write(session: Session, plan: Plan, batch, user, progress=None) -> None:
    """Retire the changed orders' current versions and insert the new versions."""
    TABLE.write(session.connection(), plan.data["matched"], batch.id, progress)
