"""Import batches: every imported row records the batch it came from, so lineage reaches the file.

A batch is one uploaded file on its way in: ``validating`` → ``validated`` (or ``rejected`` while a blocking
problem remains) → ``importing`` → ``imported`` (or ``failed``, with nothing written). Its problems are kept
for the report, and the column mapping it was read with is saved per source for the next upload.
"""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db


class ImportBatch(db.Model):
    """One file (or API push, or sync) loaded into the source tables."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="imported")
    phase: Mapped[str | None] = mapped_column(String(20))
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_new: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_changed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warning_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mapping: Mapped[dict | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(String(500))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")


class ImportProblem(db.Model):
    """One problem found in a batch's file: where (row, column, value) and what (a message code)."""

    __tablename__ = "import_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    column_name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict | None] = mapped_column(JSON)
    severity: Mapped[str] = mapped_column(String(10))


class ImportMapping(db.Model):
    """A saved mapping from a user's column names to the fields of a source's layout."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("source", "name", name="uq_import_mapping_source_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(80))
    columns: Mapped[dict] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
