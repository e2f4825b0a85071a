"""End-to-end benchmark of a calculation run on PostgreSQL: read the period's inputs, compute, write every
line with its lineage, in one transaction, through ``app.services.calculation.runner.run_period``.

For each size it builds a fresh database (1,000 partners in 4 levels; contracts and the period's billing lines
in equal numbers, adding up to the size), stores the benchmark plans (agents' commodity plan with 9 components
and limits, the agencies' three-level override) and an earlier period's lines (for clawbacks), then runs the
period several times, each in a fresh process so peak memory is the run's own.

    .venv/bin/python benchmarks/calc.py                      # 10k, 100k, 1M transactions, 3 runs each
    .venv/bin/python benchmarks/calc.py 1000000 -r 5
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_calc .venv/bin/python benchmarks/calc.py
"""

import argparse
import importlib.util
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
# This script is named like the ``calc`` package: put the project root first, not this folder.
sys.path[0] = str(ROOT)


def _load_compute_benchmark():
    """Load benchmarks/calc_compute.py (its synthetic network and transactions) by path."""
    spec = importlib.util.spec_from_file_location("calc_compute", ROOT / "benchmarks" / "calc_compute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


calc_compute = _load_compute_benchmark()

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_calc"
PERIOD = calc_compute.PERIOD
COMMODITY = {"electricity": "ELE", "gas": "GAS", "pv": "PV"}


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def fresh_database(url: str) -> None:
    """Drop and create the benchmark database, then migrate it."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    env = os.environ | {"DATABASE_URL": url, "FLASK_APP": "wsgi.py"}
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def _copy(conn, table: str, frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="\\N", date_format="%Y-%m-%d")
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(
        f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    ) as copy:
        copy.write(buffer.getvalue())


def _decimal_text(column: str, places: int) -> pl.Expr:
    scale = 10 ** places
    value = pl.col(column)
    return pl.format("{}.{}", value // scale, (value % scale).cast(pl.String).str.zfill(places))


def load(url: str, size: int) -> None:
    """Fill the database with the network, contracts, the period's bills, plans and earlier lines."""
    import random

    partners, hierarchy, _assignments = calc_compute.network(random.Random(size))
    half = size // 2
    contracts, bills = calc_compute.transactions(half * 5)  # one contract for four bills: plenty of both
    contracts = contracts.head(half)
    bills = bills.head(size - half).with_columns(
        pl.format("IT{}", ((pl.col("billing_line_id") - 1) % half + 1).cast(pl.String).str.zfill(12))
        .alias("contract_ref"))
    engine = create_engine(url)
    with engine.begin() as conn:
        _copy(conn, "partner", partners.select(
            pl.col("partner_id").alias("id"), pl.format("P{}", "partner_id").alias("code"),
            pl.format("Partner {}", "partner_id").alias("name"), "kind", "territory",
            pl.lit(date(2024, 1, 1)).alias("active_from")))
        _copy(conn, "partner_link", hierarchy.select("partner_id", "parent_id", "valid_from"))
        _copy(conn, "product", pl.DataFrame({"id": [1, 2, 3], "code": list(COMMODITY.values()),
                                             "name": list(COMMODITY), "commodity": list(COMMODITY)}))
        _copy(conn, "offer", pl.DataFrame({"id": [1, 2, 3], "code": [f"placet-{p}" for p in COMMODITY],
                                           "name": ["Placet"] * 3, "product_id": [1, 2, 3],
                                           "category": ["commodity"] * 3, "valid_from": [date(2024, 1, 1)] * 3}))
        _copy(conn, "customer", contracts.select(
            pl.col("contract_id").alias("id"), pl.format("CU{}", "contract_id").alias("external_id"),
            pl.format("Cliente {}", "contract_id").alias("name"), "segment", "territory"))
        _copy(conn, "contract", contracts.select(
            "contract_id", pl.col("contract_ref").alias("external_id"), pl.lit(1).alias("version"),
            pl.lit(True).alias("is_current"), pl.col("contract_id").alias("customer_id"), "partner_id",
            pl.col("product").replace_strict(COMMODITY).alias("product_code"),
            pl.format("placet-{}", "product").alias("offer_code"), "options",
            pl.col("contract_ref").alias("supply_point"), "status", "signed_on", "activated_on", "terminated_on",
            _decimal_text("yearly_volume_milli", 3).alias("yearly_volume"),
        ).rename({"contract_id": "id"}))
        _copy(conn, "billing_line", bills.select(
            pl.col("billing_line_id").alias("id"), pl.col("billing_ref").alias("external_id"),
            pl.lit(1).alias("version"), pl.lit(True).alias("is_current"),
            pl.col("contract_ref").alias("contract_external_id"), pl.col("period").alias("period_start"),
            pl.col("period").dt.month_end().alias("period_end"), _decimal_text("volume_milli", 3).alias("volume"),
            _decimal_text("amount_cents", 2).alias("amount_billed"),
            _decimal_text("fixed_fee_cents", 2).alias("fixed_fee_billed"), "paid", "paid_on"))
        for table in ("partner", "customer", "contract", "billing_line", "product", "offer"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    engine.dispose()
    _store_plans_and_prior(url, contracts)


def _store_plans_and_prior(url: str, contracts: pl.DataFrame) -> None:
    os.environ["DATABASE_URL"] = url
    from app import create_app
    from app.extensions import db
    from app.models.run import CalculationRun
    from app.models.run import RunStatus
    from app.services import plans as stored_plans
    from app.services.calculation import lines as stored_lines
    from app.services.calculation.runner import period_of
    from calc.plan import plan_to_dict

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        for document, group in zip(calc_compute.plans(), ("network", "agencies"), strict=True):
            import yaml

            version, _ = stored_plans.import_yaml(db.session, None, yaml.safe_dump(plan_to_dict(document)), True)
            stored_plans.assign(db.session, None, version.plan, date(2025, 1, 1), group=group)
        db.session.execute(text("INSERT INTO partner_group_member (partner_group, partner_id) "
                                "SELECT CASE WHEN kind = 'agency' THEN 'agencies' ELSE 'network' END, id FROM partner"))
        earlier = period_of(db.session, date(PERIOD.year, PERIOD.month - 1, 1))
        run = CalculationRun(period_id=earlier.id, version=1, status=RunStatus.SUCCEEDED)
        db.session.add(run)
        db.session.flush()
        stored_lines.write(db.session, run.id, calc_compute.prior_lines(contracts))
        earlier.current_run_id = run.id
        db.session.commit()
        db.engine.dispose()


def reset_runs(url: str) -> None:
    """Forget the benchmark period's runs so the next run computes again."""
    engine = create_engine(url)
    with engine.begin() as conn:
        period = conn.execute(text("SELECT id FROM commission_period WHERE month = :m"), {"m": PERIOD}).scalar()
        if period is not None:
            conn.execute(text("UPDATE commission_period SET current_run_id = NULL WHERE id = :p"), {"p": period})
            conn.execute(text("DELETE FROM commission_line WHERE run_id IN "
                              "(SELECT id FROM calculation_run WHERE period_id = :p)"), {"p": period})
            conn.execute(text("DELETE FROM run_component_total WHERE run_id IN "
                              "(SELECT id FROM calculation_run WHERE period_id = :p)"), {"p": period})
            conn.execute(text("DELETE FROM calculation_run WHERE period_id = :p"), {"p": period})
    engine.dispose()


def run_once(url: str) -> None:
    """Time one run in this process and print a JSON line (called in a subprocess)."""
    from app import create_app
    from app.extensions import db
    from app.services.calculation import runner

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        marks = {}
        started = time.perf_counter()

        def progress(percent: int, message: str) -> None:
            marks[message] = time.perf_counter() - started

        outcome = runner.run_period(db.session, None, PERIOD, progress=progress)
        db.session.commit()
        elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "transactions": outcome.transactions, "lines": outcome.line_count,
                      "read": marks.get("computing"), "compute_done": marks.get("writing lines"), "marks": marks,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def bench(url: str, size: int, repeats: int) -> None:
    """Build the database for ``size`` and time ``repeats`` runs."""
    fresh_database(url)
    load(url, size)
    results = []
    for _ in range(repeats):
        reset_runs(url)
        done = subprocess.run([sys.executable, __file__, "--run-once", url], cwd=ROOT, check=True,
                              capture_output=True, text=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    seconds = statistics.median(r["seconds"] for r in results)
    read = statistics.median(r["read"] for r in results)
    compute = statistics.median(r["compute_done"] - r["read"] for r in results)
    write = seconds - read - compute
    last = results[-1]
    print(f"{last['transactions']:>9,} transactions  end to end median {seconds:6.2f} s "
          f"(read {read:.2f}, compute {compute:.2f}, write+commit {write:.2f})  {last['lines']:>9,} lines  "
          f"{last['transactions'] / seconds:>9,.0f} tx/s  peak RSS {max(r['peak_mb'] for r in results):,.0f} MB  "
          f"runs {', '.join(format(r['seconds'], '.2f') for r in results)}")
    print("  stage marks (s since start):", {k: round(v, 2) for k, v in last["marks"].items()})


def main() -> None:
    """Parse arguments and run the sizes."""
    if len(sys.argv) == 3 and sys.argv[1] == "--run-once":
        run_once(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("-r", "--repeats", type=int, default=3)
    arguments = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"PostgreSQL {url.rsplit('@', 1)[-1]}, {arguments.repeats} runs per size, polars {pl.__version__}")
    for size in arguments.sizes:
        bench(url, size, arguments.repeats)


if __name__ == "__main__":
    main()
