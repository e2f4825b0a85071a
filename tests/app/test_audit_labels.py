"""Every action and entity type the code records in the audit log has a label, so no page shows a bare code."""

import ast
from pathlib import Path

from app.audit.labels import ACTION_LABELS
from app.audit.labels import ENTITY_LABELS
from app.audit.labels import action_label
from app.audit.labels import entity_label
from app.services.imports.sources import catalogue

ROOT = Path(__file__).resolve().parents[2]
# Calls whose action is built at run time, and the actions they build.
DYNAMIC = {
    "app/services/imports/sources/catalogue.py": {f"{kind}.imported_change" for kind in catalogue.MODELS},
    "workflows/api.py": {"workflow.task_claimed", "workflow.task_released"},
}


def _recorded() -> tuple[set[str], set[str], set[str]]:
    """Return the literal actions and entity types of every ``audit.record(...)`` call, and the files whose
    action or entity type is not a literal."""
    actions, entities, dynamic = set(), set(), set()
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("workflows").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                continue
            action, entity = node.args[2], node.args[3]
            for value, found in ((action, actions), (entity, entities)):
                if isinstance(value, ast.Constant):
                    found.add(value.value)
                else:
                    dynamic.add(path.relative_to(ROOT).as_posix())
    return actions, entities, dynamic


def test_every_recorded_action_and_entity_has_a_label():
    actions, entities, dynamic = _recorded()
    assert len(actions) > 50 and "dispute.raised" in actions
    assert dynamic == set(DYNAMIC)
    for built in DYNAMIC.values():
        actions |= built
    # a label may outlive its action: the entries recorded with it stay in the log
    assert actions - set(ACTION_LABELS) == set()
    assert (entities | set(catalogue.MODELS)) - set(ENTITY_LABELS) == set()


def test_labels_translate_and_unknown_codes_read_as_words(app):
    with app.test_request_context():
        assert action_label("dispute.raised") == "Contestazione aperta"
        assert entity_label("human_task") == "Attività"
        assert action_label("ledger.rebuilt_by_hand") == "Ledger rebuilt by hand"
        assert entity_label("ledger_entry") == "Ledger entry"
