"""Benchmark of real-time accruals: the latency from one source event to updated accrued balances.

It builds (or reuses) a database holding ``size`` transactions with ``benchmarks/calc.py``'s loader (1,000
partners in 4 levels, contracts and the period's bills, the agents' plan with 9 components, a floor and a
guarantee, the agencies' three-level override, earlier lines), opens the period for accruals with a full
rebuild, then applies single events the way an import writes them — a contract cancelled within the
clawback window, a contract activated, a billing line arriving, a new contract — and times each from the
written row to the committed balances (``app.services.accrual.refresh`` + commit). With ``--runs N`` it
times N runs of ``--events`` events and prints each run and the median of the runs' p50 and p95, with the
machine's load average (the figures are only comparable at a similar load).

    .venv/bin/python benchmarks/accrual.py                         # PostgreSQL, 1,000,000 transactions
    .venv/bin/python benchmarks/accrual.py --size 100000 --events 100
    .venv/bin/python benchmarks/accrual.py --reuse --runs 3         # keep the loaded database; median of 3 runs
    .venv/bin/python benchmarks/accrual.py --sqlite /tmp/bench_accrual.sqlite --size 100000
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_accrual .venv/bin/python benchmarks/accrual.py
"""

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from datetime import timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_accrual"
KINDS = ("cancellation", "activation", "billing_line", "new_contract")


