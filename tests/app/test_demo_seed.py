"""The demo network generator: valid identifiers, a sound hierarchy, coherent lifecycles and billing, one user per
role, refusal to seed twice, and the same data for the same seed.

Most checks read one small seeded SQLite database (scale 0.02, without the commission cycles); the refusal test
and the cycles test run on every backend of the shared ``app`` fixture, so they also exercise the PostgreSQL COPY
path when TEST_DATABASE_URL is set.
"""

import enum
import hashlib
import re
import shutil
from collections import Counter
from collections import defaultdict
from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlalchemy import select
from stdnum import iban
from stdnum.it import codicefiscale
from stdnum.it import iva

import workflows
from app import create_app
from app.config import TestConfig
from app.demo.periods import Window
from app.demo.periods import add_months
from app.demo.seed import DemoAlreadySeeded
from app.demo.seed import seed_demo
from app.extensions import db
from app.models import AuditEntry
from app.models import CommissionPeriod
from app.models import Invoice
from app.models import InvoiceBatch
from app.models import Partner
from app.models import PartnerKind
from app.models import PeriodStatus
from app.models import Role
from app.models import Statement
from app.models import User
from app.models.invoice import BatchStatus
from app.models.statement import Dispute
from app.models.statement import DisputeStatus
from app.models.statement import StatementStatus
from app.services import cycle
from calc.inputs import months_before

SCALE = 0.02
SEED = 7
TODAY = date(2026, 3, 10)
WINDOW = Window(TODAY)
TABLES = ("partner", "partner_link", "fiscal_profile", "product", "offer", "product_option", "customer", "contract",
          "billing_line", "service_order", "target", "import_batch")
# Columns that hold the moment of loading, not generated data.
VOLATILE = {"created_at", "password_hash", "at", "last_login_at", "finished_at"}


def _config(url: str) -> dict:
    return {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()} | {"SQLALCHEMY_DATABASE_URI": url}


def _seed_copy(template, path, seed: int = SEED) -> dict[str, list[dict]]:
    """Seed a copy of the migrated template and return every demo table as lists of row dicts."""
    shutil.copy(template, path)
    app = create_app(_config(f"sqlite:///{path}"))
    with app.app_context():
        seed_demo(scale=SCALE, random_seed=seed, echo=lambda _line: None, today=TODAY, cycles=False)
        tables = {}
        for name in TABLES + ("user", "user_role", "audit_entry"):
            table = db.metadata.tables[name]
            rows = db.session.execute(select(table).order_by(*table.primary_key)).mappings()
            tables[name] = [{k: v.value if isinstance(v, enum.Enum) else v for k, v in row.items()} for row in rows]
        db.session.remove()
        db.engine.dispose()
    return tables


@pytest.fixture(scope="module")
def data(sqlite_template, tmp_path_factory) -> dict[str, list[dict]]:
    return _seed_copy(sqlite_template, tmp_path_factory.mktemp("demo") / "demo.sqlite")


def _current(rows: list[dict]) -> dict[str, dict]:
    return {row["external_id"]: row for row in rows if row["is_current"]}


def _parent_on(links: list[dict], partner_id: int, day: date) -> int | None:
    found = [link["parent_id"] for link in links if link["partner_id"] == partner_id and link["valid_from"] <= day
             and (link["valid_to"] is None or day < link["valid_to"])]
    assert len(found) <= 1, f"partner {partner_id} has two parents on {day}"
    return found[0] if found else None


def test_every_identifier_has_valid_check_digits(data):
    for partner in data["partner"]:
        assert iva.is_valid(partner["vat_number"]), partner
        assert codicefiscale.is_valid(partner["fiscal_code"]), partner
        assert iban.is_valid(partner["iban"]), partner
        assert re.fullmatch(r"\d{5}", partner["postcode"]) and re.fullmatch(r"[A-Z]{2}", partner["province"])
        assert "@" in partner["email"]
    for customer in data["customer"]:
        assert codicefiscale.is_valid(customer["fiscal_code"]), customer
        assert len(customer["fiscal_code"]) == (16 if customer["segment"] == "residential" else 11)


