"""Seeding the demo: build the network and a year of data in Python, then load it in one transaction.

Everything is generated from ``random.Random`` streams derived from the seed, one per concept, so the same
seed and day give the same data. Ids are assigned here and rows bulk-loaded (:mod:`app.demo.bulk`); users go
through ``create_user`` and the loading ends with a ``demo.seeded`` audit entry. If anything fails there, nothing
is written. Then the commission cycles of the last two months run (:mod:`app.demo.cycles`), committing step by
step as the task pages do.
"""

import gc
import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC
from datetime import date
from datetime import datetime
from time import perf_counter

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo import catalogue as catalogue_module
from app.demo import contracts as contracts_module
from app.demo import network as network_module
from app.demo.billing import BILLING_COLUMNS
from app.demo.billing import BillingRun
from app.demo.bulk import BulkWriter
from app.demo.customers import CUSTOMER_COLUMNS
from app.demo.customers import CustomerBook
from app.demo.cycles import run_demo_cycles
from app.demo.fiscal import PROFILE_COLUMNS
from app.demo.fiscal import fiscal_profiles
from app.demo.fiscal import profile_rows
from app.demo.identifiers import Identifiers
from app.demo.periods import Window
from app.demo.plans import load_demo_plans
from app.demo.principal import SINCE as PRINCIPAL_SINCE
from app.demo.principal import store_demo_principal
from app.demo.service_orders import ORDER_COLUMNS
from app.demo.service_orders import ServiceDesk
from app.demo.summary import summary_text
from app.demo.targets import TARGET_COLUMNS
from app.demo.targets import target_rows
from app.demo.users import USERNAMES
from app.demo.users import create_demo_users
from app.demo.users import demo_users
from app.extensions import db
from app.models import AccountingMapping
from app.models import ImportBatch
from app.models import User
from app.services import accrual
from app.services import audit
from app.services import settings
from app.services.accounting import default_accounting_mappings
from app.services.accounting_export import company_code

DEMO_COMPANY_CODE = "IT01"  # the demo principal's SAP company code (BUKRS)

# Tables that must be empty: seeding twice would duplicate the network or clash on codes.
_MUST_BE_EMPTY = ("partner", "product", "offer", "product_option", "customer", "contract")


class DemoAlreadySeeded(click.ClickException):
    """The database already holds a network: the demo is seeded into an empty database only."""


def _stream(random_seed: int, name: str) -> random.Random:
    return random.Random(f"{random_seed}:{name}")


def _refuse_if_seeded(session: Session, writer: BulkWriter) -> None:
    filled = [table for table in _MUST_BE_EMPTY if writer.count(table)]
    if filled:
        raise DemoAlreadySeeded(
            f"the database already has data ({', '.join(filled)}): the demo seeds an empty database only. "
            "Start from a fresh database (drop it, then `flask db upgrade`) and seed again."
        )
    taken = sorted(session.scalars(select(User.username).where(User.username.in_(USERNAMES))))
    if taken:
        raise DemoAlreadySeeded(f"demo user names already taken: {', '.join(taken)}")


def seed_demo(scale: float = 1.0, random_seed: int = 2026, echo: Callable[[str], None] = print,
              today: date | None = None, cycles: bool = True) -> str:
    """Seed the demo network into the current app's database and return a printable summary.

    With ``cycles`` (the default) the commission cycles of the last two months run on the seeded network.
    """
    if scale <= 0:
        raise click.ClickException("the scale must be positive (1 is about 350 partners and 50,000 contracts)")
    session = db.session
    started = perf_counter()
    collecting = gc.isenabled()
    # Millions of long-lived small objects: the cyclic garbage collector would only rescan them, again and again.
    gc.disable()
    try:
        window = Window(today or date.today())
        counts = _seed(session, scale, random_seed, echo, window)
        session.commit()
        # open the current month for accruals, so the dashboards show the accrued commissions live
        accrual.rebuild(session, window.today.replace(day=1))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if collecting:
            gc.enable()
    if cycles:
        # the cycles commit step by step, as the task pages do: they run on the committed network
        echo("Commission cycles:")
        try:
            counts["cycles"] = run_demo_cycles(session, window.today, echo)
        except BaseException:
            session.rollback()
            raise
    counts["seconds"] = round(perf_counter() - started, 1)
    return summary_text(counts)


class _Stages:
    """Runs and times the loading stages, echoing one line each."""

    def __init__(self, writer: BulkWriter, echo: Callable[[str], None]) -> None:
        self.writer, self.echo, self.counts = writer, echo, {}

    def load(self, table: str, columns: tuple[str, ...], rows) -> int:
        started = perf_counter()
        count = self.writer.write(table, columns, rows)
        self.counts[table] = count
        self.echo(f"  {table:<16} {count:>10,} rows  {perf_counter() - started:6.1f} s")
        return count


