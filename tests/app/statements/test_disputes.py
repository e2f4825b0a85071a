"""A dispute from end to end through the pages, as the real users: the partner disputes two lines of its statement
with an attachment, the back-office accepts one with an adjustment and rejects the other, the statement is revised
to the cent, and the partner reads the outcome with the figures before and after."""

import io
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import delete
from sqlalchemy import select

import workflows
from app.extensions import db
from app.models import Adjustment
from app.models import AuditEntry
from app.models import CommissionLine
from app.models import CompanySetting
from app.models import Dispute
from app.models import Notification
from app.models import Statement
from app.models import StatementStatus
from app.models import User
from app.models.statement import DisputeStatus
from app.models.statement import LineOutcome
from tests.app.inbox.conftest import PERIOD
from tests.app.inbox.conftest import actor  # noqa: F401 - fixture
from tests.app.inbox.conftest import cycle_to_reviews
from tests.app.inbox.conftest import planned  # noqa: F401 - fixture
from tests.app.inbox.conftest import traveller  # noqa: F401 - fixture

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _set_emails() -> None:
    for user in db.session.scalars(select(User)):
        user.email = f"{user.username}@example.test"
    db.session.commit()


def _statement(partner_id: int) -> Statement:
    db.session.expire_all()
    return db.session.scalar(select(Statement).where(Statement.partner_id == partner_id))


def _lines(statement: Statement) -> dict[str, SimpleNamespace]:
    """Return the statement's lines by component: their id and key (plain values outlive the request)."""
    lines = db.session.scalars(select(CommissionLine).where(CommissionLine.run_id == statement.run_id,
                                                            CommissionLine.partner_id == statement.partner_id))
    return {line.component_id: SimpleNamespace(id=line.id, line_key=line.line_key) for line in lines}


def _mail_to(smtp_server, address: str) -> list:
    return [m for m in smtp_server.messages if address in m["X-Envelope-To"].split(", ")]


@pytest.fixture
def disputed(planned, actor, traveller, smtp_server):  # noqa: F811
    """February published; A1's partner user has disputed its two lines with an attachment."""
    _set_emails()
    cycle_to_reviews(actor("backoffice").user)
    agente = actor("agente")
    statement = _statement(planned.partners["A1"])
    statement_id, lines = statement.id, _lines(statement)
    review = agente.task("review_statement")
    response = agente.post(f"/inbox/tasks/{review.id}", {
        "decision": "dispute", "lines": [lines["activation"].id, lines["consumption"].id],
        "reason": "The activation of C-A1 is paid 75 euro under my mandate",
        f"claimed-{lines['activation'].id}": "75,00",
        "attachment": (io.BytesIO(PDF), "mandato firmato.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return planned, statement_id, lines, review


def test_statement_page_links_each_line_to_the_dispute_form(planned, actor, traveller):  # noqa: F811
    cycle_to_reviews(actor("backoffice").user)
    agente = actor("agente")
    statement = _statement(planned.partners["A1"])
    activation = _lines(statement)["activation"]
    review = agente.task("review_statement")
    page = agente.get(f"/statements/{PERIOD}/partners/{planned.partners['A1']}").get_data(as_text=True)
    link = f"/inbox/tasks/{review.id}?line={activation.id}"
    assert link in page
    form = agente.get(link).get_data(as_text=True)
    assert f'value="{activation.id}" id="lines-{activation.id}" aria-label' in form
    assert f'{activation.line_key}" checked>' in form
    assert 'data-testid="dispute-window"' in form and "15/03/2026 09:00" in form
    # the staff and the upline agency see the statement without the partner's review links
    assert link not in actor("backoffice").get(f"/statements/{PERIOD}/partners/{planned.partners['A1']}") \
        .get_data(as_text=True)


def test_a_dispute_needs_lines_a_reason_and_a_sound_attachment(planned, actor, traveller):  # noqa: F811
    cycle_to_reviews(actor("backoffice").user)
    agente = actor("agente")
    lines = _lines(_statement(planned.partners["A1"]))
    review = agente.task("review_statement")
    url = f"/inbox/tasks/{review.id}"
    assert agente.post(url, {"decision": "dispute", "reason": "wrong"}).status_code == 422  # no line ticked
    assert agente.post(url, {"decision": "dispute", "lines": [lines["activation"].id]}).status_code == 422
    bad_amount = agente.post(url, {"decision": "dispute", "lines": [lines["activation"].id], "reason": "wrong",
                                   f"claimed-{lines['activation'].id}": "settantacinque"})
    assert bad_amount.status_code == 422 and "settantacinque" in bad_amount.get_data(as_text=True)
    fake = agente.post(url, {"decision": "dispute", "lines": [lines["activation"].id], "reason": "wrong",
                             "attachment": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "contract.pdf")},
                       content_type="multipart/form-data")
    assert fake.status_code == 422 and "contract.pdf" in fake.get_data(as_text=True)
    huge = agente.post(url, {"decision": "dispute", "lines": [lines["activation"].id], "reason": "wrong",
                             "attachment": (io.BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024)), "big.pdf")},
                       content_type="multipart/form-data")
    assert huge.status_code == 422
    assert db.session.scalar(select(Dispute.id)) is None
    assert agente.task("review_statement").id == review.id  # still waiting


