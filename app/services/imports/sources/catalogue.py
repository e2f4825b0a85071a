"""Catalogue: products, offers and options in one file, told apart by ``record_type``.

Products come first (offers and options refer to them, in the file or already known). The catalogue is not
versioned: a known code whose name, commodity, dates ... change is updated in place, with the values before
and after in the audit log; contracts keep the offer code they were sold with.
"""

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Offer
from app.models import Product
from app.models import ProductOption
from app.models.catalogue import Commodity
from app.services import audit
from app.services.imports import layouts
from app.services.imports.matching import CHANGED
from app.services.imports.matching import NEW
from app.services.imports.matching import UNCHANGED
from app.services.imports.matching import Counts
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW
from app.services.imports.sources import Plan
from app.services.imports.sources import references

LAYOUT = layouts.CATALOGUE
MODELS = {"product": Product, "offer": Offer, "option": ProductOption}
FIELDS = {"product": ("name", "commodity", "unit"),
          "offer": ("name", "product_id", "category", "valid_from", "valid_to"),
          "option": ("name", "product_id")}
ORDER = ("product", "offer", "option")


def check(session: Session, rows: pl.DataFrame, log: ProblemLog) -> None:
    """Report offers and options whose product is neither known nor in the file."""
    in_file = rows.filter(pl.col("record_type") == "product").get_column("code").to_list()
    known = set(references.products(session)) | set(in_file)
    referring = rows.filter(pl.col("record_type").is_in(["offer", "option"]))
    bad = referring.filter(pl.col("product_code").is_not_null() & ~pl.col("product_code").is_in(list(known)))
    log.add_rows(bad.select(ROW, pl.col("product_code").alias("value")), "product_code", "unknown_product")


def _values(row: dict, product_ids: dict[str, int | None]) -> dict:
    kind = row["record_type"]
    values = {"name": row["name"], "product_id": product_ids.get(row["product_code"]), "category": row["category"],
              "valid_from": row["valid_from"], "valid_to": row["valid_to"], "unit": row["unit"],
              "commodity": Commodity(row["commodity"]) if row["commodity"] else None}
    return {name: values[name] for name in FIELDS[kind]}


def _stored(session: Session, kind: str, codes: list[str]) -> dict[str, object]:
    model = MODELS[kind]
    return {item.code: item for item in session.scalars(select(model).where(model.code.in_(codes)))}


def match(session: Session, rows: pl.DataFrame, log: ProblemLog, present: frozenset[str]) -> Plan:
    """Classify each row against the stored product, offer or option with its code."""
    product_ids = dict(session.execute(select(Product.code, Product.id)).all())
    actions, outcomes = [], []
    for kind in ORDER:
        of_kind = rows.filter(pl.col("record_type") == kind)
        stored = _stored(session, kind, of_kind.get_column("code").to_list())
        for row in of_kind.iter_rows(named=True):
            item = stored.get(row["code"])
            values = _values(row, product_ids)
            if item is None:
                outcome = NEW
            else:
                before = {name: getattr(item, name) for name in values}
                outcome = CHANGED if before != values else UNCHANGED
            outcomes.append(outcome)
            actions.append((kind, row, outcome))
    counts = Counts(outcomes.count(NEW), outcomes.count(CHANGED), outcomes.count(UNCHANGED))
    return Plan(counts, {"actions": actions})


def write(session: Session, plan: Plan, batch, user, progress=None) -> None:
    """Add or update products first, then offers and options (which may refer to the new products)."""
    product_ids: dict[str, int] = {}
    for kind, row, outcome in plan.data["actions"]:
        if kind != "product" and not product_ids:
            session.flush()
            product_ids = dict(session.execute(select(Product.code, Product.id)).all())
        if outcome == UNCHANGED:
            continue
        model = MODELS[kind]
        values = _values(row, product_ids)
        if outcome == NEW:
            session.add(model(code=row["code"], **values))
            continue
        item = session.scalar(select(model).where(model.code == row["code"]))
        before, after = audit.changes(item, list(values), values)
        for name, value in values.items():
            setattr(item, name, value)
        audit.record(session, user, f"{kind}.imported_change", kind, item.id, before=before, after=after)
    session.flush()
