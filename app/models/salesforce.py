"""The Salesforce connector: the connection, the objects it pulls with their field mapping, and the sync log.

- ``SalesforceConnection`` (one row): where and how to sign in (OAuth2 client credentials or refresh token).
  The client secret and the refresh token are stored encrypted (Fernet, key derived from ``SECRET_KEY``) and
  never shown back in the UI.
- ``SalesforceObject``: one per Mandato import source the connector feeds (``partners`` from Accounts,
  ``contracts`` from Contracts or Opportunities), with the Salesforce object, an optional SOQL condition and the
  watermark: the ``SystemModstamp`` up to which the last successful sync read it.
- ``SalesforceFieldMapping``: Salesforce field (``Agent_Code__c``, or a parent's ``Account.Name``) → Mandato
  field of the source's import layout.
- ``SalesforceSync``: one row per run, manual or scheduled: counts, errors, duration, and the import batch its
  rows were written with (so a contract version's lineage reaches the sync).
"""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db


class SalesforceConnection(db.Model):
    """How Mandato signs in to Salesforce and how often the scheduled sync runs."""

    __tablename__ = "salesforce_connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_url: Mapped[str] = mapped_column(String(255))
    token_url: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    auth_flow: Mapped[str] = mapped_column(String(20), default="client_credentials")
    refresh_token_encrypted: Mapped[str | None] = mapped_column(Text)
    api_version: Mapped[str] = mapped_column(String(10), default="v60.0")
    interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    scheduled: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SalesforceObject(db.Model):
    """A Salesforce object read into one Mandato import source, and how far the last sync got."""

    __tablename__ = "salesforce_object"

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(40), unique=True)
    sobject: Mapped[str] = mapped_column(String(80))
    condition: Mapped[str | None] = mapped_column(String(500))
    watermark: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    fields = relationship("SalesforceFieldMapping", back_populates="object", cascade="all, delete-orphan",
                          order_by="SalesforceFieldMapping.id")


class SalesforceFieldMapping(db.Model):
    """Which Salesforce field fills one field of the import layout."""

    __tablename__ = "salesforce_field_mapping"
    __table_args__ = (UniqueConstraint("object_id", "mandato_field", name="uq_salesforce_field_mapping_object_field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("salesforce_object.id"), index=True)
    mandato_field: Mapped[str] = mapped_column(String(64))
    salesforce_field: Mapped[str] = mapped_column(String(200))

    object = relationship("SalesforceObject", back_populates="fields")


class SalesforceSync(db.Model):
    """One sync run: who or what started it, what it pulled and wrote, what went wrong, how long it took."""

    __tablename__ = "salesforce_sync"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    records_pulled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    records_deleted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_new: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_changed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    token_refreshes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    counts: Mapped[dict | None] = mapped_column(JSON)
    errors: Mapped[list | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(String(1000))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    user = relationship("User")
    import_batch = relationship("ImportBatch")
