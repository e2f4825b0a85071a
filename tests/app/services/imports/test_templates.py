"""Every source's downloadable template imports back cleanly, as CSV and as XLSX, and a second time changes
nothing."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BillingLine
from app.models import Contract
from app.models import Customer
from app.models import FiscalProfile
from app.models import Offer
from app.models import Partner
from app.models import PartnerLink
from app.models import ProductOption
from app.models import ServiceOrder
from app.models import Target
from app.services.imports import examples
from app.services.imports import layouts
from tests.app.services.imports.conftest import count

ORDER = ["catalogue", "partners", "contracts", "status_events", "billing_lines", "service_orders", "targets"]


def _template(files, source: str, fmt: str):
    layout = layouts.get(source)
    path = files.folder / f"{source}-template.{fmt}"
    path.write_bytes(examples.template_csv(layout) if fmt == "csv" else examples.template_xlsx(layout))
    return path


def test_sources_are_documented_in_order():
    assert list(layouts.LAYOUTS) == ORDER
    for source in ORDER:
        layout = layouts.get(source)
        assert all(layouts.text_of(field.help) for field in layout.fields)
        assert set(examples.EXAMPLES[source][0]) <= set(layout.names)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_template_imports_cleanly_in_dependency_order(files, fmt):
    for source in ORDER:
        batch = files.load(source, _template(files, source, fmt))
        assert (batch.status, batch.error_count, batch.warning_count) == ("imported", 0, 0), source
        expected = len(examples.EXAMPLES[source])
        assert batch.rows_new + batch.rows_changed == expected, source
    assert count(ProductOption) == 2 and count(Offer) == 3
    assert db.session.scalar(select(Partner.name).where(Partner.code == "C1")) == "Anna Gialli"
    c1 = db.session.scalar(select(Partner.id).where(Partner.code == "C1"))
    agc = db.session.scalar(select(Partner.id).where(Partner.code == "AGC"))
    assert db.session.scalar(select(PartnerLink.parent_id).where(PartnerLink.partner_id == c1)) == agc
    assert count(FiscalProfile, FiscalProfile.partner_id == c1) == 1
    assert count(Customer, Customer.external_id.in_(["CU-2001", "CU-2002"])) == 2
    contract = db.session.scalar(select(Contract).where(Contract.external_id == "C-2001", Contract.is_current))
    assert (contract.status.value, contract.version, contract.activated_on.isoformat()) == ("active", 4, "2026-04-01")
    assert contract.options == "EBILL,GREEN"
    assert count(BillingLine, BillingLine.import_batch_id.is_not(None)) == 2
    assert count(ServiceOrder) == 2 and count(Target) == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_every_template_twice_changes_nothing(files, fmt):
    models = (Contract, BillingLine, ServiceOrder, Target, Customer, Partner, PartnerLink, FiscalProfile)
    for source in ORDER:
        first = files.load(source, _template(files, source, fmt))
        before = {model.__tablename__: count(model) for model in models}
        again = files.load(source, _template(files, source, fmt))
        assert (again.status, again.rows_new, again.rows_changed) == ("imported", 0, 0), source
        assert again.rows_unchanged == len(examples.EXAMPLES[source]) == first.row_count, source
        assert before == {model.__tablename__: count(model) for model in models}, source


def test_csv_and_xlsx_give_the_same_result(files):
    for source in ORDER:
        files.load(source, _template(files, source, "csv"))
        batch = files.load(source, _template(files, source, "xlsx"))
        assert (batch.rows_new, batch.rows_changed, batch.error_count) == (0, 0, 0), source
        assert batch.rows_unchanged == len(examples.EXAMPLES[source]), source
