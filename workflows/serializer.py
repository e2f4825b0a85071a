"""Instance state to JSON and back, without the process spec, with Decimal and dates registered.

Spiff's serializer embeds the whole process spec in every instance (about half the bytes). Here the spec is
stored once per version in ``process_definition`` and the instance JSON names it; on load the caller hands the
parsed spec back in. Decimal, date and datetime are registered so money and deadlines survive a round trip.
"""

import json
from datetime import date
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask

from workflows.specs import ParsedProcess


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Write a workflow without its spec; read it back with the spec the caller puts in the dict."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["spec"] = workflow.spec.name
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        parsed: ParsedProcess = dct.pop("parsed")
        dct.pop("spec", None)
        workflow = self.target_class(parsed.spec, parsed.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    registry.register(datetime, lambda v: {"value": v.isoformat()}, lambda d: datetime.fromisoformat(d["value"]))
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]))
    return registry


_serializer = BpmnWorkflowSerializer(_registry())


def embedded_size(workflow: BpmnWorkflow) -> int:
    """Return the size the state would have with Spiff's default serializer, spec embedded (for comparison)."""
    from workflows.service_tasks import OperationServiceTask

    config = dict(SPIFF_CONFIG)
    config[OperationServiceTask] = SPIFF_CONFIG[SpiffServiceTask]
    return len(BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config)).serialize_json(workflow))


def dumps(workflow: BpmnWorkflow) -> str:
    """Return the instance state as JSON text, without the spec."""
    return _serializer.serialize_json(workflow)


def loads(text: str, parsed: ParsedProcess) -> BpmnWorkflow:
    """Return the workflow stored in ``text``, attached to the spec of the version it was started with."""
    dct = json.loads(text)
    _serializer.migrate(dct)
    dct["parsed"] = parsed
    return _serializer.from_dict(dct)
