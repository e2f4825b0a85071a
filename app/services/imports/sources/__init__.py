"""The import sources. Every source module shares one small protocol, so each reads like the others:

- ``LAYOUT``: its :class:`~app.services.imports.layouts.Layout`;
- ``check(session, rows, log)``: the references and business rules on the typed rows (problems go to ``log``);
- ``match(session, rows, log, present) -> Plan``: new, changed and unchanged rows against what is stored,
  nothing written (``present`` names the fields the file has a column for: a source that updates rows in
  place leaves the others as they are);
- ``write(session, plan, batch, user, progress)``: write the plan in the caller's transaction.
"""

from dataclasses import dataclass
from dataclasses import field
from types import ModuleType
from typing import Any

from app.services.imports.matching import Counts


@dataclass
class Plan:
    """What an import would write: the row counts and the source's own data for ``write``."""

    counts: Counts
    data: dict[str, Any] = field(default_factory=dict)


def get(source: str) -> ModuleType:
    """Return the module of ``source``; KeyError for an unknown source."""
    from app.services.imports.sources import billing_lines
    from app.services.imports.sources import catalogue
    from app.services.imports.sources import contracts
    from app.services.imports.sources import partners
    from app.services.imports.sources import service_orders
    from app.services.imports.sources import status_events
    from app.services.imports.sources import targets

    modules = (catalogue, partners, contracts, status_events, billing_lines, service_orders, targets)
    return {module.LAYOUT.source: module for module in modules}[source]
