"""A period's totals per partner: pages and searches give exact figures for the partners of the chosen run, and
the HTMX fragment sums only the page's partners; the totals per component are stored with the run, never summed
from its lines for the page."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy import text

from app.extensions import db
from app.models import CalculationRun
from app.models import CommissionLine
from app.models import CommissionPeriod
from app.models import Partner
from app.models import PartnerKind
from app.models import RunStatus
from app.services.calculation import results

APRIL = date(2026, 4, 1)
HTMX = {"HX-Request": "true"}


def _line(run: CalculationRun, partner_id: int, amount: str, component: str = "activation", status: str = "ok"):
    return CommissionLine(run_id=run.id, partner_id=partner_id, period=APRIL, line_key=f"{run.id}-{partner_id}-{amount}",
                          plan_code="agents-test", plan_version=1, component_id=component, component_kind="one_off",
                          line_kind="commission", amount=Decimal(amount), status=status, source_kind="contract",
                          source_ref="C-1")


@pytest.fixture
def april(app, network) -> dict[str, int]:
    """April 2026 with two runs: v1 (superseded) and v2 (current); a second "Mario Rossi" makes a tie on name."""
    namesake = Partner(code="A9", name="Mario Rossi", kind=PartnerKind.AGENT, territory="Lombardia",
                       active_from=date(2025, 1, 1))
    period = CommissionPeriod(month=APRIL)
    db.session.add_all([namesake, period])
    db.session.flush()
    old = CalculationRun(period_id=period.id, version=1, status=RunStatus.SUPERSEDED, line_count=2,
                         total=Decimal("1004.99"))
    new = CalculationRun(period_id=period.id, version=2, status=RunStatus.SUCCEEDED, line_count=9,
                         total=Decimal("123.32"))
    db.session.add_all([old, new])
    db.session.flush()
    period.current_run_id = new.id
    ids = dict(network.partners, A9=namesake.id)
    db.session.add_all([
        _line(old, ids["AGB"], "999.99"), _line(old, ids["A1"], "5.00"),
        _line(new, ids["AGA"], "10.00"), _line(new, ids["AGA"], "2.50", "consumption", "held"),
        _line(new, ids["AGA"], "-1.25", "consumption"),
        _line(new, ids["A1"], "0.01"),
        _line(new, ids["A9"], "100.00", status="held"), _line(new, ids["A9"], "0.99", "consumption"),
        _line(new, ids["B1"], "7.77"),
        _line(new, ids["A1A"], "1.10"), _line(new, ids["A1A"], "2.20", "consumption", "held"),
    ])
    db.session.flush()
    # what the run service stores with a run's lines: their totals per plan component
    db.session.execute(text(
        "INSERT INTO run_component_total (run_id, plan_code, plan_version, component_id, component_kind, lines, "
        "total, held) SELECT run_id, plan_code, plan_version, component_id, component_kind, count(*), sum(amount), "
        "sum(CASE WHEN status = 'held' THEN amount ELSE 0 END) FROM commission_line "
        "GROUP BY run_id, plan_code, plan_version, component_id, component_kind"))
    db.session.commit()
    return ids


def _rows(body: str) -> list[tuple[int, str, str, str]]:
    """(partner id, lines, held, total) of each row of the partner totals, in page order."""
    rows = []
    for partner_id, cells in re.findall(r'<tr id="partner-total-(\d+)">(.*?)</tr>', body, re.S):
        lines, held, total = re.findall(r'<td class="num">(.*?)</td>', cells)
        rows.append((int(partner_id), lines, held, total))
    return rows


def _fragment(client, query: str) -> str:
    response = client.get(f"/runs/2026-04?{query}", headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="partner-totals">')
    return body


def test_pages_hold_the_run_partners_by_name_with_exact_totals(app, client, auth, april):
    app.config["PAGE_SIZE"] = 2
    auth.login("backoffice")
    first, second, third = (_fragment(client, f"page={n}") for n in (1, 2, 3))
    assert _rows(first) == [(april["AGA"], "3", "2,50", "11,25"), (april["A1A"], "2", "2,20", "3,30")]
    assert _rows(second) == [(april["A1"], "1", "0,00", "0,01"), (april["A9"], "2", "100,00", "100,99")]
    assert _rows(third) == [(april["B1"], "1", "0,00", "7,77")]
    assert "Pagina 2 di 3" in second and "5 elementi" in second
    assert _rows(_fragment(client, "page=9")) == _rows(third)  # past the end: the last page
    # partners without lines in v2 (AGB, A2, I1) are not listed; v1 shows its own lines only
    assert _rows(_fragment(client, "v=1")) == [(april["AGB"], "1", "0,00", "999,99"), (april["A1"], "1", "0,00", "5,00")]


def test_search_matches_name_or_code_of_the_run_partners(app, client, auth, april):
    app.config["PAGE_SIZE"] = 2
    auth.login("backoffice")
    rossi = _fragment(client, "q=ROSSI")
    assert _rows(rossi) == [(april["A1"], "1", "0,00", "0,01"), (april["A9"], "2", "100,00", "100,99")]
    assert "Pagina" not in rossi and "2 elementi" in rossi
    assert _rows(_fragment(client, "q=a9")) == [(april["A9"], "2", "100,00", "100,99")]
    assert _rows(_fragment(client, "q=Agenzia&page=4")) == [(april["AGA"], "3", "2,50", "11,25")]
    verdi = _fragment(client, "q=verdi")  # a partner of the network without lines in the run
    assert _rows(verdi) == [] and "Nessun partner corrisponde." in verdi
    assert _rows(_fragment(client, "v=1&q=beta")) == [(april["AGB"], "1", "0,00", "999,99")]


class Statements:
    """The SQL statements the database receives while the block runs."""

    def __init__(self):
        self.seen: list[str] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(" ".join(statement.split()))

    def per_component(self) -> list[str]:
        return [s for s in self.seen if "GROUP BY commission_line.plan_code" in s]

    def stored_totals(self) -> list[str]:
        return [s for s in self.seen if "FROM run_component_total" in s]

    def sums(self) -> list[str]:
        return [s for s in self.seen if "sum(commission_line.amount)" in s]


def test_the_fragment_sums_only_its_partners_and_skips_the_components(app, client, auth, april):
    app.config["PAGE_SIZE"] = 2
    auth.login("backoffice")
    with Statements() as page:
        body = client.get("/runs/2026-04").get_data(as_text=True)
    components = re.search(r'<article id="component-totals">.*?</article>', body, re.S).group(0)
    assert "<td class=\"num\">5</td><td class=\"num\">100,00</td><td class=\"num\">118,88</td>" in components
    assert page.per_component() == [] and len(page.stored_totals()) == 1  # read as stored with the run, not summed

    with Statements() as fragment:
        body = _fragment(client, "v=2&page=2")
    assert fragment.per_component() == [] and fragment.stored_totals() == []
    assert len(fragment.sums()) == 1  # one sum, restricted to the page's two partners
    assert "commission_line.partner_id IN (" in fragment.sums()[0]
    assert _rows(body) == [(april["A1"], "1", "0,00", "0,01"), (april["A9"], "2", "100,00", "100,99")]

    with Statements() as search:
        _fragment(client, "v=2&q=rossi")
    assert search.per_component() == [] and len(search.sums()) == 1


def test_a_calculated_run_totals_match_its_lines(backoffice, client, network):
    backoffice.calculate("2026-02")
    rows = _rows(client.get("/runs/2026-02", headers=HTMX).get_data(as_text=True))
    names = ["AGA", "AGB", "A1A", "A1", "B1"]  # Agenzia Alfa, Agenzia Beta, Luca Bianchi, Mario Rossi, Paolo Neri
    assert [row[0] for row in rows] == [network.partners[name] for name in names]
    assert [row[1:] for row in rows] == [("2", "0,00", "5,09"), ("2", "0,00", "5,09"), ("2", "0,00", "50,93"),
                                         ("2", "0,00", "50,93"), ("2", "0,00", "50,93")]


def _cents(value) -> Decimal:
    # SQLite sums the amounts of a raw query as REAL
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_a_calculated_run_stores_its_totals_per_component_as_its_lines_sum(backoffice, network):
    backoffice.calculate("2026-02")
    run = results.run_of(db.session, results.period_of(db.session, date(2026, 2, 1)))
    stored = results.component_totals(db.session, run.id)
    summed = db.session.execute(text(
        "SELECT plan_code, plan_version, component_id, component_kind, count(*), sum(amount), "
        "sum(CASE WHEN status = 'held' THEN amount ELSE 0 END) FROM commission_line WHERE run_id = :run "
        "GROUP BY plan_code, plan_version, component_id, component_kind"), {"run": run.id}).all()
    assert len(stored) >= 2
    assert sorted((t.plan_code, t.plan_version, t.component_id, t.component_kind, t.lines, t.total, t.held)
                  for t in stored) == sorted((*row[:5], _cents(row[5]), _cents(row[6])) for row in summed)
    assert sum(t.total for t in stored) == run.total and sum(t.lines for t in stored) == run.line_count
