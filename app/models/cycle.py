"""Data-quality issues found by the commission cycle's check of a period's source data.

Each check of a period replaces the period's issues, so the "fix data" page always shows the latest findings.
"""

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db


class DataIssue(db.Model):
    """One finding of the data-quality check: what kind, how serious, which source row, and why."""

    __tablename__ = "data_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    ref: Mapped[str] = mapped_column(String(120))
    message: Mapped[str] = mapped_column(String(300))
    instance_id: Mapped[int | None] = mapped_column(Integer)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
