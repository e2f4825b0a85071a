"""HTML to PDF through pdfkit and wkhtmltopdf, one document or a whole batch.

wkhtmltopdf runs with local file access disabled, so a document can only show what its HTML carries inline (no
file:// images or style sheets, and a template cannot be made to read files from the server). A process costs
about 0.1 CPU-second before any page is laid out, so a batch is rendered as chunks of many documents, each chunk
in ONE wkhtmltopdf call with a page break between documents, and the pages are split back into one PDF per
document with pypdf. Chunks run in parallel, one wkhtmltopdf per core.

A chunk is split by page count: when it has one page per document each page is a document. When a document runs
over one page, the chunk is halved and rendered again until every part is either one page per document or a
single document, so the split never depends on markers in the text.
"""

import io
import os
import shutil
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pdfkit
from pypdf import PdfReader
from pypdf import PdfWriter

OPTIONS = {
    "disable-local-file-access": "",
    "disable-javascript": "",
    "quiet": "",
    "encoding": "UTF-8",
    "page-size": "A4",
    "margin-top": "14mm",
    "margin-bottom": "14mm",
    "margin-left": "14mm",
    "margin-right": "14mm",
}
CHUNK_SIZE = 50
PAGE_BREAK = '<div style="page-break-before: always"></div>'

_calls_lock = threading.Lock()
_call_count = 0


class PdfError(RuntimeError):
    """wkhtmltopdf is missing or failed on a document."""


def process_count() -> int:
    """Return how many wkhtmltopdf processes this process has started."""
    return _call_count


def _configuration():
    binary = shutil.which("wkhtmltopdf")
    if binary is None:
        raise PdfError("wkhtmltopdf is not installed (Debian package wkhtmltopdf)")
    return pdfkit.configuration(wkhtmltopdf=binary)


def render(html: str) -> bytes:
    """Return the PDF of one self-contained HTML document."""
    global _call_count
    with _calls_lock:
        _call_count += 1
    try:
        return pdfkit.from_string(html, False, options=OPTIONS, configuration=_configuration())
    except OSError as exc:
        raise PdfError(f"wkhtmltopdf failed: {str(exc).strip()[:500]}") from exc


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _split_pages(pdf: bytes) -> list[bytes]:
    """Return one PDF per page of ``pdf``."""
    reader = PdfReader(io.BytesIO(pdf))
    documents = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        documents.append(buffer.getvalue())
    return documents


def _combined(head: str, bodies: Sequence[str]) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>'
            f"{PAGE_BREAK.join(bodies)}</body></html>")


def _render_chunk(head: str, bodies: Sequence[str]) -> list[bytes]:
    """Render ``bodies`` in one call and return one PDF per body (halving the chunk when pages overflow)."""
    pdf = render(_combined(head, bodies))
    if len(bodies) == 1:
        return [pdf]
    if _page_count(pdf) == len(bodies):
        return _split_pages(pdf)
    middle = len(bodies) // 2
    return _render_chunk(head, bodies[:middle]) + _render_chunk(head, bodies[middle:])


def workers() -> int:
    """Return how many wkhtmltopdf processes run at once: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def render_many(head: str, bodies: Sequence[str], *, chunk_size: int = CHUNK_SIZE) -> list[bytes]:
    """Return one PDF per body, in order; every body is laid out under the same ``head`` (its style sheet)."""
    if not bodies:
        return []
    parallel = workers()
    size = max(1, min(chunk_size, -(-len(bodies) // parallel)))
    chunks = [bodies[start:start + size] for start in range(0, len(bodies), size)]
    if len(chunks) == 1:
        return _render_chunk(head, chunks[0])
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="pdf") as pool:
        parts = list(pool.map(lambda chunk: _render_chunk(head, chunk), chunks))
    return [pdf for part in parts for pdf in part]
