"""What a file may refer to: partners, catalogue codes and current contracts, each loaded in one query."""

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Offer
from app.models import Partner
from app.models import Product
from app.models import ProductOption
from app.services.imports import matching
from app.services.imports.problems import ERROR
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW


def partners(session: Session) -> pl.DataFrame:
    """Return every partner's ``code``, ``partner_id`` and ``kind``."""
    rows = session.execute(select(Partner.code, Partner.id, Partner.kind)).all()
    return pl.DataFrame([(code, pid, kind.value) for code, pid, kind in rows],
                        schema={"code": pl.String, "partner_id": pl.Int64, "kind": pl.String}, orient="row")


def products(session: Session) -> dict[str, str]:
    """Return product code → commodity."""
    return {code: commodity.value for code, commodity in session.execute(select(Product.code, Product.commodity))}


def offers(session: Session) -> dict[str, str]:
    """Return offer code → product code."""
    return dict(session.execute(select(Offer.code, Product.code).join(Product, Offer.product_id == Product.id)).all())


def options(session: Session) -> set[str]:
    """Return the option codes."""
    return set(session.scalars(select(ProductOption.code)))


CONTRACT_FACTS = {"commodity": pl.String, "status": pl.String, "yearly_volume": pl.Int64, "signed_on": pl.Date}


def current_contracts(session: Session, keys: pl.Series) -> pl.DataFrame:
    """Return ``key`` (external id) and a few facts of the current versions of the contracts ``keys``."""
    connection = session.connection()
    return matching.current_versions(
        connection, "contract", keys,
        {"commodity": "(SELECT p.commodity FROM product AS p WHERE p.code = t.product_code)",
         "status": "t.status", "yearly_volume": matching.scaled("t.yearly_volume", 3), "signed_on": "t.signed_on"},
        CONTRACT_FACTS)


def unknown(log: ProblemLog, rows: pl.DataFrame, column: str, known, code: str, severity: str = ERROR) -> None:
    """Report the rows whose non-null ``column`` is not among ``known`` (a collection or a Series)."""
    values = known if isinstance(known, pl.Series) else pl.Series(list(known), dtype=pl.String)
    bad = rows.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(values.implode()))
    log.add_rows(bad.select(ROW, pl.col(column).alias("value")), column, code, severity=severity)
