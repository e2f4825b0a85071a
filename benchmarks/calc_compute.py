"""Benchmark of the calculation alone (no database): synthesizes a network and its transactions, runs
``calc.pipeline.calculate`` several times per size, and prints the median time, transactions per second and
peak RSS.

    .venv/bin/python -m benchmarks.calc_compute            # 10k, 100k and 1M transactions
    .venv/bin/python -m benchmarks.calc_compute 100000 -r 5

(Run it as a module: run as a script, ``benchmarks/calc.py`` beside it would shadow the ``calc`` package.)

Transactions are contracts plus billing lines (one contract for every four billing lines); 1,000 partners in
4 levels (10 agencies, 90 agents, 900 sub-agents and call-centre operators); the agents' commodity plan
(one-off, held one-off, two recurring, accelerator, clawback), the agencies' override on three levels, a
floor and a guarantee: 9 components and limits.
"""

import sys
from pathlib import Path

# benchmarks/calc.py shares the engine package's name: put the project root first, not this folder.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import random
import resource
import statistics
import time
from datetime import date
from datetime import timedelta

import polars as pl

from calc.demo_plans import AGENCIES_OVERRIDE
from calc.demo_plans import AGENTS_COMMODITY
from calc.inputs import SCHEMAS
from calc.inputs import RunInputs
from calc.lineage import empty_lines
from calc.pipeline import calculate
from calc.plan import plan_from_dict

PERIOD = date(2025, 6, 1)
PRODUCTS = ["electricity"] * 6 + ["gas"] * 3 + ["pv"]
TERRITORIES = ["Lombardia", "Piemonte", "Lazio", "Campania", "Sicilia", "Veneto"]


def plans():
    """Return the benchmark plans: agents' commodity plus a bonus formula-free accelerator, agencies' override."""
    agents = dict(AGENTS_COMMODITY)
    agents["components"] = [
        *AGENTS_COMMODITY["components"],
        {
            "kind": "tiers",
            "id": "kwh-accelerator",
            "metric": "kwh_billed",
            "mode": "marginal",
            "tiers": [{"start": "0", "rate": "0.0005"}, {"start": "50000", "rate": "0.001"}],
        },
    ]
    agents["limits"] = {"floor": "0", "guarantee": "50.00"}
    override = dict(AGENCIES_OVERRIDE)
    override["components"] = [
        {**AGENCIES_OVERRIDE["components"][0],
         "levels": [{"level": 1, "rate": "0.10"}, {"level": 2, "rate": "0.03"}, {"level": 3, "rate": "0.01"}]}
    ]
    return [plan_from_dict(agents), plan_from_dict(override)]


