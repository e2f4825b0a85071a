"""Customers and contracts: one row per contract with its customer; contracts are versioned by ``contract_id``.

Besides the layout's rules: the selling partner, the product, the offer (of that product) and every option must
be known; electricity supplies need a POD and gas supplies a PDR; a customer repeated on several rows must have
the same details on each. A changed contract whose status moves back in the lifecycle gets a warning (a
correction is allowed, but worth a look).

Customers are not versioned: a new one is added, a changed one is updated in place, with its values before
and after in the audit log.
"""

from dataclasses import replace

import polars as pl
from sqlalchemy import bindparam
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import Customer
from app.services import audit
from app.services.imports import layouts
from app.services.imports import matching
from app.services.imports import writers
from app.services.imports.matching import CHANGED
from app.services.imports.matching import NEW
from app.services.imports.matching import OUTCOME
from app.services.imports.matching import UNCHANGED
from app.services.imports.matching import Counts
from app.services.imports.problems import WARNING
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW
from app.services.imports.sources import Plan
from app.services.imports.sources import references
from app.services.imports.sources.versioned import VersionedTable
from app.services.imports.validation import POD_PATTERN

LAYOUT = layouts.CONTRACTS
LIFECYCLE_RANK = {"signed": 0, "validated": 1, "switching": 2, "active": 3, "terminated": 4, "cancelled": 4}
CONTRACT = VersionedTable(
    table="contract",
    key="contract_id",
    columns={name: name for name in ("customer_id", "partner_id", "product_code", "offer_code", "options",
                                     "supply_point", "status", "status_reason", "signed_on", "activated_on",
                                     "terminated_on", "yearly_volume")},
    schema={"customer_id": pl.Int64, "partner_id": pl.Int64, "product_code": pl.String, "offer_code": pl.String,
            "options": pl.String, "supply_point": pl.String, "status": pl.String, "status_reason": pl.String,
            "signed_on": pl.Date, "activated_on": pl.Date, "terminated_on": pl.Date, "yearly_volume": pl.Int64},
    decimals={"yearly_volume": 3},
)
# Compared by the customer's external id: a new customer has no row id before it is written.
COMPARED = replace(CONTRACT, schema={**CONTRACT.schema, "customer_id": pl.String},
                   expressions={"customer_id": "(SELECT cu.external_id FROM customer AS cu WHERE cu.id = t.customer_id)"})
CUSTOMER_FIELDS = {"name": "customer_name", "fiscal_code": "customer_fiscal_code", "segment": "segment",
                   "territory": "territory", "city": "city"}
CUSTOMER_SCHEMA = {"id": pl.Int64, "key": pl.String, **{name: pl.String for name in CUSTOMER_FIELDS}}


def option_codes(column: pl.Expr) -> pl.Expr:
    """Return the option codes of ``column`` as sorted, upper-cased, comma-separated text ('' for none)."""
    codes = (column.fill_null("").str.to_uppercase().str.replace_all(r"[;|]", ",").str.split(",")
             .list.eval(pl.element().str.strip_chars()).list.eval(pl.element().filter(pl.element() != "")))
    return codes.list.sort().list.join(",")


