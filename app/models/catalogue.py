"""The product catalogue: commodities and services, their offers, options and categories."""

import enum
from datetime import date

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.types import StrEnum


class Commodity(enum.Enum):
    ELECTRICITY = "electricity"
    GAS = "gas"
    EMOBILITY = "emobility"
    PV = "pv"
    HEATING = "heating"
    COOLING = "cooling"


class Product(db.Model):
    """A line of business; commodities carry a volume unit (kWh or Smc)."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    commodity: Mapped[Commodity] = mapped_column(StrEnum(Commodity))
    unit: Mapped[str | None] = mapped_column(String(8))

    offers: Mapped[list["Offer"]] = relationship(back_populates="product", order_by="Offer.code")


class Offer(db.Model):
    """A commercial offer of a product, in a catalogue category, sold over a date range."""

    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    product: Mapped[Product] = relationship(back_populates="offers")


class ProductOption(db.Model):
    """An option a contract may add to its offer (green energy, fixed price, maintenance ...)."""

    __tablename__ = "product_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