def network(rng: random.Random) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return partners, hierarchy and assignments: 10 agencies, 90 agents, 900 sub-agents (4 levels with HQ)."""
    partners, links = [(1, "agency", "Lombardia")], []
    agencies = list(range(2, 12))
    agents = list(range(12, 102))
    subs = list(range(102, 1001))
    for pid in agencies:
        partners.append((pid, "agency", rng.choice(TERRITORIES)))
        links.append((pid, 1))
    for pid in agents:
        partners.append((pid, "agent", rng.choice(TERRITORIES)))
        links.append((pid, rng.choice(agencies)))
    for pid in subs:
        partners.append((pid, "sub_agent", rng.choice(TERRITORIES)))
        links.append((pid, rng.choice(agents)))
    partner_frame = pl.DataFrame(
        {"partner_id": [p[0] for p in partners], "kind": [p[1] for p in partners],
         "territory": [p[2] for p in partners],
         "groups": [["network"] if p[1] != "agency" else ["agencies"] for p in partners]},
        schema=SCHEMAS["partners"],
    )
    hierarchy = pl.DataFrame(
        {"partner_id": [c for c, _ in links], "parent_id": [p for _, p in links],
         "valid_from": [date(2024, 1, 1)] * len(links), "valid_to": [None] * len(links)},
        schema=SCHEMAS["hierarchy"],
    )
    assignments = pl.DataFrame(
        {"plan_id": ["agents-commodity", "agencies-override"], "plan_version": [1, 1],
         "partner_id": [None, None], "group": ["network", "agencies"],
         "valid_from": [date(2025, 1, 1)] * 2, "valid_to": [None, None]},
        schema=SCHEMAS["assignments"],
    )
    return partner_frame, hierarchy, assignments


def _pick(seed: int, modulo: int) -> pl.Expr:
    """Return a pseudo-random integer in [0, modulo) per row, reproducible from ``seed``."""
    return (pl.int_range(pl.len(), dtype=pl.UInt64).hash(seed) % modulo).cast(pl.Int64)


def _choice(seed: int, options: list[str]) -> pl.Expr:
    return _pick(seed, len(options)).replace_strict(dict(enumerate(options)), return_dtype=pl.String)


def transactions(size: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return contracts and billing lines adding up to ``size`` transactions (built column-wise in polars)."""
    n_contracts = size // 5
    n_bills = size - n_contracts
    ids = pl.DataFrame({"contract_id": pl.int_range(1, n_contracts + 1, eager=True)})
    activated = pl.lit(date(2025, 1, 1)) + pl.duration(days=_pick(1, 180))
    ended = _pick(2, 100) < 5
    contracts = ids.with_columns(
        pl.format("IT{}", pl.col("contract_id").cast(pl.String).str.zfill(12)).alias("contract_ref"),
        (_pick(3, 989) + 12).alias("partner_id"),
        _choice(4, PRODUCTS).alias("product"),
        pl.lit("placet").alias("offer"),
        pl.lit("green,fixed").alias("options"),
        pl.lit("commodity").alias("category"),
        _choice(5, ["residential", "residential", "business"]).alias("segment"),
        _choice(6, TERRITORIES).alias("territory"),
        pl.when(ended).then(pl.lit("terminated")).otherwise(pl.lit("active")).alias("status"),
        pl.lit(None, dtype=pl.String).alias("status_reason"),
        (activated - pl.duration(days=20)).alias("signed_on"),
        activated.alias("activated_on"),
        pl.when(ended).then(pl.lit(PERIOD) + pl.duration(days=_pick(7, 30))).alias("terminated_on"),
        (_pick(8, 9_000_000) + 1_000_000).alias("yearly_volume_milli"),
    ).select(list(SCHEMAS["contracts"]))
    paid = _pick(10, 100) < 80
    bills = pl.DataFrame({"billing_line_id": pl.int_range(1, n_bills + 1, eager=True)}).with_columns(
        pl.format("B{}", pl.col("billing_line_id").cast(pl.String).str.zfill(10)).alias("billing_ref"),
        pl.format("IT{}", (_pick(9, n_contracts) + 1).cast(pl.String).str.zfill(12)).alias("contract_ref"),
        pl.lit(PERIOD).alias("period"),
        _pick(11, 600_000).alias("volume_milli"),
        (_pick(12, 29_000) + 1_000).alias("amount_cents"),
        (_pick(13, 1_000) + 500).alias("fixed_fee_cents"),
        paid.alias("paid"),
        pl.when(paid).then(pl.lit(PERIOD + timedelta(days=20))).alias("paid_on"),
    ).select(list(SCHEMAS["billing_lines"]))
    return contracts, bills


def prior_lines(contracts: pl.DataFrame) -> pl.DataFrame:
    """Return earlier one-off lines for the contracts activated before the period (for clawbacks)."""
    earlier = contracts.filter(pl.col("activated_on") < PERIOD)
    frame = earlier.select(
        "partner_id",
        pl.col("activated_on").alias("event_date"),
        pl.col("activated_on").dt.month_start().alias("period"),
        pl.lit(5000).alias("amount_cents"),
        pl.lit("activation").alias("basis"),
        pl.lit("50.00").alias("rate"),
        pl.lit("contract").alias("source_kind"),
        pl.col("contract_ref").alias("source_ref"),
        pl.col("contract_id").alias("source_id"),
        "contract_ref",
        pl.lit("one_off").alias("line_kind"),
    )
    from calc.lineage import complete

    return complete(frame, plan_id="agents-commodity", plan_version=1, component_id="activation",
                    component_kind="one_off")


def peak_rss_mb() -> float:
    """Return the process's peak resident set size in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(size: int, repeats: int) -> None:
    """Run and report one size."""
    rng = random.Random(size)
    partners, hierarchy, assignments = network(rng)
    contracts, bills = transactions(size)
    inputs = RunInputs(partners=partners, hierarchy=hierarchy, assignments=assignments, contracts=contracts,
                       billing_lines=bills)
    prior = prior_lines(contracts) if size else empty_lines()
    the_plans = plans()
    times = []
    cpu = []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = calculate(PERIOD, inputs, the_plans, prior)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    median = statistics.median(times)
    print(
        f"{size:>9,} transactions  median {median:7.3f} s  ({min(times):.3f}–{max(times):.3f}, "
        f"CPU {statistics.median(cpu):.3f} s)  "
        f"{size / median:>11,.0f} tx/s  lines {result.lines.height:>9,}  peak RSS {peak_rss_mb():,.0f} MB"
    )


def main() -> None:
    """Parse arguments and run the sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("-r", "--repeats", type=int, default=5)
    arguments = parser.parse_args()
    print(f"polars {pl.__version__}, threads {pl.thread_pool_size()}, {arguments.repeats} runs per size")
    for size in arguments.sizes:
        bench(size, arguments.repeats)


if __name__ == "__main__":
    main()
