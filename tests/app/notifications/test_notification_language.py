"""Notifications reach each recipient in their own language (their saved locale, else Italian), whatever the
language of whoever caused them: in the app and by e-mail, from a request in English, a worker or a timer."""

import io
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Dispute
from app.models import Notification
from app.models import PeriodStatus
from app.models import Role
from app.models import Statement
from app.models import User
from app.services import accounts
from app.services import notifications
from app.services.batches import operations as batch_operations
from app.services.calculation import runner
from app.services.statements import publishing
from tests.app.inbox.conftest import MONTH
from tests.app.inbox.conftest import actor  # noqa: F401 - fixture
from tests.app.inbox.conftest import cycle_to_reviews
from tests.app.inbox.conftest import planned  # noqa: F401 - fixture
from tests.app.inbox.conftest import traveller  # noqa: F401 - fixture
from tests.factories import PASSWORD_HASH
from workflows import fire_due_timers

PERIOD = "2026-02"
REASON = "The activation of C-A1 is paid 75 euro under my mandate"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _add_user(username: str, roles: list[Role], locale: str | None, partner_id: int | None = None) -> None:
    user = accounts.create_user(db.session, None, username=username, full_name=username.title(), password=None,
                                roles=roles, partner_id=partner_id, email=f"{username}@example.test")
    user.password_hash, user.locale = PASSWORD_HASH, locale


def _set_emails() -> None:
    for user in db.session.scalars(select(User)):
        user.email = f"{user.username}@example.test"
    db.session.commit()


def _told(username: str, kind: str) -> list[tuple[str, str]]:
    """Return the (title, body) of ``username``'s notifications of ``kind``."""
    db.session.expire_all()
    return [(n.title, n.body) for n in db.session.scalars(select(Notification).where(
        Notification.user_id == _user(username).id, Notification.kind == kind).order_by(Notification.id))]


def _mails(smtp_server, username: str) -> list[tuple[str, str]]:
    """Return the (subject, first line of the text) of the e-mails sent to ``username``."""
    address = f"{username}@example.test"
    return [(m["Subject"], m.get_content().splitlines()[0]) for m in smtp_server.messages
            if m["X-Envelope-To"] == address]


def test_each_recipient_reads_the_lazy_message_in_their_language(app, network, smtp_server):
    _user("agente").locale = "it"
    _user("finance").locale = "en"
    _user("lead").locale = "fr"  # a language the app does not offer: the default
    _user("sales").locale = None
    _set_emails()
    with force_locale("en"):  # the one who causes it works in English
        rows = notifications.notify(
            db.session, users=[_user(name) for name in ("agente", "finance", "lead", "sales")], kind="test",
            title=_l("Invoice batch %(period)s approved", period="2026-02"),
            body=_l("The pro-forma invoices are being issued."), link="/inbox/")
    db.session.commit()
    assert {db.session.get(User, r.user_id).username: (r.title, r.body) for r in rows} == {
        "agente": ("Lotto fatture 2026-02 approvato", "Le fatture pro-forma sono in emissione."),
        "finance": ("Invoice batch 2026-02 approved", "The pro-forma invoices are being issued."),
        "lead": ("Lotto fatture 2026-02 approvato", "Le fatture pro-forma sono in emissione."),
        "sales": ("Lotto fatture 2026-02 approvato", "Le fatture pro-forma sono in emissione."),
    }
    assert _mails(smtp_server, "agente") == [("Lotto fatture 2026-02 approvato",
                                              "Le fatture pro-forma sono in emissione.")]
    assert _mails(smtp_server, "finance") == [("Invoice batch 2026-02 approved",
                                               "The pro-forma invoices are being issued.")]
    assert smtp_server.messages[0].get_content().splitlines()[-1].endswith("/inbox/")


