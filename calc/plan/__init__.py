"""Commission plans: the document model, reading it from plain dicts and writing it back."""

from calc.plan.check import check_plan
from calc.plan.codec import PlanError
from calc.plan.codec import plan_to_dict
from calc.plan.codec import read_dataclass
from calc.plan.model import Advance
from calc.plan.model import AmountRow
from calc.plan.model import Clawback
from calc.plan.model import Component
from calc.plan.model import Condition
from calc.plan.model import Filter
from calc.plan.model import Formula
from calc.plan.model import Hold
from calc.plan.model import Limits
from calc.plan.model import OneOff
from calc.plan.model import Override
from calc.plan.model import OverrideLevel
from calc.plan.model import Plan
from calc.plan.model import RateRow
from calc.plan.model import Recurring
from calc.plan.model import SlaFee
from calc.plan.model import TargetBonus
from calc.plan.model import Threshold
from calc.plan.model import Tier
from calc.plan.model import Tiers
from calc.plan.model import kind_of


def plan_from_dict(data: dict) -> Plan:
    """Read and validate a plan document; raise PlanError naming the path of the first problem."""
    return check_plan(read_dataclass(Plan, data, ""))


__all__ = [
    "Advance",
    "AmountRow",
    "Clawback",
    "Component",
    "Condition",
    "Filter",
    "Formula",
    "Hold",
    "Limits",
    "OneOff",
    "Override",
    "OverrideLevel",
    "Plan",
    "PlanError",
    "RateRow",
    "Recurring",
    "SlaFee",
    "TargetBonus",
    "Threshold",
    "Tier",
    "Tiers",
    "check_plan",
    "kind_of",
    "plan_from_dict",
    "plan_to_dict",
]
