"""Tax report pages and their files: the figures on the page, in the CSV and in the XLSX are the service's."""

import csv
import io
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.reports.forms import month_due_next
from app.services import tax_reports
from tests.app.reports.conftest import utc

D = Decimal


@pytest.fixture
def year_2026(books):
    books.agent("A3", date(2026, 7, 15))
    books.statement("A3", date(2026, 8, 1), "600.00")
    books.statement("A3", date(2026, 11, 1), "400.00")
    books.statement("A2", date(2026, 3, 1), "100.00")
    books.statement("AGA", date(2026, 12, 1), "10000.00")
    books.statement("A1", date(2026, 2, 1), "20000.00")
    books.statement("A1", date(2026, 5, 1), "15000.00")
    books.invoice(books.statement("A1", date(2026, 10, 1), "1000.00"), utc(2026, 11, 3, 9, 0))
    return books


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _csv_value(text: str, kind: str):
    if text == "":
        return None
    if kind == "money":
        return D(text.replace(",", "."))
    if kind == "date":
        return datetime.strptime(text, "%d/%m/%Y").date()
    if kind == "count":
        return int(text)
    return text


def _xlsx_rows(response):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    return list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows())


def _xlsx_value(cell, kind: str):
    if cell.value is None:
        return None
    if kind == "money":
        assert isinstance(cell.value, int | float) and cell.number_format == "#,##0.00", cell
        return D(str(cell.value)).quantize(D("0.01"))
    if kind == "date":
        assert cell.is_date and isinstance(cell.value, datetime)
        return cell.value.date()
    return cell.value


def _expected(report) -> list[list]:
    """The rows then the totals of ``report`` as the files carry them (mandate codes are shown as labels)."""
    lines = [[getattr(row, c.key) for c in report.columns] for row in [*report.rows, report.totals]]
    return [[v for v, c in zip(line, report.columns, strict=True) if c.key not in ("mandate", "code", "name")]
            for line in lines]


def _numbers(lines, columns, value) -> list[list]:
    return [[value(cell, c.kind) for cell, c in zip(line, columns, strict=True)
             if c.key not in ("mandate", "code", "name")] for line in lines]


def test_enasarco_q4_files_parse_back_to_the_report(client, auth, year_2026):
    auth.login("finance")
    report = tax_reports.enasarco_quarter(db.session, 2026, 4)
    expected = _expected(report)
    # totals to pay: A1 over the ceiling, A2 and A3 their minimum shortfall, AGA on the company scale
    assert [r.code for r in report.rows] == ["A1", "A2", "A3", "AGA"]
    assert [line[-2] for line in expected] == [D("0.00"), D("498.00"), D("155.50"), D("400.00"), D("1053.50")]

    rows = _csv_rows(client.get("/reports/enasarco.csv?year=2026&quarter=4"))
    assert len(rows) == 6 and all(len(row) == len(report.columns) for row in rows)
    assert [row[0] for row in rows[1:]] == ["A1", "A2", "A3", "AGA", rows[-1][0]] and rows[-1][0]
    assert _numbers(rows[1:], report.columns, _csv_value) == expected
    assert rows[3][-2:] == ["155,50", "20/02/2027"] and rows[-1][-2:] == ["1053,50", "20/02/2027"]

    sheet = _xlsx_rows(client.get("/reports/enasarco.xlsx?year=2026&quarter=4"))
    assert [c.value for c in sheet[0]] == rows[0]
    assert _numbers(sheet[1:], report.columns, _xlsx_value) == expected
    assert sheet[-1][0].value == rows[-1][0] and sheet[-1][0].font.b


def test_firr_and_withholding_files(client, auth, year_2026):
    auth.login("auditor")
    firr = tax_reports.firr_year(db.session, 2026)
    # A1 36,000: 6,200 x 4% + 3,100 x 2% + 26,700 x 1% = 248 + 62 + 267; A3 1,000 x 4% (under 3,100)
    assert [(r.code, r.firr) for r in firr.rows] == [("A1", D("577.00")), ("A2", D("4.00")), ("A3", D("40.00"))]
    rows = _csv_rows(client.get("/reports/firr.csv?year=2026"))
    assert _numbers(rows[1:], firr.columns, _csv_value) == _expected(firr)
    sheet = _xlsx_rows(client.get("/reports/firr.xlsx?year=2026"))
    assert _numbers(sheet[1:], firr.columns, _xlsx_value) == _expected(firr)

    f24 = tax_reports.withholding_month(db.session, date(2026, 11, 1))
    sheet = _xlsx_rows(client.get("/reports/withholding.xlsx?month=2026-11"))
    assert _numbers(sheet[1:], f24.columns, _xlsx_value) == _expected(f24)
    assert [c.value for c in sheet[1]][3:6] == [1000, 115, "1040"]


def test_pages_show_the_figures_and_due_dates(client, auth, year_2026):
    auth.login("finance")
    page = client.get("/reports/enasarco?year=2026&quarter=2").get_data(as_text=True)
    # 30,478 - 20,000 = 10,478.00 of base left for May: 890.63 each share
    assert "10.478,00" in page and "890,63" in page and "1.781,26" in page and "20/08/2026" in page
    assert 'href="/reports/enasarco.xlsx?year=2026&amp;quarter=2"' in page
    page = client.get("/reports/firr?year=2026").get_data(as_text=True)
    assert "577,00" in page and "31/03/2027" in page
    page = client.get("/reports/withholding?month=2026-11").get_data(as_text=True)
    assert 'data-testid="payment-date-note"' in page and "16/12/2026" in page and "115,00" in page


def test_htmx_gets_the_report_fragment(client, auth, year_2026):
    auth.login("lead")
    response = client.get("/reports/enasarco?year=2026&quarter=4", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<section id="report">') and "<html" not in body
    assert "257,50" in body  # A3's minimum: 515 x 6 / 12


def test_a_year_without_figures_is_refused(client, auth, network):
    auth.login("finance")
    response = client.get("/reports/firr?year=2019")
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.get("/reports/enasarco.csv?year=2026&quarter=5").status_code == 422
    assert client.get("/reports/withholding?month=march").status_code == 422


@pytest.mark.parametrize(("username", "status"), [("finance", 200), ("auditor", 200), ("admin", 200),
                                                  ("lead", 200), ("backoffice", 403), ("sales", 403),
                                                  ("agente", 403)])
def test_who_may_read_the_reports(client, auth, network, username, status):
    auth.login(username)
    for url in ("/reports/enasarco", "/reports/firr.csv", "/reports/withholding.xlsx"):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("today", "month"), [
    (date(2026, 11, 5), date(2026, 10, 1)),   # October's payments are due on 16 November: still to pay
    (date(2026, 11, 16), date(2026, 10, 1)),  # their due day
    (date(2026, 11, 17), date(2026, 11, 1)),  # paid by now: November's are due next, on 16 December
    (date(2027, 1, 10), date(2026, 12, 1)),   # across the year
])
def test_the_withholding_page_opens_on_the_month_whose_f24_is_due_next(today, month):
    assert month_due_next(today) == month


def test_the_withholding_page_without_a_month_shows_the_month_due_next(client, auth, network):
    auth.login("finance")
    body = client.get("/reports/withholding").get_data(as_text=True)
    assert f'value="{month_due_next():%Y-%m}"' in body