def _load_calc_benchmark():
    """Load benchmarks/calc.py (its database loader) by path: its name would shadow the ``calc`` package."""
    spec = importlib.util.spec_from_file_location("calc_benchmark", ROOT / "benchmarks" / "calc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


calc_benchmark = _load_calc_benchmark()
PERIOD = calc_benchmark.PERIOD


def _stored_transactions(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT (SELECT count(*) FROM contract) + (SELECT count(*) FROM billing_line "
                                     "WHERE period_start >= :p)"), {"p": PERIOD}).scalar() or 0
    except Exception:  # noqa: BLE001 - no database or no tables yet: build it
        return 0
    finally:
        engine.dispose()


def prepare_postgres(url: str, size: int, reuse: bool) -> None:
    """Build the PostgreSQL database for ``size`` transactions, unless ``reuse`` finds it already built."""
    if reuse and _stored_transactions(url) >= size:
        print(f"reusing {url.rsplit('/', 1)[-1]} ({_stored_transactions(url):,} transactions)")
        return
    started = time.perf_counter()
    calc_benchmark.fresh_database(url)
    calc_benchmark.load(url, size)
    print(f"loaded {size:,} transactions in {time.perf_counter() - started:.0f} s")


def prepare_sqlite(path: Path, size: int) -> str:
    """Build an SQLite database with the same network, transactions, plans and earlier lines."""
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    env = os.environ | {"DATABASE_URL": url, "FLASK_APP": "wsgi.py"}
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    started = time.perf_counter()
    contracts, frames = _source_frames(size)
    engine = create_engine(url)
    with engine.begin() as conn:
        for table, frame in frames:
            columns = ", ".join(frame.columns)
            marks = ", ".join("?" for _ in frame.columns)
            conn.connection.driver_connection.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", frame.rows())
    engine.dispose()
    calc_benchmark._store_plans_and_prior(url, contracts)
    print(f"loaded {size:,} transactions into SQLite in {time.perf_counter() - started:.0f} s")
    return url


def _source_frames(size: int) -> tuple[pl.DataFrame, list[tuple[str, pl.DataFrame]]]:
    """Return the contracts and the rows ``calc.load`` copies into PostgreSQL, as (table, frame), in FK order."""
    compute = calc_benchmark.calc_compute
    partners, hierarchy, _ = compute.network(random.Random(size))
    half = size // 2
    contracts, bills = compute.transactions(half * 5)
    contracts = contracts.head(half)
    bills = bills.head(size - half).with_columns(
        pl.format("IT{}", ((pl.col("billing_line_id") - 1) % half + 1).cast(pl.String).str.zfill(12))
        .alias("contract_ref"))
    text_of = calc_benchmark._decimal_text
    products = calc_benchmark.COMMODITY
    return contracts, [
        ("partner", partners.select(pl.col("partner_id").alias("id"), pl.format("P{}", "partner_id").alias("code"),
                                    pl.format("Partner {}", "partner_id").alias("name"), "kind", "territory",
                                    pl.lit(date(2024, 1, 1)).alias("active_from"))),
        ("partner_link", hierarchy.select("partner_id", "parent_id", "valid_from")),
        ("product", pl.DataFrame({"id": [1, 2, 3], "code": list(products.values()), "name": list(products),
                                  "commodity": list(products)})),
        ("offer", pl.DataFrame({"id": [1, 2, 3], "code": [f"placet-{p}" for p in products], "name": ["Placet"] * 3,
                                "product_id": [1, 2, 3], "category": ["commodity"] * 3,
                                "valid_from": [date(2024, 1, 1)] * 3})),
        ("customer", contracts.select(pl.col("contract_id").alias("id"), pl.format("CU{}", "contract_id")
                                      .alias("external_id"), pl.format("Cliente {}", "contract_id").alias("name"),
                                      "segment", "territory")),
        ("contract", contracts.select(
            pl.col("contract_id").alias("id"), pl.col("contract_ref").alias("external_id"), pl.lit(1).alias("version"),
            pl.lit(True).alias("is_current"), pl.col("contract_id").alias("customer_id"), "partner_id",
            pl.col("product").replace_strict(products).alias("product_code"),
            pl.format("placet-{}", "product").alias("offer_code"), "options",
            pl.col("contract_ref").alias("supply_point"), "status", "signed_on", "activated_on", "terminated_on",
            text_of("yearly_volume_milli", 3).alias("yearly_volume"))),
        ("billing_line", bills.select(
            pl.col("billing_line_id").alias("id"), pl.col("billing_ref").alias("external_id"),
            pl.lit(1).alias("version"), pl.lit(True).alias("is_current"),
            pl.col("contract_ref").alias("contract_external_id"), pl.col("period").alias("period_start"),
            pl.col("period").dt.month_end().alias("period_end"), text_of("volume_milli", 3).alias("volume"),
            text_of("amount_cents", 2).alias("amount_billed"), text_of("fixed_fee_cents", 2).alias("fixed_fee_billed"),
            "paid", "paid_on")),
    ]


def _write_event(session, kind: str, rng: random.Random, serial: int) -> tuple[str, str]:
    """Write one event's rows the way an import does: a new current version, the old one retired."""
    count = session.execute(text("SELECT max(id) FROM contract")).scalar()
    contract_id = rng.randint(1, min(count, 400_000))
    row = session.execute(text("SELECT * FROM contract WHERE external_id = (SELECT external_id FROM contract "
                               "WHERE id = :i) AND is_current"), {"i": contract_id}).mappings().one()
    ref = row["external_id"]
    if kind == "billing_line":
        session.execute(text(
            "INSERT INTO billing_line (external_id, version, is_current, contract_external_id, period_start, "
            "period_end, volume, amount_billed, fixed_fee_billed, paid, paid_on, recorded_at) VALUES (:e, 1, true, "
            ":c, :p, :pe, 321.5, 88.10, 9.50, true, :po, CURRENT_TIMESTAMP)"),
            {"e": f"EV-B{serial}", "c": ref, "p": PERIOD, "pe": PERIOD + timedelta(days=29),
             "po": PERIOD + timedelta(days=12)})
        return "billing", f"EV-B{serial}"
    values = dict(row)
    values.pop("id")
    if kind == "new_contract":
        customer = session.execute(text("INSERT INTO customer (external_id, name, segment, territory) VALUES "
                                        "(:e, 'Cliente evento', 'residential', 'Lazio') RETURNING id"),
                                   {"e": f"EV-CU{serial}"}).scalar()
        ref = f"EV-C{serial}"
        values |= {"external_id": ref, "version": 1, "customer_id": customer, "status": "active",
                   "signed_on": PERIOD, "activated_on": PERIOD + timedelta(days=9), "terminated_on": None}
    else:
        session.execute(text("UPDATE contract SET is_current = false WHERE external_id = :e AND is_current"),
                        {"e": ref})
        values["version"] += 1
        if kind == "cancellation":
            values |= {"status": "cancelled", "terminated_on": PERIOD + timedelta(days=rng.randint(0, 25))}
        else:
            values |= {"status": "active", "signed_on": PERIOD - timedelta(days=5),
                       "activated_on": PERIOD + timedelta(days=rng.randint(0, 25)), "terminated_on": None}
    values["is_current"] = True
    columns = ", ".join(values)
    session.execute(text(f"INSERT INTO contract ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values)
    return "contract", ref


def run_events(url: str, events: int, warmup: int, seed: int) -> dict[str, list[float]]:
    """Open the period (a full rebuild, unless it is open already), then time ``events`` single events; return
    milliseconds per kind."""
    from app import create_app
    from app.extensions import db
    from app.services import accrual

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with app.app_context():
        if PERIOD not in accrual.open_periods(db.session):
            started = time.perf_counter()
            lines = accrual.rebuild(db.session, PERIOD)
            db.session.commit()
            print(f"rebuild of {PERIOD:%Y-%m}: {lines:,} accrual lines in {time.perf_counter() - started:.1f} s")
        # fresh statistics, as autovacuum would keep them (the benchmark server may run without it)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        rng = random.Random(seed)
        first = int(time.time()) % 1_000_000 * 1000  # event references stay new when the database is reused
        for serial in range(first, first + warmup + events):
            kind = KINDS[serial % len(KINDS)]
            source, key = _write_event(db.session, kind, rng, serial)
            db.session.flush()
            started = time.perf_counter()
            if source == "billing":
                accrual.on_billing_lines(db.session, [key])
            else:
                accrual.on_contract_event(db.session, [key])
            db.session.commit()
            if serial >= first + warmup:
                timings[kind].append((time.perf_counter() - started) * 1000)
        db.engine.dispose()
    return timings


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def report(label: str, timings: dict[str, list[float]]) -> None:
    """Print p50 / p95 / max per event kind and over all events."""
    every = [t for values in timings.values() for t in values]
    print(f"{label}: {len(every)} events, event -> committed balances, milliseconds")
    for name, values in (*timings.items(), ("all", every)):
        if values:
            print(f"  {name:<13} n={len(values):>4}  p50 {statistics.median(values):7.1f}  "
                  f"p95 {_percentile(values, 0.95):7.1f}  max {max(values):7.1f}")


def machine_reference() -> str:
    """Return two figures that tell this machine's speed at what an event costs: a small polars step (an event
    runs ~150 of them on frames of a few hundred rows) and plain Python, each the median of 5 timings."""
    frame = pl.DataFrame({"partner_id": [1, 2, 3, 4, 5], "product": ["gas", "pv", "gas", "pv", "gas"]})

    def per_call(step, calls: int) -> float:
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(calls):
                step()
            timings.append((time.perf_counter() - started) / calls)
        return statistics.median(timings)

    step = per_call(lambda: frame.filter(pl.col("product") == "gas"), 500)
    python = per_call(lambda: sum(range(1_000_000)), 5)
    return f"machine: a polars filter on 5 rows {step * 1e6:.0f} µs, sum(range(10**6)) in Python {python * 1e3:.1f} ms"


def _load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    """Parse arguments, build or reuse the database, time the events."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--runs", type=int, default=1, help="repeat the timed events; report the median run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL database when already loaded")
    parser.add_argument("--sqlite", type=Path, help="benchmark SQLite at this path instead of PostgreSQL")
    arguments = parser.parse_args()
    print(f"polars {pl.__version__}, threads {pl.thread_pool_size()}; {machine_reference()}")
    if arguments.sqlite:
        url = prepare_sqlite(arguments.sqlite, arguments.size)
        label = f"SQLite, {arguments.size:,} transactions"
    else:
        url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
        prepare_postgres(url, arguments.size, arguments.reuse)
        label = f"PostgreSQL, {arguments.size:,} transactions"
    runs = []
    for number in range(1, arguments.runs + 1):
        print(f"run {number}: {_load()}")
        timings = run_events(url, arguments.events, arguments.warmup, arguments.seed + number)
        report(f"{label}, run {number}", timings)
        every = [t for values in timings.values() for t in values]
        runs.append((statistics.median(every), _percentile(every, 0.95)))
    if len(runs) > 1:
        print(f"{label}: median of {len(runs)} runs of {arguments.events} events: "
              f"p50 {statistics.median(r[0] for r in runs):.1f} ms, p95 {statistics.median(r[1] for r in runs):.1f} ms "
              f"(each run: {', '.join(f'{p50:.0f}/{p95:.0f}' for p50, p95 in runs)}); {_load()}")


if __name__ == "__main__":
    main()