def test_plain_text_and_a_data_body_are_written_as_given(app, network, smtp_server):
    _user("finance").locale = "en"
    _user("backoffice").locale = "it"
    _set_emails()
    notifications.notify(db.session, users=[_user("finance"), _user("backoffice")], kind="test",
                         title="Lotto 2026-02", body="Plain words", link=None)
    notifications.notify(db.session, users=[_user("finance"), _user("backoffice")], kind="test2",
                         title=_l("Invoice batch %(period)s rejected", period="2026-02"),
                         body="Wrong VAT on A1", link=None)
    db.session.commit()
    assert _told("finance", "test") == _told("backoffice", "test") == [("Lotto 2026-02", "Plain words")]
    assert _told("finance", "test2") == [("Invoice batch 2026-02 rejected", "Wrong VAT on A1")]
    assert _told("backoffice", "test2") == [("Lotto fatture 2026-02 respinto", "Wrong VAT on A1")]
    assert _mails(smtp_server, "finance") == [("Lotto 2026-02", "Plain words"),
                                              ("Invoice batch 2026-02 rejected", "Wrong VAT on A1")]


def test_a_dispute_raised_and_answered_in_english_reaches_each_in_their_language(planned, actor, traveller,  # noqa: F811
                                                                                 smtp_server):
    _add_user("backoffice_en", [Role.BACKOFFICE], "en")
    _add_user("collega", [Role.PARTNER], None, planned.partners["A1"])  # A1's second user, Italian by default
    _user("agente").locale = "en"
    _set_emails()
    cycle_to_reviews(actor("backoffice").user)  # published by the cycle, outside any request
    assert _told("agente", "statement_published") == [(
        "Your statement of 2026-02 is published",
        "Net payable 51.94 €. Review it by 15/03/2026: accept it or dispute the lines you do not agree with.")]
    assert _told("collega", "statement_published") == [(
        "Il tuo estratto conto di 2026-02 è pubblicato",
        "Netto a pagare 51,94 €. Esaminalo entro il 15/03/2026: accettalo o contesta le righe su cui non sei "
        "d'accordo.")]
    assert _mails(smtp_server, "agente")[0][0] == "Your statement of 2026-02 is published"
    assert _mails(smtp_server, "collega")[0][0] == "Il tuo estratto conto di 2026-02 è pubblicato"

    agente = actor("agente")
    assert agente.post("/language/en").status_code == 303  # the partner works in English
    statement = db.session.scalar(select(Statement).where(Statement.partner_id == planned.partners["A1"]))
    line_ids = list(db.session.scalars(select(CommissionLine.id).where(
        CommissionLine.run_id == statement.run_id, CommissionLine.partner_id == statement.partner_id)))
    review = agente.task("review_statement")
    response = agente.post(f"/inbox/tasks/{review.id}", {
        "decision": "dispute", "lines": line_ids, "reason": REASON,
        "attachment": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "mandato.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert _told("backoffice", "dispute_raised") == [(
        "Nuova contestazione: Mario Rossi, 2026-02",
        f"Mario Rossi contesta 2 righe del suo estratto conto di 2026-02: {REASON}")]
    assert _told("backoffice_en", "dispute_raised") == [(
        "Dispute raised: Mario Rossi, 2026-02", f"Mario Rossi disputes 2 lines of its statement of 2026-02: {REASON}")]
    assert _mails(smtp_server, "backoffice") == [(
        "Nuova contestazione: Mario Rossi, 2026-02",
        f"Mario Rossi contesta 2 righe del suo estratto conto di 2026-02: {REASON}")]
    assert _mails(smtp_server, "backoffice_en") == [(
        "Dispute raised: Mario Rossi, 2026-02", f"Mario Rossi disputes 2 lines of its statement of 2026-02: {REASON}")]

    backoffice = actor("backoffice_en")  # the back-office answers in English
    assert backoffice.post("/language/en").status_code == 303
    resolve = backoffice.task("resolve_disputes")
    disputed = db.session.scalar(select(Dispute)).lines
    first, second = sorted(d.id for d in disputed)
    done = backoffice.post(f"/inbox/tasks/{resolve.id}", {
        f"outcome-{first}": "accept", f"adjustment-{first}": "25.00",
        f"outcome-{second}": "reject", f"note-{second}": "Paid at the plan rate"})
    assert done.status_code == 303
    assert _told("agente", "dispute_resolved") == [(
        "Dispute on your statement of 2026-02 answered", "1 of 2 disputed lines accepted, 1 rejected.")]
    assert _told("collega", "dispute_resolved") == [(
        "Risposta alla contestazione sul tuo estratto conto di 2026-02",
        "1 righe contestate su 2 accolte, 1 respinte.")]
    assert _mails(smtp_server, "collega")[1] == ("Risposta alla contestazione sul tuo estratto conto di 2026-02",
                                                 "1 righe contestate su 2 accolte, 1 respinte.")


