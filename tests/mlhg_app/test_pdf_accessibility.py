"""Every kind of PDF the product makes is a tagged PDF/UA-1 that a third-party checker passes.

The PDFs are made from the demo (built through the services), one of each kind, and checked by
`outloud` (PDF/UA-1 conformance plus semantic checks, from PyPI): 0 errors. pypdf reads back what
a reader uses: the structure tree, /MarkInfo, /Lang fr, the XMP title and author, and the PDF/A-3b
identification of the documents kept for 10 years.
"""

import io
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from seances.models import Facture
from tests.pdf_kinds import every_kind_of_pdf

ARCHIVED = {"accusé de réception", "lettre retenu", "lettre non_retenu", "convention", "avenant", "relevé", "facture"}
# The invoice is the prestataire's document: its author is the seller.
AUTHORED_BY_THE_SELLER = {"facture"}


@pytest.fixture
def pdfs(settings, tmp_path):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    paths = {}
    for kind, data in every_kind_of_pdf().items():
        path = tmp_path / (kind.replace(" ", "_").replace("'", "") + ".pdf")
        path.write_bytes(data)
        paths[kind] = path
    return paths


def outloud(path: Path) -> list[dict]:
    """The findings of outloud on one PDF, through its command line (JSON report)."""
    run = subprocess.run(
        [str(Path(sys.executable).with_name("outloud")), str(path), "--json", "-", "--fail-on", "never"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(run.stdout)
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "severity" in node and "message" in node:
                found.append(node)
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(report)
    return found


@pytest.mark.django_db
def test_every_kind_of_pdf_is_tagged_pdf_ua_and_passes_the_checker_with_no_error(pdfs):
    errors, counts = [], {}
    for kind, path in pdfs.items():
        found = outloud(path)
        mine = [f for f in found if f["severity"] == "error"]
        counts[kind] = (len(mine), sum(1 for f in found if f["severity"] == "warning"))
        errors += [f"{kind}: {f.get('rule') or f.get('id')} {f['message']}" for f in mine]
    print("outloud (errors, warnings):", counts)
    assert len(pdfs) == 13
    assert errors == [], "\n".join(errors)
    for kind, path in pdfs.items():
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root, kind
        assert bool(root["/MarkInfo"]["/Marked"]), kind
        assert root["/Lang"] == "fr", kind
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]), kind
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert 'pdfuaid:part="1"' in xmp, kind
        author = "Mission Locale Haute-Garonne"
        if kind in AUTHORED_BY_THE_SELLER:
            author = Facture.objects.order_by("pk").first().prestataire.raison_sociale
        assert author in xmp, kind
        title = reader.metadata.title
        assert title and title != "Document", kind
        assert f">{title}<" in xmp.replace("&amp;", "&").replace("&apos;", "'"), kind
        assert reader.metadata.author == author, kind
        # WeasyPrint writes the PDF/A identification as attributes, factur-x (the invoice) as elements
        xmp = xmp.replace("<pdfaid:part>3</pdfaid:part>", 'pdfaid:part="3"')
        xmp = xmp.replace("<pdfaid:conformance>B</pdfaid:conformance>", 'pdfaid:conformance="B"')
        is_archive = 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
        assert is_archive == (kind in ARCHIVED), kind
