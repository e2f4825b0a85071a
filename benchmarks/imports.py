"""Benchmark: import and validate 1,000,000 billing lines from CSV, on PostgreSQL and on SQLite.

The database is seeded through the import path itself: a catalogue, 200 partners and 50,000 contracts (each
imported from a generated CSV). Then a billing CSV of 20 monthly lines for each contract is generated and
imported several times:

- ``new``: every line is new (the billing lines are emptied before each run);
- ``same file``: the same file again, every line unchanged (nothing written);
- ``1% changed``: a copy with 1% of the amounts corrected (new versions, old ones retired).

Each run is a fresh subprocess, so its peak memory (max RSS) is its own. The figures are medians.

Usage (a scratch PostgreSQL database, emptied by the benchmark)::

    createdb -h 127.0.0.1 -U postgres bench_imports
    .venv/bin/python benchmarks/imports.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_imports
    .venv/bin/python benchmarks/imports.py --sqlite /tmp/bench_imports.sqlite --runs 1
"""

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CONTRACTS = 50_000
MONTHS = 20
PARTNERS = 200


def _app(url: str, folder: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "IMPORT_FOLDER": folder, "TESTING": True})


def _reset(url: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db

    app = _app(url, tempfile.mkdtemp())
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        upgrade()
        db.engine.dispose()


def _write(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(path, separator=";")
    return path


def _seed_files(folder: Path) -> list[tuple[str, Path]]:
    catalogue = pl.DataFrame({"record_type": ["product", "offer"], "code": ["ELE", "ELE-FIX"],
                              "name": ["Luce", "Luce Fissa"], "product_code": [None, "ELE"],
                              "commodity": ["electricity", None], "unit": ["kWh", None],
                              "category": [None, "fixed"], "valid_from": [None, "2024-01-01"]})
    partners = pl.DataFrame({"partner_code": [f"P{i:04d}" for i in range(PARTNERS)],
                             "name": [f"Agente {i}" for i in range(PARTNERS)], "kind": "agent",
                             "territory": "Lombardia", "active_from": "2024-01-01"})
    n = pl.int_range(0, CONTRACTS, eager=True)
    contracts = pl.DataFrame({
        "contract_id": "C" + n.cast(pl.String).str.pad_start(7, "0"),
        "customer_id": "CU" + n.cast(pl.String).str.pad_start(7, "0"),
        "customer_name": "Cliente " + n.cast(pl.String), "segment": "residential", "territory": "Lombardia",
        "partner_code": "P" + (n % PARTNERS).cast(pl.String).str.pad_start(4, "0"),
        "product_code": "ELE", "offer_code": "ELE-FIX",
        "supply_point": "IT001E" + n.cast(pl.String).str.pad_start(8, "0"),
        "status": "active", "signed_on": "2024-01-10", "activated_on": "2024-02-01", "yearly_volume": "2700.000",
    })
    return [("catalogue", _write(catalogue, folder / "catalogue.csv")),
            ("partners", _write(partners, folder / "partners.csv")),
            ("contracts", _write(contracts, folder / "contracts.csv"))]


def billing_frame(changed_share: float = 0.0) -> pl.DataFrame:
    """Return 1,000,000 billing lines: 20 months for each of the 50,000 contracts (a share with amounts +0.01)."""
    index = pl.int_range(0, CONTRACTS * MONTHS, eager=True)
    frame = pl.DataFrame({"contract": index // MONTHS, "month": index % MONTHS, "cents": 4000 + (index * 7919) % 6000})
    if changed_share:
        frame = frame.with_columns(pl.col("cents") + (index % round(1 / changed_share) == 0).cast(pl.Int64))
    start = pl.lit(date(2024, 2, 1)).dt.offset_by(pl.format("{}mo", pl.col("month")))
    contract = pl.col("contract").cast(pl.String).str.pad_start(7, "0")
    cents = pl.col("cents")
    return frame.select(
        ("BL" + contract + "-" + pl.col("month").cast(pl.String)).alias("billing_line_id"),
        ("C" + contract).alias("contract_id"),
        start.dt.strftime("%Y-%m-%d").alias("period_start"),
        start.dt.month_end().dt.strftime("%Y-%m-%d").alias("period_end"),
        ("2" + (cents % 100).cast(pl.String).str.pad_start(2, "0") + ".500").alias("volume"),
        ((cents // 100).cast(pl.String) + "." + (cents % 100).cast(pl.String).str.pad_start(2, "0")).alias("amount_billed"),
        pl.lit("12.00").alias("fixed_fee_billed"),
        pl.lit("yes").alias("paid"),
        start.dt.month_end().dt.offset_by("20d").dt.strftime("%Y-%m-%d").alias("paid_on"),
    )


def _import(url: str, folder: str, source: str, path: str, queue) -> None:
    """Import one file in this (child) process and put (status, seconds, counts, max RSS MiB) on ``queue``."""
    from app.extensions import db
    from app.services.imports import runner

    app = _app(url, folder)
    with app.app_context():
        started = time.perf_counter()
        batch = runner.import_file(db.session, None, source, Path(path))
        seconds = time.perf_counter() - started
        counts = (batch.rows_new, batch.rows_changed, batch.rows_unchanged, batch.error_count, batch.warning_count)
        queue.put((batch.status, seconds, counts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _measured(url: str, folder: str, source: str, path: Path) -> tuple:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_import, args=(url, folder, source, str(path), queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _empty_billing(url: str) -> None:
    from sqlalchemy import text

    from app.extensions import db

    app = _app(url, tempfile.mkdtemp())
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM billing_line"))
        if url.startswith("postgresql"):
            connection.execute(text("ANALYZE billing_line"))


def run(url: str, runs: int, folder: Path) -> None:
    """Seed ``url`` and print the figures of each scenario."""
    print(f"\n== {url.split('@')[-1]}")
    _reset(url)
    store = str(folder / "store")
    for source, path in _seed_files(folder):
        status, seconds, counts, _rss = _measured(url, store, source, path)
        print(f"seed {source:<10} {status:<9} {seconds:6.1f} s  new/changed/unchanged/errors/warnings {counts}")
    billing = _write(billing_frame(), folder / "billing.csv")
    corrected = _write(billing_frame(0.01), folder / "billing-corrected.csv")
    print(f"billing file: {billing.stat().st_size / 2**20:.0f} MiB, {CONTRACTS * MONTHS:,} lines")
    scenarios = [("new", billing, True), ("same file", billing, False), ("1% changed", corrected, False)]
    for name, path, empty_first in scenarios:
        times, peaks, counts = [], [], None
        for _ in range(runs if empty_first else 1):
            if empty_first:
                _empty_billing(url)
            status, seconds, counts, rss = _measured(url, store, "billing_lines", path)
            assert status == "imported", status
            times.append(seconds)
            peaks.append(rss)
        median = statistics.median(times)
        print(f"{name:<11} median {median:6.1f} s over {len(times)} run(s) {[round(t, 1) for t in times]}  "
              f"{CONTRACTS * MONTHS / median:10,.0f} rows/s  peak {max(peaks):6.0f} MiB  "
              f"new/changed/unchanged/errors/warnings {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="URL of a scratch PostgreSQL database (its schema is dropped)")
    parser.add_argument("--sqlite", help="path of a scratch SQLite file (replaced)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the 'new' scenario (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            run(args.postgres, args.runs, Path(tmp))
        if args.sqlite:
            run(f"sqlite:///{args.sqlite}", args.runs, Path(tmp))


if __name__ == "__main__":
    main()
