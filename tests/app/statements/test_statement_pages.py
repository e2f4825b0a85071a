"""A partner's statement on screen and as a workbook, and the staff list of a period's statements."""

import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Statement


def _cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_statement_page_shows_exact_totals_and_tax_items(client, auth, published):
    auth.login("backoffice")
    response = client.get(f"/statements/2026-02/partners/{published.partners['A1']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for figure in ("50,93", "11,20", "5,86", "4,33", "51,94", "62,13"):
        assert f"{figure} €" in page, figure
    assert "RT01" in page
    assert page.count('<details class="line"') >= 1 and "line-explanation-" in page
    assert 'class="subtotal"' in page


def test_statement_workbook_has_the_same_figures(client, auth, published):
    auth.login("finance")
    partner_id = published.partners["A1"]
    response = client.get(f"/statements/2026-02/partners/{partner_id}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    lines_sheet, totals_sheet = workbook.worksheets
    statement = db.session.scalar(select(Statement).where(Statement.partner_id == partner_id))
    amounts = [_cents(row[7]) for row in lines_sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(row[7], int | float) for row in lines_sheet.iter_rows(min_row=2, values_only=True))
    assert sum(amounts, Decimal("0.00")) == statement.gross + statement.adjustments
    totals = [_cents(row[1]) for row in totals_sheet.iter_rows(min_row=2, values_only=True)]
    assert totals == [statement.gross, statement.held, statement.payable, statement.adjustments, Decimal("50.93"),
                      Decimal("11.20"), Decimal("5.86"), Decimal("4.33"), statement.stamp_duty, Decimal("62.13"),
                      Decimal("51.94")]


def test_agent_sees_its_downline_statement_not_another_partner(client, auth, published):
    auth.login("agente")
    own = client.get(f"/statements/2026-02/partners/{published.partners['A1A']}")
    assert own.status_code == 200
    assert client.get(f"/statements/2026-02/partners/{published.partners['A1A']}.xlsx").status_code == 200
    assert client.get(f"/statements/2026-02/partners/{published.partners['B1']}").status_code == 403
    assert client.get(f"/statements/2026-02/partners/{published.partners['B1']}.xlsx").status_code == 403
    assert client.get("/statements/2026-02").status_code == 403
    assert client.get(f"/statements/2026-03/partners/{published.partners['A1A']}").status_code == 404


def test_unpublished_period_is_404(client, auth, published):
    auth.login("backoffice")
    assert client.get(f"/statements/2026-03/partners/{published.partners['A1']}").status_code == 404
    assert client.get(f"/statements/2026-03/partners/{published.partners['A1']}.xlsx").status_code == 404


def test_period_list_links_each_statement(client, auth, published):
    auth.login("auditor")
    page = client.get("/statements/2026-02").get_data(as_text=True)
    assert f"/statements/2026-02/partners/{published.partners['A1']}" in page
    assert "51,94 €" in page
