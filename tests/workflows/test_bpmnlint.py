"""The process models pass bpmnlint's recommended rules (so standard modelers and viewers take them as they are)."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BPMNLINT = ROOT / "node_modules" / ".bin" / "bpmnlint"


def test_bpmn_files_pass_bpmnlint():
    if not BPMNLINT.exists():
        pytest.skip("node_modules/.bin/bpmnlint is missing: run `npm install` to lint the BPMN files")
    files = ["bpmn/commission_cycle.bpmn", "bpmn/statement_review.bpmn"]
    result = subprocess.run(["npx", "bpmnlint", *files], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "problem" not in result.stdout


def test_every_process_has_diagram_interchange_for_each_element():
    from lxml import etree

    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        root = etree.parse(str(path)).getroot()
        elements = {e.get("id") for e in root.iterfind(".//bpmn:process/*", ns)
                    if etree.QName(e).localname not in ("laneSet",)}
        elements |= {e.get("id") for e in root.iterfind(".//bpmn:lane", ns)}
        drawn = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNShape", ns)}
        drawn |= {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", ns)}
        assert elements <= drawn, f"{path.name}: not drawn: {sorted(elements - drawn)}"
        assert path.stem == root.find(".//bpmn:process", ns).get("id")