def test_supply_points_are_well_formed(data):
    for contract in data["contract"]:
        point, product = contract["supply_point"], contract["product_code"]
        if product in ("ELE", "EMOB", "PV"):
            assert re.fullmatch(r"IT\d{3}E\d{8}", point), contract
        elif product == "GAS":
            assert re.fullmatch(r"\d{14}", point), contract
        else:
            assert point is None
    current = _current(data["contract"]).values()
    points = [c["supply_point"] for c in current if c["supply_point"]]
    assert len(points) == len(set(points))


def test_every_kind_of_partner_exists_even_at_a_tiny_scale(data):
    kinds = Counter(p["kind"] for p in data["partner"])
    assert set(kinds) == {"agency", "agent", "sub_agent", "call_centre", "installer", "technician"}


@pytest.mark.parametrize("day", [WINDOW.start, add_months(WINDOW.start, 6), TODAY])
def test_hierarchy_has_agencies_on_top_and_no_cycles(data, day):
    partners = {p["id"]: p for p in data["partner"]}
    links = data["partner_link"]
    depths = []
    for partner in partners.values():
        if partner["kind"] not in ("agent", "sub_agent") or _parent_on(links, partner["id"], day) is None:
            continue
        chain, current = [partner["id"]], _parent_on(links, partner["id"], day)
        while current is not None:
            assert current not in chain, f"cycle through {chain}"
            chain.append(current)
            current = _parent_on(links, current, day)
        assert partners[chain[-1]]["kind"] == "agency"
        assert partner["kind"] == ("agent" if len(chain) == 2 else "sub_agent")
        depths.append(len(chain))
    assert max(depths) == 4 and min(depths) == 2
    for partner in partners.values():
        if partner["kind"] in ("agency", "call_centre", "installer", "technician"):
            assert _parent_on(links, partner["id"], day) is None


def test_some_partners_move_during_the_year(data):
    by_partner = defaultdict(list)
    for link in data["partner_link"]:
        by_partner[link["partner_id"]].append(link)
    moved = [sorted(rows, key=lambda r: r["valid_from"]) for rows in by_partner.values() if len(rows) > 1]
    assert moved
    for old, new in moved:
        assert old["valid_to"] == new["valid_from"] and WINDOW.start < new["valid_from"] <= TODAY
        assert old["parent_id"] != new["parent_id"]


def test_fiscal_profiles_are_dated_and_fit_the_partner(data):
    kinds = {p["id"]: p["kind"] for p in data["partner"]}
    expected = {"agency": "agent", "agent": "agent", "sub_agent": "agent", "call_centre": "call_centre",
                "installer": "installer", "technician": "professional"}
    by_partner = defaultdict(list)
    for profile in data["fiscal_profile"]:
        by_partner[profile["partner_id"]].append(profile)
        assert profile["fiscal_category"] == expected[kinds[profile["partner_id"]]]
        if profile["vat_regime"] == "flat_rate":
            assert profile["legal_form"] == "individual"
        if kinds[profile["partner_id"]] in ("installer", "technician"):
            assert profile["enasarco"] == "none"
    assert set(by_partner) == set(kinds)
    changed = [rows for rows in by_partner.values() if len(rows) > 1]
    assert changed
    for rows in changed:
        rows.sort(key=lambda r: r["valid_from"])
        assert rows[0]["valid_to"] == rows[1]["valid_from"]


