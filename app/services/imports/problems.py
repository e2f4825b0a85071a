"""Problems found in an import file: where (file, row, column, value), what (a message), and how bad.

An ``error`` blocks the import; a ``warning`` (an outlier, an unusual price) is shown and does not. Messages are
kept as a code and its parameters and translated when shown, so the same problem reads in Italian on the page
and in the CSV report of an Italian user, and in English for an English one. The message texts are English
msgids marked with ``N_`` for extraction.

Problems are collected as polars frames: a million bad rows are a frame, not a million Python objects.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
from flask import has_request_context

ERROR = "error"
WARNING = "warning"
SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "code": pl.String, "params": pl.String,
          "severity": pl.String}


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Mark ``text`` for translation without translating it now."""
    return text


MESSAGES = {
    "unreadable": N_("The file cannot be read: %(detail)s."),
    "empty_file": N_("The file has no data rows."),
    "column_missing": N_("Column %(header)s is not in the file."),
    "required": N_("A value is required."),
    "too_long": N_("Longer than %(max)s characters."),
    "bad_format": N_("Not in the expected format (like %(hint)s)."),
    "bad_code": N_("Codes use letters, digits and - _ . / only."),
    "not_a_date": N_("Not a date: write YYYY-MM-DD or DD/MM/YYYY."),
    "not_a_datetime": N_("Not a date and time: write YYYY-MM-DD HH:MM."),
    "not_an_integer": N_("Not a whole number."),
    "not_a_number": N_("Not a number."),
    "too_many_places": N_("At most %(places)s decimal places."),
    "too_large": N_("Too large: at most %(digits)s digits before the decimal separator."),
    "below_minimum": N_("Must be at least %(min)s."),
    "above_maximum": N_("Must be at most %(max)s."),
    "not_a_boolean": N_("Write yes or no (sì/no, true/false, 1/0)."),
    "not_in_choices": N_("Not one of: %(choices)s."),
    "bad_vat": N_("Not a valid VAT number (check digit)."),
    "bad_fiscal_code": N_("Not a valid fiscal code (check character)."),
    "bad_iban": N_("Not a valid IBAN (check digits)."),
    "bad_supply_point": N_("Not a POD (IT001E12345678) or a PDR (14 digits)."),
    "bad_email": N_("Not an e-mail address."),
    "duplicate": N_("Same key as row %(row)s."),
    "out_of_order": N_("Before %(other)s."),
    "required_with": N_("Required together with %(others)s."),
    "required_when": N_("Required when %(other)s is %(value)s."),
    "unknown_partner": N_("Unknown partner code."),
    "unknown_product": N_("Unknown product code."),
    "unknown_offer": N_("Unknown offer code."),
    "unknown_option": N_("Unknown option code %(option)s."),
    "unknown_contract": N_("Unknown contract."),
    "offer_of_other_product": N_("This offer belongs to product %(product)s."),
    "customer_differs": N_("Customer details differ from row %(row)s."),
    "supply_point_mismatch": N_("Supplies of %(commodity)s need a %(expected)s code."),
    "supply_point_required": N_("Supplies of %(commodity)s need a supply point code."),
    "status_goes_back": N_("Status goes back from %(old)s to %(new)s."),
    "event_out_of_order": N_("The contract is %(current)s: it cannot become %(status)s."),
    "event_after_end": N_("The contract is %(current)s: no further status changes."),
    "event_before": N_("Before the %(field)s of the contract (%(day)s)."),
    "own_parent": N_("A partner cannot be its own parent."),
    "parent_cycle": N_("The parent is below this partner on %(day)s: the change would make a cycle."),
    "later_parent": N_("A later change of parent exists from %(day)s: change that one instead."),
    "later_fiscal_profile": N_("A later fiscal profile exists from %(day)s."),
    "not_a_service_partner": N_("Partner is a %(kind)s, not an installer or technician."),
    "consumption_outlier": N_("Volume %(volume)s is more than %(factor)s times the estimate for the period "
                              "(%(expected)s)."),
    "amount_far_from_volume": N_("%(price)s euro per unit billed: expected between %(low)s and %(high)s."),
}


