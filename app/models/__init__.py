"""Domain model: one module per aggregate. Importing this package registers every table."""

from app.models.audit import AuditEntry
from app.models.catalogue import Offer
from app.models.catalogue import Product
from app.models.catalogue import ProductOption
from app.models.contract import BillingLine
from app.models.contract import Contract
from app.models.contract import ContractStatus
from app.models.contract import Customer
from app.models.imports import ImportBatch
from app.models.imports import ImportMapping
from app.models.imports import ImportProblem
from app.models.partner import FiscalProfile
from app.models.partner import Partner
from app.models.partner import PartnerKind
from app.models.partner import PartnerLink
from app.models.process import HumanTask
from app.models.process import HumanTaskStatus
from app.models.process import InstanceStatus
from app.models.process import JobStatus
from app.models.process import ProcessDefinition
from app.models.process import ProcessEvent
from app.models.process import ProcessInstance
from app.models.process import WorkflowJob
from app.models.plan import PartnerGroupMember
from app.models.plan import Plan
from app.models.plan import PlanAssignment
from app.models.plan import PlanStatus
from app.models.plan import PlanVersion
from app.models.run import CalculationRun
from app.models.run import CommissionLine
from app.models.run import CommissionPeriod
from app.models.run import PeriodStatus
from app.models.run import RunStatus
from app.models.service_order import ServiceOrder
from app.models.target import Target
from app.models.user import Role
from app.models.user import User
from app.models.user import UserRole

__all__ = [
    "CalculationRun",
    "CommissionLine",
    "CommissionPeriod",
    "PartnerGroupMember",
    "PeriodStatus",
    "Plan",
    "PlanAssignment",
    "PlanStatus",
    "PlanVersion",
    "RunStatus",
    "AuditEntry",
    "BillingLine",
    "Contract",
    "ContractStatus",
    "Customer",
    "FiscalProfile",
    "HumanTask",
    "HumanTaskStatus",
    "ImportBatch",
    "ImportMapping",
    "ImportProblem",
    "InstanceStatus",
    "JobStatus",
    "Offer",
    "Partner",
    "PartnerKind",
    "PartnerLink",
    "ProcessDefinition",
    "ProcessEvent",
    "ProcessInstance",
    "Product",
    "ProductOption",
    "Role",
    "ServiceOrder",
    "Target",
    "User",
    "UserRole",
    "WorkflowJob",
]
