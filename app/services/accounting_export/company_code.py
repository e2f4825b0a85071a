"""The principal's SAP company code (BUKRS), written in every row of the accounting export.

It is a dated company setting (``company_code`` in ``app.services.settings``): the export writes the value in force
on its posting date, so a new company code applies to the exports from its date on and the files exported before
keep theirs. SAP company codes are 4 characters; Mandato takes 4 letters or digits, upper case (``IT01``, ``1000``).
"""

import re
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import InvoiceBatch
from app.services import settings
from workflows import clock

KEY = "company_code"
PATTERN = settings.FORMATS[KEY][0]


def code_on(session: Session, day: date) -> str:
    """Return the company code in force on ``day`` ("" when none is set)."""
    return settings.value_on(session, KEY, day)


def problem(code: str, day: date) -> str | None:
    """Return why ``code`` cannot be written in an export posted on ``day``, or None when it can."""
    if not code:
        return f"no company code (SAP BUKRS) is in force on the posting date {day.isoformat()}"
    if not re.match(PATTERN, code):
        return f"the company code {code!r} in force on {day.isoformat()} is not 4 letters or digits"
    return None


def last_posting_date(session: Session) -> date | None:
    """Return the posting date of the latest exported batch (the company's day of its export), if any."""
    exported_at = clock.as_utc(session.scalar(select(func.max(InvoiceBatch.exported_at))))
    return None if exported_at is None else clock.company_day(exported_at)
