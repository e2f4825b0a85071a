"""Notifications: who gets them, the e-mail after the commit (never after a rollback), the list, the unread badge
polled by the navigation, marking read, and the escalation that tells the back-office lead."""

import time
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import CommissionLine
from app.models import Notification
from app.models import Role
from app.models import Statement
from app.models import User
from app.services import notifications
from tests.app.inbox.conftest import actor  # noqa: F401 - fixture
from tests.app.inbox.conftest import cycle_to_reviews
from tests.app.inbox.conftest import planned  # noqa: F401 - fixture
from tests.app.inbox.conftest import traveller  # noqa: F401 - fixture


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _kinds(username: str) -> list[str]:
    return [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == _user(username).id).order_by(Notification.id))]


def test_notify_reaches_the_union_of_users_role_and_partner_and_mails_after_commit(app, network, smtp_server):
    _user("lead").email = "lead@example.test"
    _user("agente").email = "agente@example.test"
    db.session.commit()
    rows = notifications.notify(db.session, users=[_user("finance")], role=Role.BACKOFFICE_LEAD,
                                partner_id=network.partners["A1"], kind="test", title="Batch approved",
                                body="The batch of 2026-02 is approved.", link="/inbox/")
    assert sorted(db.session.get(User, r.user_id).username for r in rows) == ["agente", "finance", "lead"]
    assert smtp_server.messages == []  # nothing leaves before the commit
    db.session.commit()
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == ["agente@example.test", "lead@example.test"]
    message = smtp_server.messages[0]
    assert message["Subject"] == "Batch approved"
    assert "The batch of 2026-02 is approved." in message.get_content() and "/inbox/" in message.get_content()

    notifications.notify(db.session, role="finance", kind="test", title="Rolled back", body="", link=None)
    db.session.rollback()
    db.session.commit()
    assert len(smtp_server.messages) == 2 and "test" not in _kinds("finance")[1:]


def test_in_background_the_commit_does_not_wait_for_the_mail_server(app, network, smtp_server):
    app.config["MAIL_IN_BACKGROUND"] = True
    _user("lead").email = "lead@example.test"
    db.session.commit()
    notifications.notify(db.session, role=Role.BACKOFFICE_LEAD, kind="test", title="Published", body="", link=None)
    db.session.commit()
    deadline = time.monotonic() + 10
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["lead@example.test"]


def test_list_badge_and_marking_read(client, auth, network):
    agente = _user("agente")
    agente_id = agente.id
    for n in range(3):
        notifications.notify(db.session, users=[agente], kind="test", title=f"Message {n}", body=f"Body {n}",
                             link="/inbox/", email=False)
    notifications.notify(db.session, users=[_user("altro")], kind="test", title="Not yours", body="", link=None)
    db.session.commit()
    auth.login("agente")
    assert 'data-testid="notification-count"' in client.get("/notifications/count").get_data(as_text=True)
    assert ">3</span>" in client.get("/notifications/count").get_data(as_text=True)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Message 2" in page and "Body 0" in page and "Not yours" not in page
    assert "hx-get=\"/notifications/count\"" in client.get("/").get_data(as_text=True)  # the navigation polls it
    first_id = db.session.scalar(select(Notification.id).where(Notification.user_id == agente_id,
                                                               Notification.title == "Message 0"))
    opened = client.post(f"/notifications/{first_id}/read", data={"csrf_token": auth.csrf()})
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/inbox/")
    assert ">2</span>" in client.get("/notifications/count").get_data(as_text=True)
    theirs = db.session.scalar(select(Notification.id).where(Notification.title == "Not yours"))
    assert client.post(f"/notifications/{theirs}/read", data={"csrf_token": auth.csrf()}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(Notification.read_at).where(Notification.id == theirs)) is None
    assert client.post("/notifications/read-all", data={"csrf_token": auth.csrf()}).status_code == 303
    assert ">0</span>" in client.get("/notifications/count").get_data(as_text=True)
    unread = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "Message 1" not in unread


def test_publication_dispute_and_escalation_notify_the_right_people(planned, actor, traveller, smtp_server):  # noqa: F811
    _user("lead").email = "lead@example.test"
    db.session.commit()
    cycle_to_reviews(actor("backoffice").user)
    assert _kinds("agente") == ["statement_published"] and _kinds("altro") == ["statement_published"]
    assert _kinds("backoffice") == []
    agente = actor("agente")
    statement = db.session.scalar(select(Statement).where(Statement.partner_id == planned.partners["A1"]))
    line_id = db.session.scalar(select(CommissionLine.id).where(CommissionLine.run_id == statement.run_id,
                                                                CommissionLine.partner_id == statement.partner_id))
    agente.complete("review_statement", {"decision": "dispute", "reason": "tariff", "lines": [line_id]})
    assert _kinds("backoffice") == ["dispute_raised"] and _kinds("lead") == []
    traveller.shift(timedelta(days=5, minutes=1))  # the resolution SLA passes
    from workflows import fire_due_timers

    fire_due_timers(db.session)
    assert _kinds("lead") == ["dispute_escalated"]
    [mail] = [m for m in smtp_server.messages if m["X-Envelope-To"] == "lead@example.test"]
    assert "Mario Rossi" in mail["Subject"]
    lead = actor("lead")
    assert "Mario Rossi" in lead.get("/notifications/").get_data(as_text=True)