def test_contract_lifecycle_is_coherent(data):
    current = _current(data["contract"]).values()
    for c in current:
        assert c["signed_on"] <= TODAY
        if c["activated_on"] is not None:
            assert c["activated_on"] >= c["signed_on"]
            if c["product_code"] in ("ELE", "GAS"):
                assert c["activated_on"].day == 1
        if c["status"] == "terminated":
            assert c["terminated_on"] > c["activated_on"] and c["terminated_on"].day == 1
        if c["status"] == "cancelled":
            assert c["status_reason"] in ("withdrawal", "switch rejected", "disowned", "installation not feasible")
        if c["status_reason"] == "withdrawal":
            assert c["terminated_on"] - c["signed_on"] <= timedelta(days=14)
        if c["status"] in ("signed", "validated", "switching"):
            assert c["activated_on"] is None and c["signed_on"] > TODAY - timedelta(days=80)
    statuses = Counter(c["status"] for c in current)
    assert {"signed", "validated", "switching", "active", "terminated", "cancelled"} <= set(statuses)
    reasons = Counter(c["status_reason"] for c in current if c["status"] == "cancelled")
    assert reasons["withdrawal"] and reasons["switch rejected"]


@pytest.mark.parametrize("table", ["contract", "billing_line", "service_order"])
def test_exactly_one_current_version_per_external_id(data, table):
    versions = defaultdict(list)
    for row in data[table]:
        versions[row["external_id"]].append(row)
    for rows in versions.values():
        assert sorted(r["version"] for r in rows) == list(range(1, len(rows) + 1))
        assert [r["is_current"] for r in sorted(rows, key=lambda r: r["version"])][-1] is True
        assert sum(r["is_current"] for r in rows) == 1
    assert any(len(rows) > 1 for rows in versions.values())


def test_billing_lines_only_for_months_the_supply_was_active(data):
    contracts = _current(data["contract"])
    for line in data["billing_line"]:
        contract = contracts[line["contract_external_id"]]
        assert contract["product_code"] in ("ELE", "GAS")
        assert contract["activated_on"] <= line["period_start"] and line["period_start"].day == 1
        assert line["period_end"] == add_months(line["period_start"], 1) - timedelta(days=1)
        assert line["period_start"] <= WINDOW.last_billed
        if contract["terminated_on"] is not None:
            assert line["period_end"] < contract["terminated_on"]
        assert line["amount_billed"].as_tuple().exponent == -2 and line["volume"].as_tuple().exponent == -3
        assert line["amount_billed"] > line["fixed_fee_billed"] > 0
        assert (line["paid_on"] is not None) == line["paid"]
        if line["paid"]:
            assert line["paid_on"] <= TODAY
    # Bills of two months ago and earlier are past due: most are paid, some are in arrears.
    due = Counter(line["paid"] for line in data["billing_line"] if line["period_start"] < add_months(TODAY, -2))
    assert due[True] > 9 * due[False] > 0


def test_service_orders_have_sla_facts(data):
    orders = _current(data["service_order"]).values()
    partners = {p["id"]: p["kind"] for p in data["partner"]}
    assert {partners[o["partner_id"]] for o in orders} == {"installer", "technician"}
    for order in orders:
        if order["outcome"] == "open":
            assert order["completed_at"] is None
        else:
            assert order["completed_at"] > order["opened_at"] and order["outcome"] in ("completed", "failed",
                                                                                          "cancelled")
        assert order["rating"] is None or 1 <= order["rating"] <= 5
    late = [o for o in orders if o["completed_at"] and
            (o["completed_at"] - o["opened_at"]) > timedelta(hours=o["sla_hours"])]
    assert 0 < len(late) < len(orders) / 3


def test_every_seeded_row_reaches_the_demo_batch(data):
    (batch,) = data["import_batch"]
    assert batch["source"] == "demo" and batch["file_name"] == "demo-seed" and len(batch["sha256"]) == 64
    for table in ("contract", "billing_line", "service_order"):
        assert {row["import_batch_id"] for row in data[table]} == {batch["id"]}
    assert batch["row_count"] == sum(len(data[t]) for t in ("contract", "billing_line", "service_order"))


