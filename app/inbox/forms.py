"""The forms of the inbox: one WTForms class per BPMN form name, and the registry the task page reads.

``REGISTRY`` maps a user task's ``formName`` to its form class, the partial that renders it and the function
that gives the partial its context (``app.inbox.context``). A form's ``task_data()`` is what goes into the
process: decisions and short notes only.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MonthField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.inbox import context


class TaskForm(FlaskForm):
    """A task form: its fields become task data (the CSRF token excepted)."""

    def task_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token" and field.data not in (None, "")}


class NoteForm(TaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


class LoadDataForm(NoteForm):
    """The back-office says the period's data is loaded."""


class FixDataForm(NoteForm):
    """The back-office says the blocking rows are corrected: the check runs again."""


class _DecisionWithReason(TaskForm):
    """A decision whose negative choice needs a reason."""

    NEEDS_REASON = ""
    reason = TextAreaField(_l("Reason"), validators=[Length(max=500)])

    def validate_reason(self, field):
        decision = next(f for name, f in self._fields.items() if isinstance(f, RadioField))
        if decision.data == self.NEEDS_REASON and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason."))


class ValidateCalculationForm(_DecisionWithReason):
    NEEDS_REASON = "send_back"
    validation = RadioField(_l("Decision"), validators=[DataRequired()], choices=[
        ("approve", _l("Validate the calculation")), ("send_back", _l("Send back to loading data"))])


class ApproveInvoiceBatchForm(_DecisionWithReason):
    NEEDS_REASON = "reject"
    approval = RadioField(_l("Decision"), validators=[DataRequired()], choices=[
        ("approve", _l("Approve the invoice batch")), ("reject", _l("Reject the invoice batch"))])


class ReviewStatementForm(_DecisionWithReason):
    NEEDS_REASON = "dispute"
    decision = RadioField(_l("Decision"), validators=[DataRequired()], choices=[
        ("accept", _l("Accept the statement")), ("dispute", _l("Dispute the statement"))])


class ResolveDisputesForm(TaskForm):
    resolution = SelectField(_l("Resolution"), validators=[DataRequired()], choices=[
        ("confirmed", _l("Lines confirmed")), ("corrected", _l("Lines corrected")),
        ("carried", _l("Carried to the next period"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


class FollowUpEscalationForm(TaskForm):
    note = TextAreaField(_l("Follow-up"), validators=[DataRequired(), Length(max=500)])


class DisputeOutcomeForm(TaskForm):
    """The partner has read the outcome of its dispute."""


class ReworkBatchForm(NoteForm):
    """The back-office has corrected the rejected batch."""


class StartCycleForm(FlaskForm):
    month = MonthField(_l("Period"), validators=[DataRequired()])


class InboxFilterForm(FlaskForm):
    """Query-string filters of the inbox (GET, no CSRF)."""

    class Meta:
        csrf = False

    process_id = SelectField(_l("Process"), validators=[Optional()], choices=[
        ("", _l("All processes")), ("commission_cycle", _l("Commission cycle")),
        ("statement_review", _l("Statement review"))])
    period = StringField(_l("Period"), validators=[Optional(), Length(max=7)])
    role = SelectField(_l("Role"), validators=[Optional()], choices=[
        ("", _l("All my roles")), ("backoffice", _l("Back-office")), ("backoffice_lead", _l("Back-office lead")),
        ("finance", _l("Finance")), ("partner", _l("Partner"))])


class HistorySearchForm(FlaskForm):
    """Query-string filters of the process history (GET, no CSRF)."""

    class Meta:
        csrf = False

    period = StringField(_l("Period"), validators=[Optional(), Length(max=7)])
    user = StringField(_l("User"), validators=[Optional(), Length(max=80)])
    event_type = SelectField(_l("Event"), validators=[Optional()])
    since = StringField(_l("From"), validators=[Optional(), Length(max=10)])
    until = StringField(_l("To"), validators=[Optional(), Length(max=10)])


@dataclass(frozen=True)
class TaskPage:
    """How one form name is shown: its form class, its partial and its context function."""

    form: type[TaskForm]
    template: str
    context: Callable[..., dict]


REGISTRY: dict[str, TaskPage] = {
    "load_data": TaskPage(LoadDataForm, "inbox/forms/_load_data.html", context.load_data),
    "fix_data": TaskPage(FixDataForm, "inbox/forms/_fix_data.html", context.data_issues),
    "validate_calculation": TaskPage(ValidateCalculationForm, "inbox/forms/_validate_calculation.html",
                                     context.calculation),
    "review_statement": TaskPage(ReviewStatementForm, "inbox/forms/_review_statement.html", context.statement),
    "resolve_disputes": TaskPage(ResolveDisputesForm, "inbox/forms/_simple.html", context.statement),
    "follow_up_escalation": TaskPage(FollowUpEscalationForm, "inbox/forms/_simple.html", context.statement),
    "dispute_outcome": TaskPage(DisputeOutcomeForm, "inbox/forms/_simple.html", context.statement),
    "approve_invoice_batch": TaskPage(ApproveInvoiceBatchForm, "inbox/forms/_invoice_batch.html", context.batch),
    "rework_batch": TaskPage(ReworkBatchForm, "inbox/forms/_invoice_batch.html", context.batch),
}
