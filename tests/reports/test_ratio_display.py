"""One rule for showing a ratio: one decimal, rounded down, so a figure shown never reaches a
target the real one misses; the same on the dashboard, in the PDFs and in violation evidence."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from recordsportal.ratios import format_ratio, format_target, ratio_shown
from reports.models import Violation
from reports.querysets import Figure
from reports.templatetags.reports_tags import figure


@pytest.mark.parametrize(("value", "shown"), [
    (320 * 100 / 337, Decimal("94.9")),   # 94.955…: rounding would show 95.0 in red
    (4 * 100 / 6, Decimal("66.6")),
    (100.0, Decimal("100.0")),
    (0.04, Decimal("0.0")),
    (95, Decimal("95.0")),
    (None, None),
])
def test_a_ratio_is_shown_rounded_down_to_one_decimal(value, shown):
    assert ratio_shown(value) == shown


def test_the_decimal_mark_is_the_agencys_in_both_languages():
    with translation.override("vi"):
        assert format_ratio(320 * 100 / 337) == "94,9" and format_target(Decimal("45.50")) == "45,5"
        assert format_ratio(None) == "—" and format_target(Decimal("95.00")) == "95"
    with translation.override("en"):  # recordsportal/formats/en: the agency's comma in English too
        assert format_ratio(320 * 100 / 337) == "94,9"


def test_the_dashboard_figure_and_the_pdf_cell_agree_and_a_miss_never_reads_as_the_target():
    fig = Figure(numerator=320, denominator=337, target=95.0)
    assert fig.passes is False
    with translation.override("vi"):
        dashboard = str(figure(fig, "e"))
        pdf_cell = Template('{% include "reports/pdf/_cell.html" %}').render(Context({"f": fig}))
    assert ">94,9%<" in dashboard and "text-danger" in dashboard
    assert "94,9%" in pdf_cell and 'class="fail"' in pdf_cell and "95,0" not in pdf_cell


def test_violation_evidence_reads_in_vietnamese_from_the_counts():
    violation = Violation(evidence={"numerator": 29, "denominator": 32, "excluded": 0, "ratio": 90.63, "target": 95.0})
    with translation.override("vi"):
        assert violation.evidence_summary == "90,6% (29/32), chỉ tiêu 95%"
    # A stored ratio rounded to 95.0 from 94.996 must not reach the target in the summary.
    close_miss = Violation(evidence={"numerator": 23749, "denominator": 25000, "ratio": 95.0, "target": 95.0})
    with translation.override("vi"):
        assert close_miss.evidence_summary.startswith("94,9%")
