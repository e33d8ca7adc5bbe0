"""Render a template to PDF bytes with WeasyPrint.

PDF templates extend `pdf/base.html`, which sets the fonts explicitly in the
`@page` margin boxes (they do not inherit the body's font), the MLHG header and
the page numbers, the language (`<html lang="fr">`), the title shown by the
reader (`<title>`) and the author (`<meta name="author">`).

Every PDF is tagged PDF/UA-1 (structure tree, /Lang, dc:title, DisplayDocTitle).
The documents kept for 10 years (ARCHIVED) are PDF/A-3b as well: WeasyPrint 70
makes one variant per document, so `pdf/a-3b+ua-1` below is its PDF/A-3b with
tags on and the PDF/UA-1 identifier (pdfuaid:part) added to the same XMP packet.
"""

from functools import partial
from xml.etree.ElementTree import fromstring, tostring  # nosec B405 # only WeasyPrint's own XMP packet is parsed

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

PDF_UA = "pdf/ua-1"
PDF_A_UA = "pdf/a-3b+ua-1"

# Receipts, result letters, conventions, avenants, relevés and invoices are kept for 10 years.
ARCHIVED = frozenset(
    {
        "pdf/accuse_reception.html",
        "pdf/lettre.html",
        "pdf/convention.html",
        "pdf/avenant.html",
        "pdf/releve.html",
        "pdf/facture.html",
    }
)

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"


def _with_pdfua_id(generate):
    """Wrap DocumentMetadata.generate_rdf_metadata to declare PDF/UA-1 too."""

    def generate_rdf_metadata(variant, version, conformance):
        rdf = fromstring(generate(variant, version, conformance))  # nosec B314 # XMP WeasyPrint just generated
        rdf.find(f"{_RDF}Description").set(f"{_PDFUAID}part", "1")
        return tostring(rdf, encoding="utf-8")

    return generate_rdf_metadata


def _pdfa_ua(pdf, document, page_streams, attachments, compress, pdfa):
    metadata = document.metadata
    metadata.generate_rdf_metadata = _with_pdfua_id(metadata.generate_rdf_metadata)
    pdfa(pdf, document, page_streams, attachments, compress)


def _register_variant():
    from weasyprint.pdf import VARIANTS  # imported here: WeasyPrint is heavy, loaded only to make a PDF

    if PDF_A_UA not in VARIANTS:
        pdfa, properties = VARIANTS["pdf/a-3b"]
        VARIANTS[PDF_A_UA] = (partial(_pdfa_ua, pdfa=pdfa), {**properties, "pdf_tags": True})


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    from weasyprint import HTML  # imported here: heavy, and only needed for PDFs

    _register_variant()
    ctx = {"generated_at": timezone.localtime(), **(context or {})}
    html = render_to_string(template_name, ctx)
    variant = PDF_A_UA if template_name in ARCHIVED else PDF_UA
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=variant, pdf_identifier=True)
