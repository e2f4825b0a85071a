"""Process definitions: BPMN files parsed once, cached and versioned by the sha256 of their content.

Each process lives in ``<directory>/<process_id>.bpmn`` (``bpmn/`` at the repository root, plus any directory a
test registers). Starting an instance pins the current version: a ``process_definition`` row keyed by process id
and content hash, holding the BPMN text, so an instance started before an edit keeps running the version it
started with (re-parsed from that row if this process has not seen it yet). Parsed specs are read-only and
shared between threads.
"""

import hashlib
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.models import ProcessDefinition
from workflows.errors import DefinitionNotFound
from workflows.service_tasks import OperationServiceTask

ROOT = Path(__file__).resolve().parent.parent
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


class MandatoBpmnParser(SpiffBpmnParser):
    """Spiff's parser with service tasks bound to the operation registry."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, OperationServiceTask),
    }


@dataclass(frozen=True)
class ParsedProcess:
    """One parsed version of a process: the spec, its subprocess specs and what it catches."""

    process_id: str
    content_hash: str
    spec: object = field(repr=False)
    subprocess_specs: dict = field(repr=False)
    catches_messages: frozenset[str] = frozenset()


_directories: list[Path] = [ROOT / "bpmn"]
_by_hash: dict[tuple[str, str], ParsedProcess] = {}
_files: dict[Path, tuple[int, int, str, bytes]] = {}
_lock = threading.Lock()


def add_directory(path: str | Path) -> None:
    """Look for BPMN files in ``path`` too (before the default ``bpmn/``)."""
    path = Path(path).resolve()
    if path not in _directories:
        _directories.insert(0, path)


def remove_directory(path: str | Path) -> None:
    """Stop looking in ``path`` (tests)."""
    path = Path(path).resolve()
    if path in _directories and path != ROOT / "bpmn":
        _directories.remove(path)


def content_hash(content: bytes) -> str:
    """Return the version key of a BPMN file: the sha256 of its bytes."""
    return hashlib.sha256(content).hexdigest()


def source(process_id: str) -> tuple[Path, str, bytes]:
    """Return the file, content hash and content of the current version of ``process_id``."""
    for directory in _directories:
        path = directory / f"{process_id}.bpmn"
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        cached = _files.get(path)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return path, cached[2], cached[3]
        content = path.read_bytes()
        digest = content_hash(content)
        with _lock:
            _files[path] = (stat.st_mtime_ns, stat.st_size, digest, content)
        return path, digest, content
    raise DefinitionNotFound(f"no BPMN file defines process {process_id!r} (looked for {process_id}.bpmn)")


def parse(process_id: str, digest: str, content: bytes, file_name: str = "") -> ParsedProcess:
    """Return the parsed process for this content, parsing it only the first time."""
    key = (process_id, digest)
    parsed = _by_hash.get(key)
    if parsed is not None:
        return parsed
    parser = MandatoBpmnParser()
    parser.add_bpmn_str(content, filename=file_name or f"{process_id}.bpmn")
    if process_id not in parser.get_process_ids():
        raise DefinitionNotFound(f"{file_name or 'the BPMN file'} has no executable process {process_id!r}")
    parsed = ParsedProcess(
        process_id=process_id,
        content_hash=digest,
        spec=parser.get_spec(process_id),
        subprocess_specs=parser.get_subprocess_specs(process_id),
        catches_messages=_caught_messages(content),
    )
    with _lock:
        _by_hash.setdefault(key, parsed)
    return _by_hash[key]


def _caught_messages(content: bytes) -> frozenset[str]:
    root = etree.fromstring(content)
    ns = {"bpmn": BPMN_NS}
    names = {message.get("id"): message.get("name") for message in root.iterfind(".//bpmn:message", ns)}
    caught = set()
    for tag in ("intermediateCatchEvent", "boundaryEvent", "startEvent", "receiveTask"):
        for element in root.iterfind(f".//bpmn:{tag}", ns):
            refs = [d.get("messageRef") for d in element.iterfind("bpmn:messageEventDefinition", ns)]
            refs.append(element.get("messageRef"))
            caught.update(names.get(ref) for ref in refs if ref)
    return frozenset(name for name in caught if name)


def current(process_id: str) -> ParsedProcess:
    """Return the parsed current version of ``process_id`` (from its file)."""
    path, digest, content = source(process_id)
    return parse(process_id, digest, content, path.name)


def ensure_definition(session: Session, process_id: str) -> tuple[ProcessDefinition, ParsedProcess]:
    """Return the definition row of the current version (inserting it once) and its parsed process."""
    path, digest, content = source(process_id)
    parsed = parse(process_id, digest, content, path.name)
    query = select(ProcessDefinition).where(
        ProcessDefinition.process_id == process_id, ProcessDefinition.content_hash == digest)
    row = session.scalar(query)
    if row is None:
        values = {"process_id": process_id, "content_hash": digest, "file_name": path.name,
                  "bpmn_xml": content.decode("utf-8")}
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # Two first starts after an edit may race: the loser's insert does nothing and it reads the winner's row.
        session.execute(insert(ProcessDefinition).values(**values).on_conflict_do_nothing())
        row = session.scalar(query)
    return row, parsed


def for_definition(definition: ProcessDefinition) -> ParsedProcess:
    """Return the parsed process of a stored definition (the version an instance started with)."""
    key = (definition.process_id, definition.content_hash)
    parsed = _by_hash.get(key)
    if parsed is not None:
        return parsed
    return parse(definition.process_id, definition.content_hash, definition.bpmn_xml.encode("utf-8"),
                 definition.file_name)


def catchers(message_name: str) -> set[str]:
    """Return the ids of the processes (current versions) that can catch the message ``message_name``."""
    found = set()
    for directory in _directories:
        for path in sorted(directory.glob("*.bpmn")):
            try:
                parsed = current(path.stem)
            except DefinitionNotFound:
                continue
            if message_name in parsed.catches_messages:
                found.add(parsed.process_id)
    return found


def clear_cache() -> None:
    """Forget every parsed spec and file hash (tests)."""
    with _lock:
        _by_hash.clear()
        _files.clear()
