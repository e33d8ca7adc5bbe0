import copy
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from mlhg_app.pdf import render_pdf


@pytest.mark.django_db  # the header is the structure's (mlhg_app.identity)
def test_render_pdf_has_the_mlhg_header_page_numbers_and_the_body(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates

    data = render_pdf("pdf/essai.html", {"lines": range(120)})

    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages >= 2
    first = reader.pages[0].extract_text()
    assert "Mission Locale Haute-Garonne – Analyse de Pratiques Professionnelles" in first
    assert "Relevé d'essai" in first
    assert f"Page 1 sur {pages}" in first
    assert f"Page {pages} sur {pages}" in reader.pages[-1].extract_text()
    assert "Paragraphe numéro 119" in "".join(p.extract_text() for p in reader.pages)
    names = {page["/Resources"]["/Font"][k]["/BaseFont"] for page in reader.pages for k in page["/Resources"]["/Font"]}
    # every text, margin boxes included, is set in the explicit font
    assert names and all("DejaVu" in name for name in names), names
