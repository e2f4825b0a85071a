"""Domain model: one module per aggregate. Importing this package registers every table."""

from app.models.accrual import AccrualLine
from app.models.accrual import AccrualPeriod
from app.models.accrual import AccruedBalance
from app.models.api import ApiToken
from app.models.api import IdempotencyKey
from app.models.audit import AuditEntry
from app.models.catalogue import Offer
from app.models.catalogue import Product
from app.models.catalogue import ProductOption
from app.models.contract import BillingLine
from app.models.contract import Contract
from app.models.contract import ContractStatus
from app.models.contract import Customer
from app.models.cycle import DataIssue
from app.models.imports import ImportBatch
from app.models.imports import ImportMapping
from app.models.imports import ImportProblem
from app.models.invoice import Invoice
from app.models.invoice import InvoiceBatch
from app.models.invoice import InvoiceSequence
from app.models.notification import Notification
from app.models.partner import FiscalProfile
from app.models.partner import Partner
from app.models.partner import PartnerKind
from app.models.partner import PartnerLink
from app.models.plan import PartnerGroupMember
from app.models.plan import Plan
from app.models.plan import PlanAssignment
from app.models.plan import PlanStatus
from app.models.plan import PlanVersion
from app.models.process import HumanTask
from app.models.process import HumanTaskStatus
from app.models.process import InstanceStatus
from app.models.process import JobStatus
from app.models.process import ProcessDefinition
from app.models.process import ProcessEvent
from app.models.process import ProcessInstance
from app.models.process import WorkflowJob
from app.models.run import CalculationRun
from app.models.run import CommissionLine
from app.models.run import CommissionPeriod
from app.models.run import PeriodStatus
from app.models.run import RunComponentTotal
from app.models.run import RunStatus
from app.models.salesforce import SalesforceConnection
from app.models.salesforce import SalesforceFieldMapping
from app.models.salesforce import SalesforceObject
from app.models.salesforce import SalesforceSync
from app.models.service_order import ServiceOrder
from app.models.settings import AccountingMapping
from app.models.settings import CompanySetting
from app.models.settings import EnasarcoLedgerEntry
from app.models.statement import Adjustment
from app.models.statement import Dispute
from app.models.statement import DisputedLine
from app.models.statement import Statement
from app.models.statement import StatementStatus
from app.models.target import Target
from app.models.user import Role
from app.models.user import User
from app.models.user import UserRole

__all__ = [
    "AccountingMapping",
    "AccrualLine",
    "AccrualPeriod",
    "AccruedBalance",
    "Adjustment",
    "ApiToken",
    "AuditEntry",
    "BillingLine",
    "CalculationRun",
    "CommissionLine",
    "CommissionPeriod",
    "CompanySetting",
    "Contract",
    "ContractStatus",
    "Customer",
    "DataIssue",
    "Dispute",
    "DisputedLine",
    "EnasarcoLedgerEntry",
    "FiscalProfile",
    "HumanTask",
    "HumanTaskStatus",
    "IdempotencyKey",
    "ImportBatch",
    "ImportMapping",
    "ImportProblem",
    "InstanceStatus",
    "Invoice",
    "InvoiceBatch",
    "InvoiceSequence",
    "Notification",
    "JobStatus",
    "Offer",
    "Partner",
    "PartnerGroupMember",
    "PartnerKind",
    "PartnerLink",
    "PeriodStatus",
    "Plan",
    "PlanAssignment",
    "PlanStatus",
    "PlanVersion",
    "ProcessDefinition",
    "ProcessEvent",
    "ProcessInstance",
    "Product",
    "ProductOption",
    "Role",
    "RunComponentTotal",
    "RunStatus",
    "SalesforceConnection",
    "SalesforceFieldMapping",
    "SalesforceObject",
    "SalesforceSync",
    "ServiceOrder",
    "Statement",
    "StatementStatus",
    "Target",
    "User",
    "UserRole",
    "WorkflowJob",
]
