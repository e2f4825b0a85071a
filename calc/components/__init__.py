"""Plan components: one module per kind, all speaking the same small protocol.

Each module has ``STAGE`` (when it runs: ``reward`` on transactions and metrics, ``clawback`` on earlier
lines, ``override`` on this run's lines, ``pay`` on the statement taking shape) and one verb,
``lines(plan, component, run, earlier) -> polars.DataFrame``, returning line columns (see
``calc.lineage.LINE_SCHEMA``) without the plan and component columns, which the pipeline fills in.
``earlier`` is every line produced so far in this run, as a LazyFrame: components filter it before
collecting, so the run's lines are never copied whole.
"""

from calc.components import advance
from calc.components import clawback
from calc.components import formula
from calc.components import one_off
from calc.components import override
from calc.components import recurring
from calc.components import sla_fee
from calc.components import target_bonus
from calc.components import tiers

MODULES = {
    "one_off": one_off,
    "recurring": recurring,
    "tiers": tiers,
    "target_bonus": target_bonus,
    "sla_fee": sla_fee,
    "formula": formula,
    "clawback": clawback,
    "override": override,
    "advance": advance,
}
STAGES = ("reward", "clawback", "override", "pay")
