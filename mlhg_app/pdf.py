"""Render a template to PDF bytes with WeasyPrint.

PDF templates extend `pdf/base.html`, which sets the fonts explicitly in the
`@page` margin boxes (they do not inherit the body's font), the structure's header
(its name, address and SIRET: `structure_of(about)`, the structure of the object the document is about) and
the page numbers, the language (`<html lang="fr">`), the title shown by the
reader (`<title>`) and the author (`<meta name="author">`).

Every PDF is tagged PDF/UA-1 (structure tree, /Lang, dc:title, DisplayDocTitle).
The documents kept for 10 years (ARCHIVED) are PDF/A-3b as well: WeasyPrint 70
makes one variant per document, so `pdf/a-3b+ua-1` below is its PDF/A-3b with
tags on and the PDF/UA-1 identifier (pdfuaid:part) added to the same XMP packet.

The PDFs are written in DejaVu Sans, which draws no emoji. A character it cannot draw (« 🧠 » in a
company's name) is written « □ » (a white square, what a missing glyph looks like) instead of WeasyPrint's .notdef
glyph: PDF/UA-1 and PDF/A-3b forbid .notdef, and the font WeasyPrint encodes around it is read back
by pypdf as « \x00C\x00O\x00N\x00V… » (a signed convention's number was then not found in its text).
"""

import shutil
import subprocess  # nosec B404 # fc-match only, fixed arguments as a list, no shell (_drawn)
import unicodedata
from functools import cache, partial
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


REPLACEMENT = "\u25a1"  # « □ »: readers take U+FFFD for an unmapped glyph and guess another letter
FONT = "DejaVu Sans"


@cache
def _drawn() -> frozenset[int]:
    """The characters the PDFs' font draws, in regular and in bold (empty when the font is not found).
    The font file is the one fontconfig gives Pango, hence WeasyPrint, for FONT (`fc-match`)."""
    from fontTools.ttLib import TTFont  # late: heavy, PDFs only (a dependency of WeasyPrint)

    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return frozenset()
    drawn = None
    for weight in ("regular", "bold"):
        found = subprocess.run(  # nosec B603 # fixed arguments, no shell, the path found by which()
            [fc_match, "--format=%{file}", f"{FONT}:style={weight}"], capture_output=True, text=True, check=False
        )
        path = found.stdout.strip()
        if found.returncode or not path:
            return frozenset()
        cmap = set(TTFont(path, lazy=True).getBestCmap())
        drawn = cmap if drawn is None else drawn & cmap
    return frozenset(drawn)


def drawable(text: str) -> str:
    """`text` with each character the font cannot draw written « □ » (a mark or format character the
    font lacks, such as an emoji's variation selector, is left out): no .notdef glyph in a PDF."""
    drawn = _drawn()
    if text.isascii() or not drawn:
        return text
    out = []
    for char in text:
        if ord(char) in drawn or char in "\n\r\t":
            out.append(char)
        elif unicodedata.category(char) not in ("Mn", "Me", "Cf"):
            out.append(REPLACEMENT)
    return "".join(out)


def render_pdf(template_name: str, context: dict | None = None, *, about=None) -> bytes:
    """The PDF of `template_name`, in the name of the structure of `about` (the object it is about)."""
    from weasyprint import HTML  # imported here: heavy, and only needed for PDFs

    # late: a worker's child imports this module (warm_up) before Django's models are ready
    from mlhg_app.identity import structure_of

    _register_variant()
    ctx = {"generated_at": timezone.localtime(), "structure": structure_of(about), **(context or {})}
    html = drawable(render_to_string(template_name, ctx))
    variant = PDF_A_UA if template_name in ARCHIVED else PDF_UA
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=variant, pdf_identifier=True)


def warm_up() -> None:
    """Import WeasyPrint and lay out a one-line page (fonts found, caches filled): a Celery worker's child
    calls it when it starts (mlhg_app/celery.py), so the first PDF of a job costs what the others do."""
    from weasyprint import HTML  # imported here: heavy, only the worker's children and PDFs load it

    _register_variant()
    HTML(string='<html lang="fr"><title>-</title><p>Mission Locale</p></html>').write_pdf(pdf_variant=PDF_UA)
