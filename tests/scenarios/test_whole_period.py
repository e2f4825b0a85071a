"""A whole period through the pages, as the people who do it: the back-office imports February's bills, starts
the cycle and validates the calculation; the partners review their statements (one accepts, one disputes a line
and gets an adjustment, the others let the dispute window expire through the fired timer); finance approval is
refused to the user who validated the calculation and given by another finance user; the pro-forma invoices are
issued (their PDF text checked against the expected amounts) and the accounting export is written."""

import hashlib
import io
import subprocess
from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import AccountingMapping
from app.models import AuditEntry
from app.models import BillingLine
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import ImportBatch
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Partner
from app.models import PeriodStatus
from app.models import Role
from app.models import Statement
from app.models.invoice import BatchStatus
from app.models.statement import DisputedLine
from app.services import accounts
from tests.app.inbox.conftest import MONTH
from tests.app.inbox.conftest import PERIOD
from tests.app.inbox.conftest import run_jobs
from tests.app.trail.batches import seed_mappings
from tests.factories import PASSWORD_HASH

pytestmark = pytest.mark.slow

HEADER = "billing_line_id;contract_id;period_start;period_end;volume;amount_billed;fixed_fee_billed;paid;paid_on\n"
FEBRUARY_BILLS = HEADER + "".join(f"BL-{code}-2026-02;{code};2026-02-01;2026-02-28;231,500;61,35;12,00;sì;2026-03-20\n"
                                  for code in ("C-A1", "C-A1A", "C-B1"))


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _doppio(planned) -> None:
    """A back-office clerk who also holds the finance role: segregation of duties must stop them."""
    user = accounts.create_user(db.session, None, username="doppio", full_name="Doppio Ruolo", password=None,
                                roles=[Role.BACKOFFICE, Role.FINANCE])
    user.password_hash = PASSWORD_HASH
    for partner in db.session.scalars(select(Partner)):
        partner.email = f"{partner.code.lower()}@example.it"
    db.session.commit()


def _import_bills(backoffice) -> int:
    """Upload February's bills through the import pages and import them; return the import batch id."""
    db.session.execute(delete(BillingLine))  # the test network's bills arrive through the import instead
    db.session.commit()
    data = {"file": (io.BytesIO(FEBRUARY_BILLS.encode()), "fatture-2026-02.csv")}
    response = backoffice.post("/imports/billing_lines/upload", data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert backoffice.post(f"/imports/batches/{batch_id}/import").status_code == 303
    from app.services.imports import progress

    progress.wait(batch_id, 60)
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).status == "imported"
    return batch_id


