"""The forms of the inbox: one WTForms class per BPMN form name, and the registry the task page reads.

``REGISTRY`` maps a user task's ``formName`` to its form class, the partial that renders it and the function
that gives the partial its context (``app.inbox.context``). A form's ``record()`` gives what goes into the
process: decisions and short notes only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.utils import secure_filename
from wtforms import MonthField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.extensions import db
from app.inbox import context
from app.services.disputes import raising
from app.services.disputes import resolving
from app.statements import disputes as statement_disputes


class TaskForm(FlaskForm):
    """A task form: its fields become task data (the CSRF token excepted).

    ``task`` is the task the form is posted to. ``record`` is called in the transaction that completes the task:
    a form whose decision creates business rows (a dispute, the answers to one) writes them there and returns
    their ids with the decision, so a refused completion rolls both back.
    """

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task

    def record(self, session, user) -> dict:
        """Write what the decision creates and return the task data (by default: the fields)."""
        return self.task_data()

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


class _StatementTaskForm(TaskForm):
    """A form of the statement review: it reads the task and statement of the page it is posted to, and records
    its business rows in the completing transaction (``task_data`` then holds their ids and the decision)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_errors: dict[int, str] = {}

    @cached_property
    def statement(self):
        """The task's statement, read once per request (validation and recording both use it)."""
        return context.statement_of_task(db.session, self.task)

    def _valid(self) -> bool:
        return not self.form_errors and not any(field.errors for field in self)


class ReviewStatementForm(_StatementTaskForm):
    """The partner accepts its statement, or disputes the ticked lines with a reason, claimed amounts and a file."""

    decision = RadioField(_l("Decision"), validators=[DataRequired()], choices=[
        ("accept", _l("Accept the statement")), ("dispute", _l("Dispute the ticked lines"))])
    lines = SelectMultipleField(_l("Disputed lines"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=raising.MAX_REASON)])
    attachment = FileField(_l("Attachment (PDF, PNG or JPEG, at most 5 MB)"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.decision.data == "dispute":
            self._check_dispute()
        return self._valid()

    def _check_dispute(self) -> None:
        try:
            raising.ensure_window_open(self.statement, self.task.due_at)
        except raising.DisputeError as exc:
            self.form_errors.append(str(exc))
            return
        if not (self.reason.data or "").strip():
            self.reason.errors.append(_l("Give the reason of the dispute."))
        if not self.lines.data:
            self.lines.errors.append(_l("Tick the lines you dispute."))
        self.claimed, self.line_errors = statement_disputes.claimed_amounts(request.form, self.lines.data)
        if self.line_errors:
            self.lines.errors.append(_l("Correct the claimed amounts marked below."))
        upload = self.attachment.data
        self.upload = None
        if upload and upload.filename:
            self.upload = raising.Attachment(secure_filename(upload.filename) or "attachment", upload.read())
            try:
                raising.check_attachment(self.upload)
            except raising.DisputeError as exc:
                self.attachment.errors.append(str(exc))

    def record(self, session, user) -> dict:
        statement = self.statement
        if self.decision.data == "accept":
            if statement is not None:
                raising.accept(session, user, statement)
            return {"decision": "accept"}
        dispute = raising.raise_dispute(session, user, statement, self.lines.data, self.reason.data,
                                        self.claimed, self.upload, self.task.due_at)
        return {"decision": "dispute", "dispute_id": dispute.id}


class ResolveDisputesForm(_StatementTaskForm):
    """The back-office answers every disputed line; the statement is revised and closed with the completion."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        pending = [line for dispute in resolving.disputes_of(db.session, self.statement)
                   for line in resolving.pending_lines(dispute)] if self.statement else []
        self.decisions, self.line_errors = statement_disputes.decisions(request.form, pending)
        if self.line_errors:
            self.form_errors.append(_l("Answer or correct the disputed lines marked below."))
        return self._valid()

    def record(self, session, user) -> dict:
        resolving.resolve(session, user, self.decisions)
        if self.statement is not None:
            resolving.close_statement(session, user, self.statement)
        accepted = [d.disputed_line_id for d in self.decisions if d.accept]
        rejected = [d.disputed_line_id for d in self.decisions if not d.accept]
        data = {"resolution": "answered", "accepted_line_ids": accepted, "rejected_line_ids": rejected}
        return data | ({"note": self.note.data} if self.note.data else {})


class FollowUpEscalationForm(TaskForm):
    note = TextAreaField(_l("Follow-up"), validators=[DataRequired(), Length(max=500)])


class DisputeOutcomeForm(TaskForm):
    """The partner has read the outcome of its dispute and the revised statement."""


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
    "review_statement": TaskPage(ReviewStatementForm, "inbox/forms/_review_statement.html", context.review),
    "resolve_disputes": TaskPage(ResolveDisputesForm, "inbox/forms/_resolve_disputes.html", context.dispute_lines),
    "follow_up_escalation": TaskPage(FollowUpEscalationForm, "inbox/forms/_simple.html", context.statement),
    "dispute_outcome": TaskPage(DisputeOutcomeForm, "inbox/forms/_dispute_outcome.html", context.dispute_outcome),
    "approve_invoice_batch": TaskPage(ApproveInvoiceBatchForm, "inbox/forms/_invoice_batch.html", context.batch),
    "rework_batch": TaskPage(ReworkBatchForm, "inbox/forms/_invoice_batch.html", context.batch),
}
