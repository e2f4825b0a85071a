"""A billing-lines file with twenty kinds of bad rows: exactly those problems are reported, nothing is imported."""

from flask_babel import force_locale

from app.models import BillingLine
from app.models import ImportBatch
from app.services.imports import layouts
from app.services.imports import reports
from tests.app.services.imports.conftest import count

HEADER = layouts.BILLING_LINES.names
GOOD = ["BL-1", "C-A1", "2026-03-01", "2026-03-31", "228.400", "59.80", "12.00", "yes", "2026-04-20"]


def _row(line_id: str, **changes) -> list[str]:
    row = dict(zip(HEADER, GOOD, strict=True)) | {"billing_line_id": line_id} | changes
    return [row[name] for name in HEADER]


# (row values, expected problem: column, value, message); the file's rows start at 2, after the header.
CASES = [
    (_row(""), ("billing_line_id", None, "A value is required.")),
    (_row("BL-3", contract_id=""), ("contract_id", None, "A value is required.")),
    (_row("BL-4", contract_id="C-NOPE"), ("contract_id", "C-NOPE", "Unknown contract.")),
    (_row("BL-5", period_start="2026-02-30"), ("period_start", "2026-02-30",
                                               "Not a date: write YYYY-MM-DD or DD/MM/YYYY.")),
    (_row("BL-6", period_end="31.03.2026"), ("period_end", "31.03.2026", "Not a date: write YYYY-MM-DD or DD/MM/YYYY.")),
    (_row("BL-7", period_start="2026-03-10", period_end="2026-03-01"), ("period_end", "2026-03-01",
                                                                       "Before period_start.")),
    (_row("BL-8", volume="abc"), ("volume", "abc", "Not a number.")),
    (_row("BL-9", volume="12.3456"), ("volume", "12.3456", "At most 3 decimal places.")),
    (_row("BL-10", volume="-5"), ("volume", "-5", "Must be at least 0.")),
    (_row("BL-11", amount_billed="59.805"), ("amount_billed", "59.805", "At most 2 decimal places.")),
    (_row("BL-12", amount_billed="1e5"), ("amount_billed", "1e5", "Not a number.")),
    (_row("BL-13", amount_billed="12345678901234"), ("amount_billed", "12345678901234",
                                                     "Too large: at most 12 digits before the decimal separator.")),
    (_row("BL-14", fixed_fee_billed=""), ("fixed_fee_billed", None, "A value is required.")),
    (_row("BL-15", paid="forse"), ("paid", "forse", "Write yes or no (sì/no, true/false, 1/0).")),
    (_row("BL-16", paid_on=""), ("paid_on", None, "Required when paid is yes.")),
    (_row("BL-17", paid_on="2026-02-15"), ("paid_on", "2026-02-15", "Before period_start.")),
    (_row("BL-1"), ("billing_line_id", "BL-1", "Same key as row 2.")),
    (_row("BL-19", paid_on="2026-13-01"), ("paid_on", "2026-13-01", "Not a date: write YYYY-MM-DD or DD/MM/YYYY.")),
    (_row("BL-20", fixed_fee_billed="12,5,0"), ("fixed_fee_billed", "12,5,0", "Not a number.")),
    (_row("BL-21", contract_id="C" * 65), ("contract_id", "C" * 65, "Longer than 64 characters.")),
]


def test_twenty_kinds_of_bad_rows_yield_exactly_their_problems(files):
    good = [_row("BL-1"), _row("BL-OUTLIER", volume="9000", amount_billed="2340.00")]
    path = files.csv("billing.csv", HEADER, [good[0]] + [values for values, _problem in CASES] + [good[1]])
    lines_before = count(BillingLine)

    batch = files.load("billing_lines", path)

    assert batch.status == "rejected"
    assert count(BillingLine) == lines_before
    assert count(BillingLine, BillingLine.import_batch_id == batch.id) == 0
    with force_locale("en"):
        found = [(p.file, p.row, p.column, p.value, p.message, p.severity) for p in reports.problems(files_db(), batch)]
    expected = [("billing.csv", index + 3, column, value, message, "error")
                for index, (_values, (column, value, message)) in enumerate(CASES)]
    outlier_row = len(CASES) + 3
    expected.append(("billing.csv", outlier_row, "volume", "9000.000",
                     "Volume 9000.000 is more than 3 times the estimate for the period (229.315).", "warning"))
    assert sorted(found, key=lambda p: (p[1], p[2])) == sorted(expected, key=lambda p: (p[1], p[2]))
    assert (batch.error_count, batch.warning_count) == (20, 1)


def test_the_problems_download_as_csv(files):
    path = files.csv("billing.csv", HEADER, [_row("BL-1", volume="abc")])
    batch = files.load("billing_lines", path)
    with force_locale("en"):
        text = reports.problems_csv(files_db(), batch)
    assert text.splitlines() == ["\ufefffile;row;column;value;message;severity",
                                 "billing.csv;2;volume;abc;Not a number.;error"]


def test_an_unknown_price_level_is_only_a_warning(files):
    path = files.csv("billing.csv", HEADER, [_row("BL-1", amount_billed="800.00")])
    batch = files.load("billing_lines", path)
    assert (batch.status, batch.error_count, batch.warning_count, batch.rows_new) == ("imported", 0, 1, 1)
    with force_locale("en"):
        [problem] = reports.problems(files_db(), batch)
    assert (problem.column, problem.value, problem.message) == (
        "amount_billed", "800.00", "3.50 euro per unit billed: expected between 0.05 and 1.00.")


def test_a_missing_required_column_is_reported_once(files):
    header = [name for name in HEADER if name != "volume"]
    path = files.csv("billing.csv", header, [[value for name, value in zip(HEADER, GOOD, strict=True)
                                              if name != "volume"]])
    batch = files.load("billing_lines", path)
    with force_locale("en"):
        problems = [(p.row, p.column, p.message) for p in reports.problems(files_db(), batch)]
    assert problems == [(1, "volume", "Column volume is not in the file.")]
    assert batch.status == "rejected"


def test_an_empty_file_and_an_unreadable_file_are_rejected(files):
    empty = files.load("billing_lines", files.csv("empty.csv", HEADER, []))
    broken = files.folder / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    unreadable = files.load("billing_lines", broken)
    with force_locale("en"):
        assert [p.message for p in reports.problems(files_db(), empty)] == ["The file has no data rows."]
        [problem] = reports.problems(files_db(), unreadable)
    assert problem.message.startswith("The file cannot be read: not a readable XLSX workbook")
    assert (empty.status, unreadable.status) == ("rejected", "rejected")


def files_db():
    from app.extensions import db

    return db.session


def test_batches_keep_their_file_lineage(files):
    path = files.csv("billing.csv", HEADER, [_row("BL-1")])
    batch = files.load("billing_lines", path)
    stored = files_db().get(ImportBatch, batch.id)
    assert stored.file_name == "billing.csv" and len(stored.sha256) == 64 and stored.user.username == "backoffice"
    assert (stored.row_count, stored.rows_new, stored.finished_at is not None) == (1, 1, True)