def test_one_user_per_role_and_partner_users_on_the_right_partners(data):
    users = {u["username"]: u for u in data["user"]}
    roles = defaultdict(set)
    for row in data["user_role"]:
        roles[row["user_id"]].add(row["role"])
    assert {role for held in roles.values() for role in held} == {r.value for r in Role}
    assert set(users) == {"admin", "backoffice", "lead", "sales", "finance", "finance2", "auditor",
                          "agenzia", "agente", "subagente", "installatore"}
    kinds = {p["id"]: p["kind"] for p in data["partner"]}
    expected = {"agenzia": "agency", "agente": "agent", "subagente": "sub_agent", "installatore": "installer"}
    for username, kind in expected.items():
        assert roles[users[username]["id"]] == {"partner"} and kinds[users[username]["partner_id"]] == kind
    children = {link["parent_id"] for link in data["partner_link"] if link["valid_to"] is None}
    assert users["agente"]["partner_id"] in children and users["subagente"]["partner_id"] in children
    actions = Counter(entry["action"] for entry in data["audit_entry"])
    assert actions["user.created"] == len(users) and actions["demo.seeded"] == 1


def test_demo_password_signs_in(data):
    user = User(password_hash=next(u["password_hash"] for u in data["user"] if u["username"] == "finance2"))
    assert user.check_password("mandato")


def test_same_seed_gives_the_same_data(data, sqlite_template, tmp_path):
    again = _seed_copy(sqlite_template, tmp_path / "again.sqlite")
    for table in TABLES:
        strip = [{k: v for k, v in row.items() if k not in VOLATILE} for row in again[table]]
        assert strip == [{k: v for k, v in row.items() if k not in VOLATILE} for row in data[table]], table


def test_seeding_twice_refuses_and_leaves_the_data_as_it_was(app):
    summary = seed_demo(scale=0.01, random_seed=1, echo=lambda _line: None, today=TODAY, cycles=False)
    assert 'password for all: "mandato"' in summary
    partners = db.session.scalar(select(func.count()).select_from(Partner))
    with pytest.raises(DemoAlreadySeeded, match="already has data"):
        seed_demo(scale=0.01, random_seed=2, echo=lambda _line: None, today=TODAY)
    assert db.session.scalar(select(func.count()).select_from(Partner)) == partners
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "demo.seeded")) == 1
    # Ids were preassigned: the sequences must have moved past them for ordinary inserts.
    db.session.add(Partner(code="NEW-1", name="Nuovo Partner", kind=PartnerKind.AGENT, territory="Lazio",
                           active_from=TODAY))
    db.session.flush()


