"""A contracts file with twenty kinds of bad rows: exactly those problems are reported, nothing is imported."""

from flask_babel import force_locale

from app.extensions import db
from app.models import Contract
from app.models import Customer
from app.services.imports import layouts
from app.services.imports import reports
from tests.app.services.imports.conftest import count

HEADER = layouts.CONTRACTS.names
GOOD = {"contract_id": "C-X01", "customer_id": "CU-X01", "customer_name": "Mario Verdi",
        "customer_fiscal_code": "RSSMRA80A01F205X", "segment": "residential", "territory": "Lombardia",
        "city": "Milano", "partner_code": "A1", "product_code": "ELE", "offer_code": "ELE-FIX", "options": "",
        "supply_point": "IT001E12345678", "status": "signed", "status_reason": "", "signed_on": "2026-03-01",
        "activated_on": "", "terminated_on": "", "yearly_volume": "2700.000"}


def _row(number: int, **changes) -> list[str]:
    row = GOOD | {"contract_id": f"C-X{number:02d}", "customer_id": f"CU-X{number:02d}"} | changes
    return [row[name] for name in HEADER]


CASES = [
    (_row(2, customer_fiscal_code="RSSMRA80A01F205Y"), ("customer_fiscal_code", "RSSMRA80A01F205Y",
                                                        "Not a valid fiscal code (check character).")),
    (_row(3, customer_fiscal_code="01234567897"), ("customer_fiscal_code", "01234567897",
                                                   "Not a valid fiscal code (check character).")),
    (_row(4, segment="consumer"), ("segment", "consumer", "Not one of: residential, business.")),
    (_row(5, partner_code="ZZ9"), ("partner_code", "ZZ9", "Unknown partner code.")),
    (_row(6, product_code="WATER"), ("product_code", "WATER", "Unknown product code.")),
    (_row(7, offer_code="ELE-NOPE"), ("offer_code", "ELE-NOPE", "Unknown offer code.")),
    (_row(8, options="GREEN"), ("options", "GREEN", "Unknown option code GREEN.")),
    (_row(9, supply_point="IT001E123"), ("supply_point", "IT001E123",
                                         "Not a POD (IT001E12345678) or a PDR (14 digits).")),
    (_row(10, supply_point="12345678901234"), ("supply_point", "12345678901234",
                                               "Supplies of electricity need a POD code.")),
    (_row(11, supply_point=""), ("supply_point", None, "Supplies of electricity need a supply point code.")),
    (_row(12, status="pending"), ("status", "pending",
                                  "Not one of: signed, validated, switching, active, terminated, cancelled.")),
    (_row(13, status="active"), ("activated_on", None, "Required when status is active, terminated.")),
    (_row(14, status="cancelled"), ("terminated_on", None, "Required when status is terminated, cancelled.")),
    (_row(15, signed_on="2026/03/01"), ("signed_on", "2026/03/01", "Not a date: write YYYY-MM-DD or DD/MM/YYYY.")),
    (_row(16, status="active", activated_on="2026-02-01"), ("activated_on", "2026-02-01", "Before signed_on.")),
    (_row(17, status="terminated", activated_on="2026-04-01", terminated_on="2026-03-15"),
     ("terminated_on", "2026-03-15", "Before activated_on.")),
    (_row(18, yearly_volume="2700.0001"), ("yearly_volume", "2700.0001", "At most 3 decimal places.")),
    (_row(1), ("contract_id", "C-X01", "Same key as row 2.")),
    (_row(20, customer_id="CU-X01", customer_name="Mario Verdi Jr"), ("customer_id", "CU-X01",
                                                                      "Customer details differ from row 2.")),
    (_row(21, customer_name=""), ("customer_name", None, "A value is required.")),
]


def test_twenty_kinds_of_bad_contract_rows_yield_exactly_their_problems(files):
    path = files.csv("contracts.csv", HEADER, [_row(1)] + [values for values, _problem in CASES])
    contracts_before, customers_before = count(Contract), count(Customer)

    batch = files.load("contracts", path)

    assert batch.status == "rejected"
    assert (count(Contract), count(Customer)) == (contracts_before, customers_before)
    with force_locale("en"):
        found = sorted((p.file, p.row, p.column, p.value, p.message) for p in reports.problems(db.session, batch))
    expected = sorted(("contracts.csv", index + 3, column, value, message)
                      for index, (_values, (column, value, message)) in enumerate(CASES))
    assert found == expected
    assert batch.error_count == 20


def test_a_corrected_contract_becomes_a_new_version_and_its_customer_is_updated(files):
    first = files.load("contracts", files.csv("contracts.csv", HEADER, [_row(1)]))
    assert (first.status, first.rows_new) == ("imported", 1)
    corrected = files.load("contracts", files.csv("contracts-2.csv", HEADER, [
        _row(1, customer_name="Mario Verdi Srl", status="validated", yearly_volume="2750,5")]))
    assert (corrected.rows_new, corrected.rows_changed, corrected.rows_unchanged) == (0, 1, 0)
    versions = db.session.scalars(db.select(Contract).where(Contract.external_id == "C-X01")
                                  .order_by(Contract.version)).all()
    assert [(v.version, v.is_current, v.status.value, str(v.yearly_volume), v.import_batch_id) for v in versions] == [
        (1, False, "signed", "2700.000", first.id), (2, True, "validated", "2750.500", corrected.id)]
    customer = db.session.scalar(db.select(Customer).where(Customer.external_id == "CU-X01"))
    assert customer.name == "Mario Verdi Srl"
    assert versions[0].customer_id == versions[1].customer_id == customer.id