def test_a_whole_period_through_the_pages(planned, actor, traveller, smtp_server):
    _doppio(planned)
    # the demo's accounting mappings, B1's vendor number excepted; no company code yet (as after an upgrade)
    seed_mappings(db.session, company_code=None)
    db.session.execute(delete(AccountingMapping).where(AccountingMapping.kind == "vendor",
                                                       AccountingMapping.key == "B1"))
    db.session.commit()
    doppio, finance = actor("doppio"), actor("finance")
    import_id = _import_bills(doppio)

    # the cycle: load data, the check passes, the calculation runs, the clerk validates it
    assert doppio.post("/inbox/start", {"month": PERIOD}).status_code == 303
    cycle = workflows.find_instance(db.session, "commission_cycle", PERIOD)
    assert doppio.complete("load_data", {"note": "fatture di febbraio importate"}).status_code == 303
    assert [j.status for j in run_jobs()] == ["done"]
    assert doppio.complete("validate_calculation", {"validation": "approve"}).status_code == 303
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == MONTH))
    assert period.status == PeriodStatus.VALIDATED and period.validated_by == doppio.user_id
    statements = {s.partner_id: s for s in db.session.scalars(select(Statement).where(Statement.period_id == period.id))}
    assert len(statements) == 5

    # reviews: A1A accepts; A1 disputes its activation line with a signed mandate attached
    subagente, agente, backoffice = actor("subagente"), actor("agente"), actor("backoffice")
    review = subagente.task("review_statement")
    assert subagente.post(f"/inbox/tasks/{review.id}", {"decision": "accept"}).status_code == 303
    a1_statement = statements[planned.partners["A1"]]
    activation = db.session.scalar(select(CommissionLine).where(
        CommissionLine.run_id == a1_statement.run_id, CommissionLine.partner_id == a1_statement.partner_id,
        CommissionLine.component_id == "activation"))
    review = agente.task("review_statement")
    disputed = agente.post(f"/inbox/tasks/{review.id}", {
        "decision": "dispute", "lines": [activation.id], "reason": "L'attivazione di C-A1 vale 75 euro",
        f"claimed-{activation.id}": "75,00", "attachment": (io.BytesIO(b"%PDF-1.4 mandato"), "mandato.pdf")},
        content_type="multipart/form-data")
    assert disputed.status_code == 303

    # the back-office accepts it with a 25.00 adjustment; the partner reads the outcome
    resolve = backoffice.task("resolve_disputes")
    [line] = db.session.scalars(select(DisputedLine)).all()
    answered = backoffice.post(f"/inbox/tasks/{resolve.id}", {f"outcome-{line.id}": "accept",
                                                              f"adjustment-{line.id}": "25,00"})
    assert answered.status_code == 303
    outcome = agente.task("see_outcome")
    assert "77,45" in agente.get(f"/inbox/tasks/{outcome.id}").get_data(as_text=True)
    assert agente.post(f"/inbox/tasks/{outcome.id}").status_code == 303

    # nobody answers the other three: the dispute window closes them through the fired timer
    traveller.shift(timedelta(days=10, minutes=1))
    fired = workflows.fire_due_timers(db.session)
    assert len(fired) == 3
    assert [j.status for j in run_jobs()] in ([], ["done"])

    # the batch is built: the clerk who validated cannot approve it, another finance user can
    db.session.expire_all()
    batch = db.session.scalar(select(InvoiceBatch).where(InvoiceBatch.period_id == period.id))
    assert batch is not None and batch.status == BatchStatus.DRAFT
    batch_id = batch.id
    approve = doppio.task("finance_approval")
    page = doppio.get(f"/inbox/tasks/{approve.id}").get_data(as_text=True)
    assert 'id="sod-warning"' in page
    refused = doppio.post(f"/inbox/tasks/{approve.id}", {"approval": "approve"})
    assert refused.status_code == 422
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "batch.decision_refused")).actor == "doppio"
    db.session.expire_all()
    assert db.session.get(InvoiceBatch, batch_id).status == BatchStatus.DRAFT

    # another finance user rejects it once with a reason; the back-office reworks it and a new batch is built
    assert finance.post(f"/inbox/tasks/{approve.id}", {"approval": "reject"}).status_code == 422  # no reason
    rejected = finance.post(f"/inbox/tasks/{approve.id}", {"approval": "reject", "reason": "Manca la nota di A1"})
    assert rejected.status_code == 303
    rework = backoffice.task("rework_batch")
    assert "Manca la nota di A1" in backoffice.get(f"/inbox/tasks/{rework.id}").get_data(as_text=True)
    assert backoffice.complete("rework_batch", {"note": "nota aggiunta"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(InvoiceBatch, batch_id).status == BatchStatus.REJECTED
    batch = db.session.scalars(select(InvoiceBatch).order_by(InvoiceBatch.id.desc())).first()
    assert batch.id != batch_id and batch.built_by == backoffice.user_id
    batch_id = batch.id

    approve = finance.task("finance_approval")
    page = finance.get(f"/batches/{batch_id}").get_data(as_text=True)
    assert 'data-testid="batch-taxable"' in page and "75,93" in page
    assert finance.post(f"/inbox/tasks/{approve.id}", {"approval": "approve"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(CommissionPeriod, period.id).status == PeriodStatus.APPROVED

    # issuing renders and stores every PDF in the background; the export stops: B1 has no vendor number yet, and
    # no SAP company code is set
    assert [j.status for j in run_jobs()] == ["done"]
    cycle = workflows.get_instance(db.session, cycle.id)
    assert cycle.status == "error" and "partner B1" in cycle.error_message and "vendor number" in cycle.error_message
    assert f"no company code (SAP BUKRS) is in force on the posting date {date.today()}" in cycle.error_message
    db.session.expire_all()
    assert db.session.get(InvoiceBatch, batch_id).status == BatchStatus.ISSUED

    # finance adds the vendor number in the settings, and the company code from the day the accounting page
    # proposes (today); the admin retries the failed step
    added = finance.post("/settings/accounting", {"kind": "vendor", "key": "B1", "value": "400777",
                                                   "description": "Paolo Neri"})
    assert added.status_code == 303
    accounting = finance.get("/settings/accounting").get_data(as_text=True)
    assert 'data-testid="gap-company_code"' in accounting and f'value="{date.today()}"' in accounting
    code = finance.post("/settings/company_code", {"company_code-csrf_token": finance.token,
                                                    "company_code-valid_from": date.today().isoformat(),
                                                    "company_code-value": "IT01"})
    assert code.status_code == 303
    assert 'data-testid="mapping-gaps"' not in finance.get("/settings/accounting").get_data(as_text=True)
    assert actor("admin").post(f"/processes/{cycle.id}/retry").status_code == 303
    db.session.expire_all()
    batch = db.session.get(InvoiceBatch, batch_id)
    cycle = workflows.get_instance(db.session, cycle.id)
    assert cycle.error_message is None
    assert batch.status == BatchStatus.EXPORTED and workflows.get_instance(db.session, cycle.id).status == "completed"
    invoices = {i.partner_id: i for i in db.session.scalars(select(Invoice).where(Invoice.batch_id == batch.id))}
    assert sorted(i.number for i in invoices.values()) == list(range(1, len(invoices) + 1))

    a1 = invoices[planned.partners["A1"]]
    assert (a1.taxable, a1.vat, a1.withholding, a1.enasarco_agent, a1.net_payable) == (
        Decimal("75.93"), Decimal("16.70"), Decimal("8.73"), Decimal("6.45"), Decimal("77.45"))
    text = _pdf_text(agente.get(f"/invoices/{a1.id}.pdf").data)
    for figure in ("75,93", "16,70", "8,73", "6,45", "92,63", "77,45", "25,00"):
        assert figure in text, figure
    assert agente.get(f"/invoices/{invoices[planned.partners['B1']].id}.pdf").status_code in (403, 404)
    [sent] = [m for m in smtp_server.messages if m["X-Envelope-To"] == "a1@example.it"]
    [attached] = list(sent.iter_attachments())
    assert attached.get_content() == db.session.get(Invoice, a1.id).pdf

    export = finance.get(f"/exports/batches/{batch.id}.csv")
    assert export.status_code == 200
    rows = [line.split(";") for line in export.get_data(as_text=True).splitlines()[1:]]
    assert {r[0] for r in rows} == {"IT01"}  # the company code leads every posting row
    a1_rows = [(r[9], r[14], r[15]) for r in rows if r[3] == "A1"]
    assert a1_rows == [("VENDOR", "77.45", "C"), ("GROSS", "50.00", "D"), ("GROSS", "0.93", "D"),
                       ("GROSS", "25.00", "D"), ("VAT", "16.70", "D"), ("WITHHOLDING", "8.73", "C"),
                       ("ENASARCO", "6.45", "C")]
    assert sum(Decimal(a) for _, a, side in a1_rows if side == "D") == sum(
        Decimal(a) for _, a, side in a1_rows if side == "C")
    assert {r[2] for r in rows if r[3] == "B1"} == {"400777"}
    checksum = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "batch.exported"))
    assert checksum.after["sha256"] == hashlib.sha256(export.data).hexdigest() == batch.export_sha256

    # the batch page links the export and each invoice; an auditor walks from A1's invoice to the import file
    page = finance.get(f"/batches/{batch_id}").get_data(as_text=True)
    assert f"/exports/batches/{batch_id}.csv" in page and f"/invoices/{a1.id}.pdf" in page
    auditor = actor("auditor")
    trail = auditor.get(f"/trail/invoices/{a1.id}").get_data(as_text=True)
    assert a1.number_text in trail
    approvals = auditor.get(f"/trail/invoices/{a1.id}/batch").get_data(as_text=True)
    assert "batch.approved" in approvals and "Finance" in approvals and batch.export_sha256 in approvals
    validation = auditor.get(f"/trail/invoices/{a1.id}/period").get_data(as_text=True)
    assert "Doppio Ruolo" in validation or "doppio" in validation
    lines = auditor.get(f"/trail/invoices/{a1.id}/lines").get_data(as_text=True)
    assert "fatture-2026-02.csv" in lines
    assert db.session.get(ImportBatch, import_id).file_name == "fatture-2026-02.csv"