def test_dispute_resolution_revises_the_statement_to_the_cent(disputed, actor, smtp_server):  # noqa: F811
    net, statement_id, lines, review = disputed
    agente, backoffice, auditor = actor("agente"), actor("backoffice"), actor("auditor")
    dispute = db.session.scalar(select(Dispute))
    assert dispute.status == DisputeStatus.OPEN and dispute.attachment == PDF
    assert dispute.attachment_name == "mandato_firmato.pdf"
    by_key = {d.line_key: d for d in dispute.lines}
    first, second = by_key[lines["activation"].line_key], by_key[lines["consumption"].line_key]
    assert (first.amount, first.claimed_amount) == (Decimal("50.00"), Decimal("75.00"))
    assert (second.amount, second.claimed_amount) == (Decimal("0.93"), None)
    first, second = (SimpleNamespace(id=d.id, line_key=d.line_key) for d in (first, second))
    dispute = SimpleNamespace(id=dispute.id)
    assert _statement(net.partners["A1"]).status == StatementStatus.DISPUTED
    resolve = backoffice.task("resolve_disputes")
    assert workflows.task_data(db.session, resolve.id)["dispute_id"] == dispute.id
    assert "reason" not in workflows.task_data(db.session, resolve.id)  # the dispute lives in its tables

    # the back-office is told, in the app and by e-mail
    assert [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == backoffice.user_id))] == ["dispute_raised"]
    assert len(_mail_to(smtp_server, "backoffice@example.test")) == 1

    # the attachment: the partner, the back-office and the auditor download it; another partner and finance cannot
    url = f"/statements/disputes/{dispute.id}/attachment"
    for who in (agente, backoffice, auditor):
        response = who.get(url)
        assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    assert actor("altro").get(url).status_code == 403
    assert actor("finance").get(url).status_code == 403

    page = backoffice.get(f"/inbox/tasks/{resolve.id}").get_data(as_text=True)
    assert "The activation of C-A1 is paid 75 euro" in page and url in page
    assert f'name="outcome-{first.id}"' in page and "line-explanation-" in page

    # every line needs an answer, a rejection needs a reason; nothing is written until it is all right
    task_url = f"/inbox/tasks/{resolve.id}"
    answer = {f"outcome-{first.id}": "accept", f"adjustment-{first.id}": "25,00"}
    assert backoffice.post(task_url, answer).status_code == 422
    assert backoffice.post(task_url, answer | {f"outcome-{second.id}": "reject"}).status_code == 422
    assert db.session.scalar(select(Adjustment.id)) is None
    done = backoffice.post(task_url, answer | {f"outcome-{second.id}": "reject",
                                                f"note-{second.id}": "Consumption paid at the plan rate"})
    assert done.status_code == 303

    statement = _statement(net.partners["A1"])
    assert statement.adjustments == Decimal("25.00")
    assert (statement.taxable, statement.vat, statement.withholding) == (
        Decimal("75.93"), Decimal("16.70"), Decimal("8.73"))
    assert statement.enasarco_agent == Decimal("6.45")
    assert (statement.document_total, statement.net_payable) == (Decimal("92.63"), Decimal("77.45"))
    assert statement.status == StatementStatus.CLOSED
    [adjustment] = db.session.scalars(select(Adjustment))
    assert (adjustment.disputed_line_id, adjustment.original_line_key, adjustment.component_id) == (
        first.id, lines["activation"].line_key, "activation")
    assert (adjustment.partner_id, adjustment.created_by, adjustment.amount) == (
        net.partners["A1"], backoffice.user_id, Decimal("25.00"))
    revised = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "statement.revised"))
    assert (revised.before["net_payable"], revised.after["net_payable"]) == ("51.94", "77.45")
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).status == DisputeStatus.RESOLVED
    assert {d.line_key: d.outcome for d in db.session.get(Dispute, dispute.id).lines} == {
        first.line_key: LineOutcome.ACCEPTED, second.line_key: LineOutcome.REJECTED}

    # the partner is told, and reads the outcome with the figures before and after
    mails = _mail_to(smtp_server, "agente@example.test")
    assert [m["Subject"] for m in mails] == ["Il tuo estratto conto di 2026-02 è pubblicato",
                                              "Risposta alla contestazione sul tuo estratto conto di 2026-02"]
    assert f"/statements/{PERIOD}/partners/{net.partners['A1']}" in mails[1].get_content()
    outcome = agente.task("see_outcome")
    page = agente.get(f"/inbox/tasks/{outcome.id}").get_data(as_text=True)
    assert "Consumption paid at the plan rate" in page
    assert 'data-outcome="accepted"' in page and 'data-outcome="rejected"' in page
    assert "25,00 €" in page
    assert '<td class="num was"><strong>' not in page
    assert "51,94 €" in page and "<strong>77,45 €</strong>" in page
    assert agente.post(f"/inbox/tasks/{outcome.id}").status_code == 303
    assert workflows.get_instance(db.session, review.instance_id).status == "completed"

    statement_page = agente.get(f"/statements/{PERIOD}/partners/{net.partners['A1']}").get_data(as_text=True)
    assert 'id="statement-revised"' in statement_page and "77,45 €" in statement_page


