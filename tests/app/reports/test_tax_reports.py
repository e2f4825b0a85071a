"""Tax reports from published statements and issued invoices, to the cent: ENASARCO by quarter (ceiling and
Q4 minimum shortfall), FIRR by year, the F24 withholding summary by month."""

from datetime import date
from decimal import Decimal

from app.extensions import db
from app.services import tax_reports
from tests.app.reports.conftest import utc

D = Decimal


def _figures(row) -> tuple:
    return row.commissions, row.base, row.agent_share, row.principal_share, row.shortfall, row.total


def test_quarters_follow_the_yearly_ceiling(books):
    books.statement("A1", date(2026, 2, 1), "20000.00")
    books.statement("AGA", date(2026, 2, 1), "10000.00")
    books.statement("I1", date(2026, 2, 1), "1000.00")  # an installer: no ENASARCO
    books.statement("A1", date(2026, 4, 1), "8000.00")
    books.statement("A1", date(2026, 5, 1), "7000.00")  # 30,478 - 28,000: only 2,478.00 of base left
    books.statement("A1", date(2026, 7, 1), "5000.00")  # ceiling reached: no contribution

    q1 = tax_reports.enasarco_quarter(db.session, 2026, 1)
    assert q1.due_date == date(2026, 5, 20)
    assert [(r.code, r.mandate) for r in q1.rows] == [("A1", "multi_firm"), ("AGA", "company")]
    assert _figures(q1.rows[0]) == (D("20000.00"), D("20000.00"), D("1700.00"), D("1700.00"), D("0.00"),
                                    D("3400.00"))
    # company scale: 1% agent, 3% principal, no ceiling
    assert _figures(q1.rows[1]) == (D("10000.00"), D("10000.00"), D("100.00"), D("300.00"), D("0.00"),
                                    D("400.00"))
    assert _figures(q1.totals) == (D("30000.00"), D("30000.00"), D("1800.00"), D("2000.00"), D("0.00"),
                                   D("3800.00"))

    q2 = tax_reports.enasarco_quarter(db.session, 2026, 2)
    assert q2.due_date == date(2026, 8, 20)
    assert [r.code for r in q2.rows] == ["A1"]
    # April 8,000 x 8.5% = 680.00; May 2,478 x 8.5% = 210.63 (210.63 rounded half up)
    assert _figures(q2.rows[0]) == (D("15000.00"), D("10478.00"), D("890.63"), D("890.63"), D("0.00"),
                                    D("1781.26"))
    assert q2.totals.total == D("1781.26")

    q3 = tax_reports.enasarco_quarter(db.session, 2026, 3)
    assert _figures(q3.rows[0]) == (D("5000.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"))
    assert q3.due_date == date(2026, 11, 20)


def test_q4_charges_the_minimum_shortfall_to_the_principal(books):
    books.agent("A3", date(2026, 7, 15))  # mandate from mid-July: 6 months of 2026
    books.statement("A3", date(2026, 8, 1), "600.00")
    books.statement("A3", date(2026, 11, 1), "400.00")
    books.statement("A2", date(2026, 3, 1), "100.00")  # whole year, nothing in Q4
    books.statement("B1", date(2026, 3, 1), "200.00")
    books.statement("B1", date(2026, 10, 1), "-200.00")  # a clawback: no commissions in the year
    books.statement("A1", date(2026, 2, 1), "10000.00")  # 1,700 of contributions: above the minimum

    q4 = tax_reports.enasarco_quarter(db.session, 2026, 4)
    assert q4.due_date == date(2027, 2, 20)
    rows = {r.code: r for r in q4.rows}
    assert sorted(rows) == ["A2", "A3", "B1"]
    a3 = rows["A3"]
    assert _figures(a3) == (D("400.00"), D("400.00"), D("34.00"), D("34.00"), D("87.50"), D("155.50"))
    # minimum 515 x 6 / 12 = 257.50; contributions of the year 51 + 51 + 34 + 34 = 170.00
    assert (a3.year_commissions, a3.year_contributions, a3.months, a3.minimum) == (
        D("1000.00"), D("170.00"), 6, D("257.50"))
    a2 = rows["A2"]  # listed for its shortfall only: 515.00 - 17.00
    assert _figures(a2) == (D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("498.00"), D("498.00"))
    assert (a2.months, a2.minimum, a2.year_contributions) == (12, D("515.00"), D("17.00"))
    b1 = rows["B1"]
    assert b1.year_commissions == D("0.00") and b1.shortfall == D("0.00")
    assert _figures(b1) == (D("-200.00"), D("-200.00"), D("-17.00"), D("-17.00"), D("0.00"), D("-34.00"))
    assert _figures(q4.totals) == (D("200.00"), D("200.00"), D("17.00"), D("17.00"), D("585.50"), D("619.50"))
    assert [c.key for c in q4.columns][-7:] == ["year_commissions", "year_contributions", "months", "minimum",
                                                "shortfall", "total", "due_date"]
    assert "shortfall" not in [c.key for c in tax_reports.enasarco_quarter(db.session, 2026, 3).columns]


