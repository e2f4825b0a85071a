"""Time the demo seed on SQLite and PostgreSQL: seconds, database size and row counts, per scale.

Each run seeds a fresh database: a temporary SQLite file, or a throwaway PostgreSQL database created next to
``BENCH_DATABASE_URL`` (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and dropped afterwards.
The schema comes from the migrations (``create_all`` when there are none yet); only the seed is timed.

    .venv/bin/python benchmarks/seed.py --scale 1 --scale 4 --runs 2
    .venv/bin/python benchmarks/seed.py --scale 1 --backend sqlite
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TABLES = ("partner", "partner_link", "fiscal_profile", "customer", "contract", "billing_line", "service_order",
          "target", "user", "audit_entry")


@dataclass
class Result:
    backend: str
    scale: float
    seconds: float
    size_bytes: int
    counts: dict[str, int]


def _prepare_schema(app) -> None:
    from flask_migrate import upgrade

    from app.extensions import db

    if any((ROOT / "migrations" / "versions").glob("*.py")):
        upgrade()
    else:
        db.create_all()


def _seed(url: str, scale: float, seed: int, today: date, verbose: bool) -> tuple[float, dict[str, int]]:
    """Migrate the empty database at ``url``, seed it and return the seconds taken and the row counts."""
    from app import create_app
    from app.demo.seed import seed_demo
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        _prepare_schema(app)
        logging.getLogger("alembic").setLevel(logging.WARNING)
        started = time.perf_counter()
        seed_demo(scale=scale, random_seed=seed, echo=print if verbose else (lambda _line: None), today=today)
        seconds = time.perf_counter() - started
        counts = {table: db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                  for table in TABLES}
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    return seconds, counts


def run_sqlite(scale: float, seed: int, today: date, verbose: bool) -> Result:
    with tempfile.TemporaryDirectory(prefix="mandato-bench-") as folder:
        path = Path(folder) / "demo.sqlite"
        seconds, counts = _seed(f"sqlite:///{path}", scale, seed, today, verbose)
        return Result("sqlite", scale, seconds, path.stat().st_size, counts)


def run_postgres(scale: float, seed: int, today: date, verbose: bool) -> Result:
    admin_url = make_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES))
    name = f"mandato_bench_{os.getpid()}_{int(time.time())}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        target = admin_url.set(database=name).render_as_string(hide_password=False)
        seconds, counts = _seed(target, scale, seed, today, verbose)
        with admin.connect() as conn:
            size = conn.execute(text("SELECT pg_database_size(:name)"), {"name": name}).scalar_one()
        return Result("postgresql", scale, seconds, size, counts)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def _print_result(result: Result, run: int) -> None:
    rows = ", ".join(f"{table} {count:,}" for table, count in result.counts.items())
    print(f"{result.backend:<10} scale {result.scale:g} run {run}: {result.seconds:6.1f} s, "
          f"{_megabytes(result.size_bytes)} — {rows}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="Scale to seed (repeatable; default 1 and 4).")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append",
                        help="Backend to time (repeatable; default both).")
    parser.add_argument("--runs", type=int, default=1, help="Runs per scale and backend; the median is reported.")
    parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
    parser.add_argument("--verbose", action="store_true", help="Print the seed's progress lines.")
    args = parser.parse_args()
    runners = {"sqlite": run_sqlite, "postgresql": run_postgres}
    today = date.today()
    summary = []
    for scale in args.scale or [1.0, 4.0]:
        for backend in args.backend or ["sqlite", "postgresql"]:
            results = []
            for run in range(1, args.runs + 1):
                result = runners[backend](scale, args.seed, today, args.verbose)
                _print_result(result, run)
                results.append(result)
            summary.append((backend, scale, statistics.median(r.seconds for r in results),
                            results[-1].size_bytes, results[-1].counts))
    print("\nMedian seed time and database size")
    print(f"{'backend':<11}{'scale':>6}{'seconds':>10}{'size':>10}{'contracts':>12}{'billing lines':>15}")
    for backend, scale, seconds, size, counts in summary:
        print(f"{backend:<11}{scale:>6g}{seconds:>10.1f}{_megabytes(size):>10}{counts['contract']:>12,}"
              f"{counts['billing_line']:>15,}")


if __name__ == "__main__":
    main()
