"""Column types shared by the models: money, volumes and enumerations stored as plain strings."""

import enum

from sqlalchemy import Enum
from sqlalchemy import Numeric

Money = Numeric(14, 2, asdecimal=True)
Volume = Numeric(16, 3, asdecimal=True)
Rate = Numeric(12, 6, asdecimal=True)


def StrEnum(enum_class: type[enum.Enum]) -> Enum:  # noqa: N802 - reads like a type
    """Store an enum by value as VARCHAR with a CHECK, the same on SQLite and PostgreSQL."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        name=enum_class.__name__.lower(),
        validate_strings=True,
    )
