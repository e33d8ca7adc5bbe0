"""A PDF's text as its reader gets it (pypdf), for the tests that read the product's PDFs."""

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """Every page's text, pages joined by a line break (a line break inside a page is kept)."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pdf_words(data: bytes) -> str:
    """The text with its line breaks and runs of spaces (no-break ones too) folded to single spaces."""
    return " ".join(pdf_text(data).split())
