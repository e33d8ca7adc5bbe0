"""Render a template to PDF bytes with WeasyPrint.

PDF templates extend `pdf/base.html`, which sets the fonts explicitly in the
`@page` margin boxes (they do not inherit the body's font), the MLHG header and
the page numbers.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    from weasyprint import HTML  # imported here: heavy, and only needed for PDFs

    ctx = {"generated_at": timezone.localtime(), **(context or {})}
    html = render_to_string(template_name, ctx)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
