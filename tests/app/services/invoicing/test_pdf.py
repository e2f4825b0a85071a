"""HTML to PDF: local files stay out of reach, and a batch comes back as one PDF per document, also when a
document runs over one page."""

import io

import pdfkit
import pytest
from pypdf import PdfReader

from app.services import pdf
from tests.app.services.invoicing.batches import pdf_text

LOCAL_FILE = '<html><body><p>ciao</p><img src="file:///etc/hostname"></body></html>'


def _pages(document: bytes) -> int:
    return len(PdfReader(io.BytesIO(document)).pages)


def test_local_files_are_refused():
    command = pdfkit.PDFKit("", "string", options=pdf.OPTIONS, configuration=pdf._configuration()).command()
    assert "--disable-local-file-access" in command and "--disable-javascript" in command
    with pytest.raises(pdf.PdfError, match="wkhtmltopdf failed"):
        pdf.render(LOCAL_FILE)


def test_a_batch_is_split_back_into_one_pdf_per_document(monkeypatch):
    monkeypatch.setattr(pdf, "workers", lambda: 2)
    bodies = [f"<h1>Documento {n}</h1>" for n in range(9)]
    bodies[4] += "<p>riga</p>" * 120  # runs over one page
    before = pdf.process_count()
    documents = pdf.render_many("<style>body { font-family: 'DejaVu Sans'; }</style>", bodies, chunk_size=5)
    assert len(documents) == 9
    assert [_pages(d) for i, d in enumerate(documents) if i != 4] == [1] * 8 and _pages(documents[4]) > 1
    for n, document in enumerate(documents):
        assert pdf_text(document).split()[:2] == ["Documento", str(n)]
    # chunks of 5 and 4; the first holds the long document and is halved until it is alone:
    # [0-4] -> [0-1] + [2-4] -> [2] + [3-4] -> [3] + [4]: 7 calls; the second chunk: 1 call
    assert pdf.process_count() - before == 7 + 1


def test_an_empty_batch_renders_nothing():
    assert pdf.render_many("", []) == []