def check(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    """Report unknown references, supply points that do not fit the commodity, and inconsistent customers."""
    known_products, known_offers = references.products(session), references.offers(session)
    references.unknown(log, rows, "partner_code", references.partners(session).get_column("code"), "unknown_partner")
    references.unknown(log, rows, "product_code", known_products, "unknown_product")
    references.unknown(log, rows, "offer_code", known_offers, "unknown_offer")
    offered = rows.with_columns(pl.col("offer_code").replace_strict(known_offers, default=None).alias("offer_product"))
    other = offered.filter(pl.col("offer_product").is_not_null() & pl.col("product_code").is_in(list(known_products))
                           & (pl.col("offer_product") != pl.col("product_code")))
    log.add_rows(other.select(ROW, pl.col("offer_code").alias("value")), "offer_code", "offer_of_other_product",
                 pl.struct(pl.col("offer_product").alias("product")).struct.json_encode())
    _check_options(session, rows, log)
    _check_supply_points(rows.filter(~pl.col(ROW).is_in(log.rows_with("supply_point").implode())), known_products, log)
    _check_customers(rows, log)


def _check_options(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    chosen = rows.select(ROW, pl.col("options").alias("value"), option_codes(pl.col("options")).str.split(",")
                         .alias("option")).explode("option").filter(pl.col("option") != "")
    bad = chosen.filter(~pl.col("option").is_in(list(references.options(session))))
    log.add_rows(bad, "options", "unknown_option", pl.struct(pl.col("option")).struct.json_encode())


def _check_supply_points(rows: pl.DataFrame, products: dict[str, str], log: ProblemLog) -> None:
    with_commodity = rows.with_columns(pl.col("product_code").replace_strict(products, default=None).alias("commodity"))
    for commodity, expected, fits in (("electricity", "POD", pl.col("supply_point").str.contains(POD_PATTERN)),
                                      ("gas", "PDR", pl.col("supply_point").str.contains(r"^\d{14}$"))):
        supplies = with_commodity.filter(pl.col("commodity") == commodity)
        missing = supplies.filter(pl.col("supply_point").is_null())
        log.add_rows(missing.select(ROW, pl.lit(None, dtype=pl.String).alias("value")), "supply_point",
                     "supply_point_required", {"commodity": commodity})
        wrong = supplies.filter(pl.col("supply_point").is_not_null() & ~fits)
        log.add_rows(wrong.select(ROW, pl.col("supply_point").alias("value")), "supply_point", "supply_point_mismatch",
                     {"commodity": commodity, "expected": expected})


def _check_customers(rows: pl.DataFrame, log: ProblemLog) -> None:
    details = pl.concat_str([pl.col(name).fill_null("") for name in CUSTOMER_FIELDS.values()], separator="\x1f")
    first = rows.filter(pl.col("customer_id").is_not_null()).with_columns(details.alias("details")).with_columns(
        pl.col(ROW).first().over("customer_id").alias("first_row"),
        pl.col("details").first().over("customer_id").alias("first_details"))
    differing = first.filter(pl.col("details") != pl.col("first_details"))
    log.add_rows(differing.select(ROW, pl.col("customer_id").alias("value"), "first_row"), "customer_id", "customer_differs",
                 pl.struct(pl.col("first_row").alias("row")).struct.json_encode())


def _customers(session: Session, rows: pl.DataFrame, fields: list[str]) -> pl.DataFrame:
    incoming = rows.unique("customer_id", keep="first", maintain_order=True).select(
        pl.col("customer_id").alias("key"), *[pl.col(source).alias(name) for name, source in CUSTOMER_FIELDS.items()])
    connection = session.connection()
    keys_table = writers.load_keys(connection, incoming.get_column("key"))
    current = matching.fetch(connection, f"SELECT c.id, c.external_id, {', '.join('c.' + n for n in CUSTOMER_FIELDS)} "
                                         f"FROM customer AS c JOIN {keys_table} AS k ON c.external_id = k.key",
                             CUSTOMER_SCHEMA)
    matched = matching.classify(incoming, current.with_columns(pl.lit(0).alias("version")), "key", fields)
    return matched.join(current.rename({n: f"{n}__before" for n in CUSTOMER_FIELDS}).drop("id"), on="key", how="left")


def match(session: Session, rows: pl.DataFrame, log: ProblemLog, present: frozenset[str]) -> Plan:
    """Classify the customers and the contracts; warn when a contract's status moves back."""
    # A customer column left out of the file leaves that detail as it is.
    fields = [name for name, source in CUSTOMER_FIELDS.items() if source in present]
    customers = _customers(session, rows, fields)
    partner_ids = dict(references.partners(session).select("code", "partner_id").iter_rows())
    incoming = COMPARED.incoming(rows.with_columns(
        pl.col("partner_code").replace_strict(partner_ids, default=None).alias("partner_id"),
        option_codes(pl.col("options")).alias("options")))
    current = COMPARED.current(session.connection(), incoming.get_column("external_id"))
    contracts = matching.classify(incoming, current, "external_id", list(COMPARED.columns))
    _warn_status_back(contracts, current, log)
    changed_customers = customers.filter(pl.col(OUTCOME) == CHANGED).get_column("key")
    outcome = (pl.when((pl.col(OUTCOME) == UNCHANGED) & pl.col("customer_id").is_in(changed_customers.implode()))
               .then(pl.lit(CHANGED)).otherwise(pl.col(OUTCOME)))
    counts = Counts.of(contracts.with_columns(outcome.alias("row_outcome")), "row_outcome")
    return Plan(counts, {"customers": customers, "customer_fields": fields, "contracts": contracts})


def _warn_status_back(contracts: pl.DataFrame, current: pl.DataFrame, log: ProblemLog) -> None:
    before = current.select(pl.col("key").alias("external_id"), pl.col("status").alias("old"))
    moved = contracts.filter(pl.col(OUTCOME) == CHANGED).join(before, on="external_id").filter(
        pl.col("status").replace_strict(LIFECYCLE_RANK, default=0)
        < pl.col("old").replace_strict(LIFECYCLE_RANK, default=0))
    log.add_rows(moved.select(ROW, pl.col("status").alias("value"), "old", "status"), "status", "status_goes_back",
                 pl.struct(pl.col("old"), pl.col("status").alias("new")).struct.json_encode(), WARNING)


def _write_customers(session: Session, user, customers: pl.DataFrame, fields: list[str]) -> None:
    connection = session.connection()
    new = customers.filter(pl.col(OUTCOME) == NEW)
    writers.insert(connection, "customer", new.select(pl.col("key").alias("external_id"), *CUSTOMER_FIELDS))
    changed = customers.filter(pl.col(OUTCOME) == CHANGED)
    if changed.height == 0:
        return
    table = Customer.__table__
    connection.execute(
        update(table).where(table.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}") for name in fields}),
        [{"row_id": row["previous_id"], **{f"new_{name}": row[name] for name in fields}}
         for row in changed.iter_rows(named=True)])
    for row in changed.iter_rows(named=True):
        before = {name: row[f"{name}__before"] for name in fields if row[f"{name}__before"] != row[name]}
        after = {name: row[name] for name in before}
        audit.record(session, user, "customer.imported_change", "customer", row["previous_id"], before=before, after=after)


def write(session: Session, plan: Plan, batch, user, progress=None) -> None:
    """Write new and changed customers, then the new contract versions pointing at them."""
    _write_customers(session, user, plan.data["customers"], plan.data["customer_fields"])
    contracts = plan.data["contracts"]
    connection = session.connection()
    keys_table = writers.load_keys(connection, contracts.get_column("customer_id"))
    ids = matching.fetch(connection, f"SELECT c.external_id, c.id FROM customer AS c JOIN {keys_table} AS k "
                                     "ON c.external_id = k.key", {"customer_id": pl.String, "customer_row": pl.Int64})
    resolved = contracts.join(ids, on="customer_id", how="left").with_columns(
        pl.col("customer_row").alias("customer_id")).drop("customer_row")
    CONTRACT.write(connection, resolved, batch.id, progress)
