"""The plan document: an effective-dated, versioned set of ordered components, as frozen dataclasses.

A plan is data. Every amount and rate is an exact Decimal; every component has an id unique in its plan, a
filter choosing the transactions it applies to, and optionally a hold (the condition under which its lines
are paid). Rate tables are ordered: the first row whose ``when`` matches gives the amount or rate, so
precedence is explicit in the document.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

HoldCondition = Literal["active", "bill_paid", "first_bill_paid", "periods"]
RecurringBasis = Literal["volume", "fixed_fee"]
TierMode = Literal["retroactive", "marginal"]
ClawbackMode = Literal["full", "pro_rata"]
OverrideBasis = Literal["commissions", "amount_billed"]
OneOffDate = Literal["activated_on", "signed_on"]


@dataclass(frozen=True)
class Condition:
    """One filter condition: ``field`` takes one of ``values``."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    """All conditions must hold; an empty filter matches everything."""

    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Hold:
    """Pay a line only once ``until`` holds: supply active, the bill or the first bill paid, N periods passed."""

    until: HoldCondition
    periods: int = 0


@dataclass(frozen=True)
class AmountRow:
    """A rate-table row giving a fixed amount when its conditions match."""

    amount: Decimal
    when: Filter = Filter()


@dataclass(frozen=True)
class RateRow:
    """A rate-table row giving a rate (per unit, or a fraction) when its conditions match."""

    rate: Decimal
    when: Filter = Filter()


@dataclass(frozen=True)
class Tier:
    """A volume tier: from ``start`` (inclusive) of the metric, ``rate`` per unit of the metric."""

    start: Decimal
    rate: Decimal


@dataclass(frozen=True)
class Threshold:
    """A target-bonus step: from ``attainment`` (1 = 100 %), pay ``factor`` × the target incentive."""

    attainment: Decimal
    factor: Decimal


@dataclass(frozen=True)
class OverrideLevel:
    """The upline ``level`` steps above the seller earns ``rate`` × the basis."""

    level: int
    rate: Decimal


@dataclass(frozen=True)
class OneOff:
    """A fixed amount per contract, dated at activation (or signature), from a rate table."""

    id: str
    rate_table: tuple[AmountRow, ...]
    label: str = ""
    filter: Filter = Filter()
    hold: Hold | None = None
    dated_on: OneOffDate = "activated_on"


@dataclass(frozen=True)
class Recurring:
    """A rate per unit billed or a fraction of the fixed fee billed, for ``months`` after activation."""

    id: str
    basis: RecurringBasis
    rate_table: tuple[RateRow, ...]
    months: int
    label: str = ""
    filter: Filter = Filter()
    hold: Hold | None = None


@dataclass(frozen=True)
class Tiers:
    """A volume tier or accelerator on a period metric, retroactive or marginal."""

    id: str
    metric: str
    mode: TierMode
    tiers: tuple[Tier, ...]
    label: str = ""
    filter: Filter = Filter()
    hold: Hold | None = None


@dataclass(frozen=True)
class TargetBonus:
    """A bonus on a KPI's attainment against the partner's target, by thresholds, optionally linear, capped."""

    id: str
    metric: str
    kpi: str
    incentive: Decimal
    thresholds: tuple[Threshold, ...]
    label: str = ""
    filter: Filter = Filter()
    hold: Hold | None = None
    linear: bool = False
    cap: Decimal | None = None


@dataclass(frozen=True)
class SlaFee:
    """A fee per completed job, reduced when the SLA was missed, with penalties for failures and bad ratings."""

    id: str
    rate_table: tuple[AmountRow, ...]
    label: str = ""
    filter: Filter = Filter()
    hold: Hold | None = None
    missed_factor: Decimal = Decimal("0")
    failed_penalty: Decimal = Decimal("0")
    repeat_visit_penalty: Decimal = Decimal("0")
    rating_below: int | None = None
    rating_penalty: Decimal = Decimal("0")


@dataclass(frozen=True)
class Override:
    """The upline earns a rate of its downline's commissions (or billed sales), level by level."""

    id: str
    levels: tuple[OverrideLevel, ...]
    label: str = ""
    basis: OverrideBasis = "commissions"
    of_plans: tuple[str, ...] = ()
    of_kinds: tuple[str, ...] = ("one_off", "recurring", "tier", "clawback")
    filter: Filter = Filter()
    hold: Hold | None = None


@dataclass(frozen=True)
class Clawback:
    """Take back lines of ``of_components`` when the contract ends within ``within_months`` of activation."""

    id: str
    of_components: tuple[str, ...]
    within_months: int
    label: str = ""
    mode: ClawbackMode = "full"
    statuses: tuple[str, ...] = ("terminated", "cancelled")
    filter: Filter = Filter()
    hold: Hold | None = None


@dataclass(frozen=True)
class Advance:
    """An upfront, recoverable amount paid when the assignment starts, recovered from later statements."""

    id: str
    amount: Decimal
    recovery_rate: Decimal
    label: str = "anticipo provvigionale soggetto a conguaglio"
    recovery_cap: Decimal | None = None
    filter: Filter = Filter()
    hold: Hold | None = None


@dataclass(frozen=True)
class Formula:
    """A user-written expression over named period metrics, evaluated per partner by ``calc.formula``.

    With ``kpi`` set, the expression may also use ``target`` (the partner's target for that KPI) and
    ``attainment`` (the period value of ``metric`` divided by that target).
    """

    id: str
    expression: str
    label: str = ""
    kpi: str | None = None
    metric: str | None = None
    filter: Filter = Filter()
    hold: Hold | None = None


Component = OneOff | Recurring | Tiers | TargetBonus | SlaFee | Override | Clawback | Advance | Formula

COMPONENT_KINDS: dict[str, type] = {
    "one_off": OneOff,
    "recurring": Recurring,
    "tiers": Tiers,
    "target_bonus": TargetBonus,
    "sla_fee": SlaFee,
    "override": Override,
    "clawback": Clawback,
    "advance": Advance,
    "formula": Formula,
}
KIND_OF = {cls: kind for kind, cls in COMPONENT_KINDS.items()}


@dataclass(frozen=True)
class Limits:
    """Per partner and period on the plan's lines: a cap on earnings, a floor on the net, a minimum guarantee."""

    cap: Decimal | None = None
    floor: Decimal | None = None
    guarantee: Decimal | None = None


@dataclass(frozen=True)
class Plan:
    """A versioned, effective-dated commission plan: ordered components and optional limits."""

    plan_id: str
    version: int
    name: str
    valid_from: date
    components: tuple[Component, ...]
    valid_to: date | None = None
    limits: Limits = Limits()

    def component(self, component_id: str) -> Component:
        """Return the component with ``component_id``."""
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)


def kind_of(component: Component) -> str:
    """Return the document kind name of ``component`` (e.g. ``one_off``)."""
    return KIND_OF[type(component)]