def _seed(session: Session, scale: float, random_seed: int, echo: Callable[[str], None], window: Window) -> dict:
    writer = BulkWriter(session.connection(), db.metadata)
    _refuse_if_seeded(session, writer)
    echo(f"Seeding the demo network: scale {scale:g}, seed {random_seed}, year to {window.today.isoformat()}")
    started = perf_counter()
    ids = Identifiers(_stream(random_seed, "identifiers"))
    network = network_module.build_network(_stream(random_seed, "network"), ids, scale, window)
    profiles = fiscal_profiles(_stream(random_seed, "fiscal"), network, window)
    catalogue = catalogue_module.Catalogue(window)
    customers = CustomerBook(_stream(random_seed, "customers"), ids, writer.next_id("customer"))
    contracts = contracts_module.sell(_stream(random_seed, "contracts"), network, catalogue, customers, ids,
                                      window, scale)
    echo(f"  planned {len(network.partners):,} partners and {len(contracts):,} contracts"
         f" in {perf_counter() - started:.1f} s")

    stages = _Stages(writer, echo)
    stages.load("partner", network_module.PARTNER_COLUMNS, network_module.partner_rows(network))
    stages.load("partner_link", network_module.LINK_COLUMNS, network_module.link_rows(network))
    stages.load("fiscal_profile", PROFILE_COLUMNS, profile_rows(profiles, writer.next_id("fiscal_profile")))
    stages.load("product", catalogue_module.PRODUCT_COLUMNS, catalogue.product_rows())
    stages.load("offer", catalogue_module.OFFER_COLUMNS, catalogue.offer_rows())
    stages.load("product_option", catalogue_module.OPTION_COLUMNS, catalogue.option_rows())
    stages.load("customer", CUSTOMER_COLUMNS, customers.rows())

    users = demo_users(network)
    user_ids = create_demo_users(session, users)
    store_demo_principal(session)
    parameters = {"scale": scale, "seed": random_seed, "today": window.today.isoformat()}
    batch = ImportBatch(source="demo", file_name="demo-seed", user_id=user_ids["admin"], row_count=0, status="imported",
                        sha256=hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest())
    session.add(batch)
    session.flush()

    stages.load("contract", contracts_module.CONTRACT_COLUMNS,
                contracts_module.contract_rows(contracts, window, batch.id, writer.next_id("contract")))
    billing = BillingRun(_stream(random_seed, "billing"), window, batch.id, writer.next_id("billing_line"))
    stages.load("billing_line", BILLING_COLUMNS, billing.rows(contracts))
    desk = ServiceDesk(_stream(random_seed, "service"), network, window, batch.id, writer.next_id("service_order"))
    desk.plan(contracts)
    stages.load("service_order", ORDER_COLUMNS, desk.rows())
    jobs = Counter(o.partner_id for o in desk.orders if o.job.outcome == "completed" and o.job.closed_at < desk.cut_off)
    stages.load("target", TARGET_COLUMNS, target_rows(_stream(random_seed, "targets"), network, contracts,
                                                     billing.volume_by_partner, jobs, window,
                                                     writer.next_id("target")))
    writer.finish()

    agency_user = next(u for u in users if u.username == "agenzia")
    counts = dict(stages.counts)
    counts["plan_assignments"] = load_demo_plans(session, None, agency_user.partner.id, window.start)
    session.add_all(AccountingMapping(**row) for row in default_accounting_mappings())
    # SAP vendor numbers: one per partner, as the accounting export needs them
    session.add_all(AccountingMapping(kind="vendor", key=p.code, value=f"{400000 + p.id}", description=p.name[:200])
                    for p in network.partners)
    # ... and the principal's SAP company code, in force for every demo export
    settings.set_value(session, None, company_code.KEY, PRINCIPAL_SINCE, DEMO_COMPANY_CODE)
    batch.row_count = batch.rows_new = counts["contract"] + counts["billing_line"] + counts["service_order"]
    batch.finished_at = datetime.now(UTC)
    counts.update(
        contract_ids=len(contracts), users=len(users), moves=network.moves,
        kinds=dict(Counter(p.kind for p in network.partners)),
        statuses=dict(Counter(c.state.status for c in contracts)),
    )
    audit.record(session, None, "demo.seeded", "import_batch", batch.id, after={**parameters, "rows": stages.counts},
                 summary=f"demo network seeded: {counts['partner']} partners, {len(contracts)} contracts, "
                         f"{counts['billing_line']} billing lines")
    session.flush()
    counts.update(parameters=parameters, window=window, user_list=users, batch_id=batch.id)
    return counts