def test_a_late_resolution_tells_each_lead_in_their_language(planned, actor, traveller, smtp_server):  # noqa: F811
    _add_user("lead_en", [Role.BACKOFFICE_LEAD], "en")
    _set_emails()
    cycle_to_reviews(actor("backoffice").user)
    statement = db.session.scalar(select(Statement).where(Statement.partner_id == planned.partners["A1"]))
    line_id = db.session.scalar(select(CommissionLine.id).where(CommissionLine.run_id == statement.run_id,
                                                                CommissionLine.partner_id == statement.partner_id))
    agente = actor("agente")
    assert agente.post("/language/en").status_code == 303
    agente.complete("review_statement", {"decision": "dispute", "reason": "tariff", "lines": [line_id]})
    traveller.shift(timedelta(days=5, minutes=1))  # the resolution SLA passes: a timer tells the leads
    fire_due_timers(db.session)
    db.session.commit()
    assert _told("lead", "dispute_escalated") == [(
        "Contestazione in ritardo: Mario Rossi, 2026-02",
        "La contestazione di Mario Rossi sul suo estratto conto di 2026-02 non è risolta nei tempi concordati.")]
    assert _told("lead_en", "dispute_escalated") == [(
        "Late dispute resolution: Mario Rossi, 2026-02",
        "The dispute of Mario Rossi on its statement of 2026-02 is not resolved within the agreed time.")]
    assert _mails(smtp_server, "lead_en") == [(
        "Late dispute resolution: Mario Rossi, 2026-02",
        "The dispute of Mario Rossi on its statement of 2026-02 is not resolved within the agreed time.")]


def test_a_batch_built_by_the_cycle_tells_finance_with_amounts_written_their_way(planned):  # noqa: F811
    _add_user("finance_en", [Role.FINANCE], "en")
    runner.run_period(db.session, None, MONTH)
    period = db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == MONTH))
    period.status = PeriodStatus.VALIDATED
    publishing.publish(db.session, None, MONTH)
    db.session.commit()
    batch_operations.build_invoice_batch(db.session, None, {"period": PERIOD})  # a service task of the cycle
    db.session.commit()
    assert _told("finance", "batch_ready") == [("Lotto fatture 2026-02 da approvare",
                                                "5 fatture pro-forma, imponibile 162,97 €.")]
    assert _told("finance_en", "batch_ready") == [("Invoice batch 2026-02 to approve",
                                                   "5 pro-forma invoices, taxable 162.97 €.")]


def test_a_dispute_carried_at_the_deadline_is_told_in_each_language(planned, actor, traveller):  # noqa: F811
    _add_user("collega", [Role.PARTNER], None, planned.partners["A1"])
    _user("agente").locale = "en"
    db.session.commit()
    cycle = cycle_to_reviews(actor("backoffice").user)
    statement = db.session.scalar(select(Statement).where(Statement.partner_id == planned.partners["A1"]))
    line_id = db.session.scalar(select(CommissionLine.id).where(CommissionLine.run_id == statement.run_id,
                                                                CommissionLine.partner_id == statement.partner_id))
    assert actor("agente").complete("review_statement", {"decision": "dispute", "reason": "tariff",
                                                         "lines": [line_id]}).status_code == 303
    traveller.move_to(datetime(2026, 4, 16, 18, 1, tzinfo=UTC))  # the cycle's review deadline has passed
    assert cycle.id in fire_due_timers(db.session)
    db.session.commit()
    english = ("Dispute on Mario Rossi's statement of 2026-02 carried to 2026-03",
               "The review deadline of 2026-02 passed with 1 disputed lines unanswered: they will be answered in "
               "2026-03 and any adjustment paid there.")
    italian = ("Contestazione sull'estratto conto di 2026-02 di Mario Rossi riportata a 2026-03",
               "La scadenza di revisione di 2026-02 è passata con 1 righe contestate senza risposta: riceveranno "
               "risposta in 2026-03 e l'eventuale rettifica sarà pagata lì.")
    assert _told("agente", "dispute_carried") == [english]
    assert _told("collega", "dispute_carried") == _told("backoffice", "dispute_carried") == [italian]