def test_a_failure_half_way_writes_nothing(app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("app.demo.seed.target_rows", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        seed_demo(scale=0.01, random_seed=1, echo=lambda _line: None, today=TODAY)
    for model in (Partner, User, AuditEntry):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_cli_prints_the_logins(runner):
    result = runner.invoke(args=["demo", "seed", "--scale", "0.01", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "installatore" in result.output and "mandato" in result.output
    again = runner.invoke(args=["demo", "seed", "--scale", "0.01"])
    assert again.exit_code != 0 and "already has data" in again.output


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _period(month: date) -> CommissionPeriod:
    return db.session.scalar(select(CommissionPeriod).where(CommissionPeriod.month == month))


def test_the_seed_leaves_one_month_invoiced_and_the_next_in_review(app, client, auth):
    seed_demo(scale=SCALE, random_seed=SEED, echo=lambda _line: None, today=TODAY)
    finished, reviewing = months_before(TODAY, 2), months_before(TODAY, 1)
    backoffice, finance, agente = _user("backoffice"), _user("finance"), _user("agente")

    # the month before last: validated by the back-office, approved by finance, issued and exported
    period = _period(finished)
    assert period.status == PeriodStatus.APPROVED and period.validated_by == backoffice.id
    assert workflows.find_instance(db.session, cycle.CYCLE, f"{finished:%Y-%m}").status == "completed"
    statements = db.session.scalars(select(Statement).where(Statement.period_id == period.id)).all()
    assert statements and {s.status for s in statements} == {StatementStatus.ACCEPTED}
    [batch] = db.session.scalars(select(InvoiceBatch).where(InvoiceBatch.period_id == period.id)).all()
    assert batch.status == BatchStatus.EXPORTED and batch.built_by == backoffice.id and batch.decided_by == finance.id
    assert batch.export_file and batch.export_sha256 == hashlib.sha256(batch.export_file).hexdigest()
    invoices = db.session.scalars(select(Invoice).where(Invoice.batch_id == batch.id).order_by(Invoice.number)).all()
    assert len(invoices) == batch.invoice_count == sum(s.taxable > 0 for s in statements) > 0
    assert [i.number for i in invoices] == list(range(1, len(invoices) + 1))
    for invoice in invoices:
        assert invoice.pdf.startswith(b"%PDF-") and invoice.pdf_sha256 == hashlib.sha256(invoice.pdf).hexdigest()
    assert sum((i.taxable for i in invoices), Decimal("0.00")) == batch.taxable
    audited = {e.action: e.actor for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(("period.validated", "batch.approved", "batch.exported"))))}
    assert audited == {"period.validated": "backoffice", "batch.approved": "finance", "batch.exported": "finance"}

    # last month: published, a review waiting for each partner user, agente's dispute waiting for the back-office
    period = _period(reviewing)
    assert period.status == PeriodStatus.VALIDATED
    statements = {s.partner_id: s for s in db.session.scalars(select(Statement).where(
        Statement.period_id == period.id))}
    reviews = workflows.list_instances(db.session, process_id=cycle.REVIEW, period=f"{reviewing:%Y-%m}")
    assert len(reviews) == len(statements) > 0 and {r.status for r in reviews} == {"running"}
    waiting = Counter(t.bpmn_id for r in reviews for t in workflows.ready_tasks(db.session, instance_id=r.id))
    assert waiting == {"review_statement": len(reviews) - 1, "resolve_disputes": 1}
    for username in ("agenzia", "subagente"):
        user = _user(username)
        [task] = [t for t in workflows.ready_tasks(db.session, user=user) if t.bpmn_id == "review_statement"]
        assert task.period == f"{reviewing:%Y-%m}" and statements[user.partner_id].status == StatementStatus.PUBLISHED
    [dispute] = db.session.scalars(select(Dispute)).all()
    assert dispute.raised_by == agente.id and dispute.status == DisputeStatus.OPEN
    assert dispute.statement_id == statements[agente.partner_id].id
    assert statements[agente.partner_id].status == StatementStatus.DISPUTED
    [line] = dispute.lines
    assert line.claimed_amount == (line.amount * Decimal("1.5")).quantize(Decimal("0.01")) and line.amount > 0
    [resolve] = [t for t in workflows.ready_tasks(db.session, user=backoffice) if t.bpmn_id == "resolve_disputes"]
    assert resolve.business_key == f"{reviewing:%Y-%m}/partner-{agente.partner_id}"
    assert not [t for t in workflows.ready_tasks(db.session, user=agente) if t.bpmn_id == "review_statement"]

    # agente reads its invoice over HTTP, and no one else's
    [own] = [i for i in invoices if i.partner_id == agente.partner_id]
    other = next(i for i in invoices if i.partner_id != agente.partner_id)
    auth.login("agente", "mandato")
    listing = client.get("/invoices/")
    assert listing.status_code == 200 and own.number_text in listing.get_data(as_text=True)
    assert other.number_text not in listing.get_data(as_text=True)
    response = client.get(f"/invoices/{own.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data == own.pdf
    assert client.get(f"/invoices/{other.id}.pdf").status_code in (403, 404)
