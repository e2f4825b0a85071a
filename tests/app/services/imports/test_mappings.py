"""Column mappings: a file with the user's own headers reads through a mapping, which is saved and proposed."""

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import BillingLine
from app.services.imports import layouts
from app.services.imports import mappings
from app.services.imports import runner

THEIR_HEADER = ["Codice riga", "Contratto", "Dal", "Al", "kWh", "Importo €", "Quota fissa", "Pagata", "Pagata il"]
COLUMNS = dict(zip(layouts.BILLING_LINES.names, THEIR_HEADER, strict=True))
ROW = ["R-1", "C-A1", "01/03/2026", "31/03/2026", "228,4", "59,80", "12,00", "sì", "20/04/2026"]


def test_a_file_with_its_own_headers_reads_through_a_mapping(files):
    path = files.csv("export.csv", THEIR_HEADER, [ROW])
    without = files.load("billing_lines", path)
    assert without.status == "rejected" and without.error_count == 8  # every required column but paid_on missing
    batch = files.load("billing_lines", path, COLUMNS)
    assert (batch.status, batch.rows_new) == ("imported", 1)
    line = db.session.scalar(select(BillingLine).where(BillingLine.external_id == "R-1"))
    assert (line.volume, line.amount_billed, line.paid) == (Decimal("228.400"), Decimal("59.80"), True)


def test_headers_match_ignoring_case_spaces_and_underscores():
    found = mappings.resolve(layouts.BILLING_LINES, ["Billing Line ID", "CONTRACT_ID", "period-start"], {})
    assert (found["billing_line_id"], found["contract_id"], found["period_start"]) == (
        "Billing Line ID", "CONTRACT_ID", "period-start")
    assert found["volume"] is None


def test_a_saved_mapping_is_proposed_and_reused(files, network):
    layout = layouts.BILLING_LINES
    assert mappings.propose(db.session, layout) == ("standard", mappings.default_columns(layout))
    batch = runner.submit(db.session, None, "billing_lines", "export.csv",
                          files.csv("export.csv", THEIR_HEADER, [ROW]).read_bytes(), COLUMNS, "Gestionale SAP")
    db.session.commit()
    name, proposed = mappings.propose(db.session, layout)
    assert (name, proposed) == ("Gestionale SAP", COLUMNS)
    assert batch.mapping == COLUMNS
    runner.validate(db.session, batch)
    assert batch.status == "validated"
    # The next upload proposes the same mapping; reading a new file with it works as well.
    again = files.load("billing_lines", files.csv("export-2.csv", THEIR_HEADER, [ROW]), proposed)
    assert (again.status, again.rows_new) == ("imported", 1)
    mappings.remember(db.session, None, layout, "standard", mappings.default_columns(layout))
    db.session.commit()
    assert [m.name for m in mappings.saved(db.session, "billing_lines")] == ["standard", "Gestionale SAP"]
    chosen = mappings.saved(db.session, "billing_lines")[1]
    assert mappings.propose(db.session, layout, chosen.id) == ("Gestionale SAP", COLUMNS)


def test_xlsx_and_csv_give_the_same_result(files):
    xlsx_rows = [["R-1", "C-A1", "2026-03-01", "2026-03-31", 228.4, 59.8, 12, True, "2026-04-20"]]
    from_xlsx = files.load("billing_lines", files.xlsx("export.xlsx", THEIR_HEADER, xlsx_rows), COLUMNS)
    from_csv = files.load("billing_lines", files.csv("export.csv", THEIR_HEADER, [ROW]), COLUMNS)
    assert (from_xlsx.rows_new, from_csv.rows_new, from_csv.rows_unchanged) == (1, 0, 1)
