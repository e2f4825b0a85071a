"""A line paid on an installer's job explains the job's outcome in Italian, not with its code."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import CommissionLine
from app.models import ServiceOrder
from app.services import plans

INSTALLERS_PLAN = """
plan_id: installers-test
version: 1
name: Installatori test
valid_from: 2026-01-01
components:
  - kind: sla_fee
    id: jobs
    missed_factor: "0.5"
    failed_penalty: "25.00"
    rate_table:
      - amount: "120.00"
"""


def _order(partner_id: int, external_id: str, day: int, outcome: str) -> ServiceOrder:
    return ServiceOrder(external_id=external_id, partner_id=partner_id, job_type="wallbox",
                        opened_at=datetime(2026, 2, day, 8, tzinfo=UTC),
                        completed_at=datetime(2026, 2, day, 18, tzinfo=UTC), sla_hours=24, outcome=outcome)


def _explanation(page: str, line_id: int) -> str:
    return re.search(rf'<div id="line-explanation-{line_id}".*?</div>', page, re.S).group(0)


def test_a_jobs_outcome_reads_in_italian(backoffice, client, network):
    installer = network.partners["I1"]
    version, _ = plans.import_yaml(db.session, None, INSTALLERS_PLAN, publish=True)
    plans.assign(db.session, None, version.plan, date(2026, 1, 1), group="installer")
    db.session.add_all([_order(installer, "SO-OK", 3, "completed"), _order(installer, "SO-KO", 5, "failed")])
    db.session.commit()
    backoffice.calculate("2026-02")
    lines = {line.source_ref: line.id for line in db.session.scalars(
        select(CommissionLine).where(CommissionLine.partner_id == installer))}
    assert set(lines) == {"SO-OK", "SO-KO"}
    page = client.get(f"/runs/2026-02/partners/{installer}").get_data(as_text=True)
    paid, penalised = _explanation(page, lines["SO-OK"]), _explanation(page, lines["SO-KO"])
    assert "· SLA 24 h · intervento riuscito" in paid
    assert "· SLA 24 h · intervento non riuscito" in penalised
    assert "· completed" not in paid and "· failed" not in penalised
