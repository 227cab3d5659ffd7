"""Issue 17, item 7: the monthly chart of the PDF report keeps whole department names (wrapped,
never cut), writes "100,0" with the Vietnamese decimal comma, has a title and a legend, and an
empty month draws no chart, only a sentence; the PDF itself reads back with them."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from reports.charts import bar_chart

from .test_dashboard import get, march  # noqa: F401  (the fixture)

LONG = "Phòng Quản lý Quy hoạch, Tài nguyên, Môi trường và Xây dựng"


def _chart(rows, **kwargs):
    with translation.override("vi"):
        return bar_chart(rows, target_e=95.0, target_h=40.0, **kwargs)


def test_long_names_wrap_instead_of_being_cut():
    svg = _chart([(LONG, 100.0, 40.0)])
    assert "Xây dựng" in svg and "Xây dựn<" not in svg
    shown = " ".join(part.split(">", 1)[1] for part in svg.split("<tspan")[1:]).replace("</tspan>", " ").replace("</text>", "")
    assert " ".join(shown.split()).startswith(LONG)


def test_figures_use_the_decimal_comma():
    svg = _chart([("Văn phòng", 100.0, 37.5)])
    assert ">100,0<" in svg and ">37,5<" in svg and "100.0" not in svg


def test_the_chart_has_a_title_and_a_legend():
    svg = _chart([("Văn phòng", 90.0, None)], title="Tỷ lệ E và H tháng 03/2026")
    assert "<title>Tỷ lệ E và H tháng 03/2026</title>" in svg
    assert "E – tỷ lệ văn bản điện tử" in svg and "H – tỷ lệ hồ sơ điện tử" in svg and "chỉ tiêu" in svg


def test_an_empty_month_draws_no_chart():
    out = _chart([("Văn phòng", None, None), ("Phòng Quản lý Đầu tư", None, None)])
    assert "<svg" not in out and "Không có số liệu trong kỳ để vẽ biểu đồ." in out


@pytest.mark.django_db
def test_the_monthly_pdf_carries_the_chart_title_and_legend(agency, login, march):
    response = get(login(agency.leader), "reports:monthly_pdf", month="2026-03")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Tỷ lệ E và H của các phòng, đơn vị, tháng 03/2026" in text
    assert "H – tỷ lệ hồ sơ điện tử" in text


@pytest.mark.django_db
def test_an_empty_month_pdf_has_no_chart(agency, login):
    import datetime

    from reports.compliance import compute_month

    # Computed and empty (no records); a month never computed says so instead (below).
    compute_month(datetime.date(2026, 5, 1))
    response = get(login(agency.leader), "reports:monthly_pdf", month="2026-05")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Không có số liệu trong kỳ để vẽ biểu đồ." in text and "H – tỷ lệ hồ sơ điện tử" not in text
    # January to April were never computed: the year to date says so.
    assert "không có văn bản trong kỳ; từ đầu năm chưa tính" in text


@pytest.mark.django_db
def test_a_month_never_computed_reads_not_computed_in_the_pdf_not_no_records(agency, login, march):
    response = get(login(agency.leader), "reports:monthly_pdf", month="2026-05")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Số liệu tháng 05/2026 chưa được tính." in text
    assert "Văn bản trao đổi, xử lý dưới dạng điện tử: chưa tính; từ đầu năm" in text
    assert "Hồ sơ công việc lập dưới dạng điện tử: chưa tính;" in text
    assert "không có văn bản trong kỳ" not in text and "không có hồ sơ mở trong kỳ" not in text
    assert "Số liệu tháng 05/2026 chưa được tính: chưa có biểu đồ." in text
    assert "Không có số liệu trong kỳ để vẽ biểu đồ." not in text
