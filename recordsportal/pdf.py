"""PDF documents in the official Vietnamese layout (Decree 30/2020), rendered by WeasyPrint.

Templates extend `pdf/base.html`. Fonts come from `static/fonts` (Noto Serif: every Vietnamese
glyph), so a PDF looks the same on any host. The HTML is rendered from a string with
`<meta charset="utf-8">`: without it WeasyPrint reads UTF-8 as Latin-1 (Phòng → PhÃ²ng).
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML  # imported with the views: the first PDF of a worker is not 3 s slower

from .models import Agency

FONT_DIR = settings.BASE_DIR / "static" / "fonts"


def render_pdf(template_name: str, context: dict) -> bytes:
    agency = Agency.load()
    html = render_to_string(
        template_name,
        {"agency": agency, "today": timezone.localdate(), "font_dir": FONT_DIR.as_uri(), **context},
    )
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()


def pdf_response(template_name: str, context: dict, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(render_pdf(template_name, context), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
