"""Accruals (maturato) in real time: the open periods' commission lines, updated as source data arrives.

The one call for code that writes source rows (imports, the REST API, the Salesforce sync), after its rows
are written and before it commits: ``refresh(session, contract_refs=..., billing_refs=..., order_refs=...)``
(or ``on_import_batch(session, batch_id)``). ``rebuild(session, month)`` opens a month for accruals, or
recomputes it from scratch; ``open_month(session)`` opens the current month once, when it begins.
"""

from app.services.accrual.updates import AccrualError
from app.services.accrual.updates import Refreshed
from app.services.accrual.updates import on_billing_lines
from app.services.accrual.updates import on_contract_event
from app.services.accrual.updates import on_import_batch
from app.services.accrual.updates import on_partner_moved
from app.services.accrual.updates import open_month
from app.services.accrual.updates import open_periods
from app.services.accrual.updates import rebuild
from app.services.accrual.updates import refresh

__all__ = [
    "AccrualError",
    "Refreshed",
    "on_billing_lines",
    "on_contract_event",
    "on_import_batch",
    "on_partner_moved",
    "open_month",
    "open_periods",
    "rebuild",
    "refresh",
]