def test_firr_by_mandate_pro_rated_for_a_mid_year_mandate(books):
    books.statement("A2", date(2026, 3, 1), "5000.00")
    books.statement("A2", date(2026, 9, 1), "2650.80")
    books.agent("A3", date(2026, 7, 15))
    books.statement("A3", date(2026, 8, 1), "2500.00")
    books.statement("A3", date(2026, 11, 1), "1500.00")
    books.statement("AGA", date(2026, 2, 1), "10000.00")  # a company agent: no FIRR
    books.statement("A1", date(2025, 12, 1), "3000.00")  # another year

    report = tax_reports.firr_year(db.session, 2026)
    assert report.due_date == date(2027, 3, 31)
    assert [r.code for r in report.rows] == ["A2", "A3"]
    a2, a3 = report.rows
    # 6,200 x 4% + 1,450.80 x 2% = 248.00 + 29.016 -> 277.02
    assert (a2.mandate, a2.months, a2.commissions, a2.first_threshold, a2.second_threshold, a2.firr) == (
        "multi_firm", 12, D("7650.80"), D("6200.00"), D("9300.00"), D("277.02"))
    # thresholds x 6/12: 3,100 x 4% + 900 x 2% = 124.00 + 18.00 (160.00 without pro-rating)
    assert (a3.months, a3.commissions, a3.first_threshold, a3.second_threshold, a3.firr) == (
        6, D("4000.00"), D("3100.00"), D("4650.00"), D("142.00"))
    assert (report.totals.commissions, report.totals.firr) == (D("11650.80"), D("419.02"))


def test_f24_summary_of_the_invoices_paid_in_a_month(books):
    january = books.statement("A1", date(2026, 1, 1), "1000.00")
    february = {code: books.statement(code, date(2026, 2, 1), amount)
                for code, amount in (("A1", "10000.00"), ("A2", "2000.00"), ("B1", "1000.00"),
                                     ("AGA", "10000.00"), ("I1", "1000.00"))}
    books.invoice(january, utc(2026, 3, 2, 9, 0))
    books.invoice(february["A1"], utc(2026, 3, 10, 10, 0))
    books.invoice(february["AGA"], utc(2026, 3, 5, 8, 0))
    books.invoice(february["I1"], utc(2026, 3, 6, 8, 0))  # an installer: no withholding
    books.invoice(february["A2"], utc(2026, 3, 31, 21, 30))  # 23:30 in Rome: still March
    books.invoice(february["B1"], utc(2026, 3, 31, 22, 30))  # 00:30 on 1 April in Rome

    march = tax_reports.withholding_month(db.session, date(2026, 3, 1))
    assert (march.tax_code, march.due_date, march.payment_date_source) == ("1040", date(2026, 4, 16), "issued_at")
    assert [(r.code, r.invoices, r.taxable, r.withholding) for r in march.rows] == [
        ("A1", 2, D("11000.00"), D("1265.00")),
        ("A2", 1, D("2000.00"), D("230.00")),
        ("AGA", 1, D("10000.00"), D("1150.00")),  # RT02: a company agent still bears the withholding
    ]
    assert (march.totals.invoices, march.totals.taxable, march.totals.withholding) == (
        4, D("23000.00"), D("2645.00"))

    april = tax_reports.withholding_month(db.session, date(2026, 4, 20))
    assert [(r.code, r.withholding) for r in april.rows] == [("B1", D("115.00"))]
    assert april.due_date == date(2026, 5, 16) and april.totals.withholding == D("115.00")


def test_empty_periods_give_empty_reports(app):
    assert tax_reports.enasarco_quarter(db.session, 2026, 4).rows == []
    assert tax_reports.firr_year(db.session, 2026).totals.firr == D("0.00")
    assert tax_reports.withholding_month(db.session, date(2026, 12, 1)).due_date == date(2027, 1, 16)
