"""Issue 17, item 7: in every official PDF (templates/pdf/base.html) the signature block is kept
with the last lines — never alone on the last page. Tables of every length from 20 to 30 rows
are rendered (without the rule, 21–26 rows left the signature alone on page 2)."""

import io

from django.template import Context, Template
from pypdf import PdfReader
from weasyprint import HTML

from recordsportal.pdf import FONT_DIR

DOCUMENT = (
    '{% extends "pdf/base.html" %}{% block doc_title %}Danh sách{% endblock %}{% block body %}'
    '<table class="grid"><thead><tr><th>STT</th><th>Nội dung</th></tr></thead><tbody>'
    '{% for i in rows %}<tr><td>{{ i }}</td><td>Dòng số {{ i }} của bảng</td></tr>{% endfor %}'
    '</tbody></table>{% endblock %}{% block signer_name %}Trần Đình Hải{% endblock %}'
)


def test_the_signature_never_stands_alone_on_the_last_page():
    for rows in range(20, 31):
        html = Template(DOCUMENT).render(Context({"rows": range(1, rows + 1), "agency": {"name": "Ban Quản lý"},
                                                  "font_dir": FONT_DIR.as_uri()}))
        pages = PdfReader(io.BytesIO(HTML(string=html, base_url=str(FONT_DIR)).write_pdf())).pages
        last = pages[-1].extract_text()
        assert "Trần Đình Hải" in last
        assert "Dòng số" in last, f"{rows} rows: the signature stands alone on page {len(pages)}"