def message_text(code: str, params: dict | None) -> str:
    """Return the message of ``code`` with ``params``, translated when a request is being served."""
    msgid = MESSAGES.get(code, code)
    params = params or {}
    if has_request_context():
        from flask_babel import gettext

        return gettext(msgid, **params)
    return msgid % params if params else msgid


@dataclass(frozen=True)
class Problem:
    """One problem: the file, the spreadsheet row (1 is the header), the column, the value and a message."""

    file: str
    row: int
    column: str
    value: str | None
    code: str
    params: dict | None = None
    severity: str = ERROR

    def __hash__(self) -> int:
        return hash((self.file, self.row, self.column, self.value, self.code, self.severity))

    @property
    def message(self) -> str:
        """Return the message, translated for the current user."""
        return message_text(self.code, self.params)

    @property
    def blocking(self) -> bool:
        """Return True when this problem stops the import."""
        return self.severity == ERROR


class ProblemLog:
    """The problems found in one file, in frames."""

    def __init__(self) -> None:
        self._frames: list[pl.DataFrame] = []

    def add(self, row: int, column: str, value, code: str, params: dict | None = None,
            severity: str = ERROR) -> None:
        """Record one problem."""
        self._frames.append(pl.DataFrame(
            [{"row": row, "column": column, "value": None if value is None else str(value), "code": code,
              "params": json.dumps(params) if params else None, "severity": severity}],
            schema=SCHEMA))

    def add_rows(self, rows: pl.DataFrame, column: str, code: str, params: dict | pl.Expr | None = None,
                 severity: str = ERROR) -> None:
        """Record one problem per row of ``rows`` (columns ``_row`` and ``value``)."""
        if rows.height == 0:
            return
        if isinstance(params, pl.Expr):
            params_expr = params
        else:
            params_expr = pl.lit(json.dumps(params) if params else None, dtype=pl.String)
        self._frames.append(rows.select(
            pl.col("_row").cast(pl.Int64).alias("row"),
            pl.lit(column).alias("column"),
            pl.col("value").cast(pl.String),
            pl.lit(code).alias("code"),
            params_expr.alias("params"),
            pl.lit(severity).alias("severity"),
        ))

    def rows_with(self, column: str) -> pl.Series:
        """Return the rows that already have a problem on ``column`` (not to report a cell twice)."""
        frame = self.frame()
        return frame.filter(pl.col("column") == column).get_column("row").unique()

    def error_rows(self) -> pl.Series:
        """Return the rows that have at least one error (warnings are not worked out for them)."""
        frame = self.frame()
        return frame.filter(pl.col("severity") == ERROR).get_column("row").unique()

    def extend(self, other: "ProblemLog") -> None:
        """Add the problems of ``other``."""
        self._frames.extend(other._frames)

    def frame(self) -> pl.DataFrame:
        """Return every problem, ordered by row (problems of one row keep the order they were found in)."""
        if not self._frames:
            return pl.DataFrame(schema=SCHEMA)
        return pl.concat(self._frames, how="vertical").sort("row", maintain_order=True)

    def count(self, severity: str = ERROR) -> int:
        """Return how many problems of ``severity`` there are."""
        return sum(frame.filter(pl.col("severity") == severity).height for frame in self._frames)

    @property
    def has_errors(self) -> bool:
        """Return True when at least one problem blocks the import."""
        return self.count(ERROR) > 0

    def problems(self, file: str, limit: int | None = None) -> list[Problem]:
        """Return the problems as :class:`Problem` values, at most ``limit``."""
        return list(iter_problems(file, self.frame().head(limit) if limit else self.frame()))


def iter_problems(file: str, frame: pl.DataFrame) -> Iterator[Problem]:
    """Yield a :class:`Problem` per row of a problem frame."""
    for row in frame.iter_rows(named=True):
        yield Problem(file=file, row=row["row"], column=row["column"], value=row["value"], code=row["code"],
                      params=json.loads(row["params"]) if row["params"] else None, severity=row["severity"])