def test_statement_pdf_has_the_page_figures(disputed, actor):  # noqa: F811
    net, statement_id, lines, review = disputed
    agente = actor("agente")
    response = agente.get(f"/statements/{PERIOD}/partners/{net.partners['A1']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    for figure in ("50,00 €", "0,93 €", "50,93 €", "11,20 €", "5,86 €", "4,33 €", "62,13 €", "51,94 €"):
        assert figure in text, figure
    assert "Mario Rossi" in text and "2026-02" in text
    assert "Sorgente Energia S.p.A." in text and "04567890159" in text  # the principal, from the settings
    assert lines["activation"].line_key in text  # the open dispute is listed
    assert actor("altro").get(f"/statements/{PERIOD}/partners/{net.partners['A1']}.pdf").status_code == 403


def test_without_the_principal_the_statement_pdf_explains_instead(disputed, actor):  # noqa: F811
    net = disputed[0]
    db.session.execute(delete(CompanySetting).where(CompanySetting.key == "principal_name"))
    db.session.commit()
    url = f"/statements/{PERIOD}/partners/{net.partners['A1']}"
    backoffice = actor("backoffice")
    response = backoffice.get(f"{url}.pdf")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    assert "principal_name" in backoffice.get(url).get_data(as_text=True)  # the flashed reason
