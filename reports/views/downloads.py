"""The leadership's reports: monthly compliance, violations, year-end emulation; PDF and .xlsx."""


from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from recordsportal.exports import Export, count_upto, export_builder, export_response
from recordsportal.guards import role_required
from recordsportal.models import Agency
from recordsportal.params import parse_month, parse_year
from recordsportal.pdf import pdf_response
from recordsportal.roles import Role
from recordsportal.xlsx import xlsx_response

from .. import dashboard as board
from recordsportal.ratios import ratio_shown

from ..charts import bar_chart
from ..querysets import violations_visible_to
from ..querysets import emulation_summary, violation_summary_by_department, violations_as_of

REPORT_ROLES = (Role.LEADERSHIP, Role.OFFICE, Role.ADMIN)


def _percent(figure):
    shown = ratio_shown(figure.ratio)
    return float(shown) if shown is not None else None


def _monthly_context(user, month):
    data = board.build(user, month)
    agency = Agency.load()
    top_rows = [row for row in data.rows if row.depth == 0]
    if data.as_of is None:
        # Never computed is not "no records": the chart's place says which.
        from django.utils.html import format_html

        chart = format_html('<p class="no-chart">{}</p>',
                            _("Số liệu tháng %(m)s chưa được tính: chưa có biểu đồ.") % {"m": month.strftime("%m/%Y")})
    else:
        chart = bar_chart(
            [(row.label, _percent(row.e_month), _percent(row.h_month)) for row in top_rows],
            target_e=float(agency.target_electronic_exchange), target_h=float(agency.target_electronic_dossiers),
            title=_("Tỷ lệ E và H của các phòng, đơn vị, tháng %(m)s") % {"m": month.strftime("%m/%Y")},
        )
    # bar_chart escapes every label and writes only numbers otherwise: its SVG is safe markup.
    return {"d": data, "month": month, "rows": data.rows, "chart": mark_safe(chart)}  # nosec B308 B703


def _year(request) -> int:
    return parse_year(request.GET.get("year"))


@role_required(*REPORT_ROLES)
def monthly_pdf(request):
    month = parse_month(request.GET.get("month"))
    return pdf_response("reports/pdf/monthly.html", _monthly_context(request.user, month),
                        f"bao-cao-chi-tieu-{month:%Y-%m}.pdf")


def _fmt(figure):
    shown = ratio_shown(figure.ratio)
    if not figure.computed:
        return f"{shown}% *" if shown is not None else _("— (chưa tính)")
    return f"{shown}%" if shown is not None else "—"


def _as_of_line(data, month) -> str:
    """The workbook's "as of" line: when the figures were computed, and whether the month is closed."""
    from django.utils import timezone

    if data.as_of is None:
        return _("Số liệu tháng %(m)s chưa được tính.") % {"m": month.strftime("%m/%Y")}
    state = _("đã chốt") if data.month_state.closed_at else _("chưa chốt")
    return _("Số liệu tính đến %(t)s (tháng %(s)s). \"—\": không có hồ sơ, văn bản trong kỳ; \"*\": có tháng chưa tính.") % {
        "t": timezone.localtime(data.as_of).strftime("%H:%M %d/%m/%Y"), "s": state}


@role_required(*REPORT_ROLES)
def monthly_xlsx(request):
    month = parse_month(request.GET.get("month"))
    data = board.build(request.user, month)
    headers = [_("Phòng, đơn vị"), _("VB điện tử"), _("Tổng VB"), _("Tỉ lệ VB điện tử"), _("VB mật (không tính)"),
               _("VB điện tử từ đầu năm"), _("Tổng VB từ đầu năm"), _("HS điện tử"), _("Tổng HS"), _("Tỉ lệ HS điện tử"),
               _("HS điện tử từ đầu năm"), _("Tổng HS từ đầu năm")]

    def counts(figure, *values):
        # A period never computed has no counts: empty cells, not zeros that read as "no records".
        never = not figure.computed and not (figure.numerator or figure.denominator or figure.excluded)
        return [None if never else value for value in values]

    def line(row):
        e_month, e_year, h_month, h_year = row.e_month, row.e_year, row.h_month, row.h_year
        return [row.label, *counts(e_month, e_month.numerator, e_month.denominator), _fmt(e_month),
                *counts(e_month, e_month.excluded), *counts(e_year, e_year.numerator, e_year.denominator),
                *counts(h_month, h_month.numerator, h_month.denominator), _fmt(h_month),
                *counts(h_year, h_year.numerator, h_year.denominator)]

    rows = [line(data.headline)] + [line(row) for row in data.rows]
    return xlsx_response(f"chi-tieu-{month:%Y-%m}.xlsx", headers, rows, sheet_title=f"{month:%m-%Y}",
                         title_rows=[_("Kết quả thực hiện chỉ tiêu tháng %(m)s") % {"m": month.strftime("%m/%Y")},
                                     _as_of_line(data, month)],
                         widths=[40] + [14] * 11)


def _violation_rows(user, year):
    return violations_visible_to(user).filter(period__year=year).order_by("department__path", "period", "kind")


def _local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _violations_as_of_line(as_of) -> str:
    """The violations workbook's "as of" line (the PDF says the same in its own words)."""
    from django.utils import timezone

    printed = _local(timezone.now())
    if as_of["detected"] is None:
        return _("Chưa phát hiện vi phạm nào; lập lúc %(p)s.") % {"p": printed}
    return _("Vi phạm phát hiện đến %(t)s; lập lúc %(p)s. Số liệu của mỗi vi phạm tính đến thời điểm ở cột \"Số liệu tính đến\".") % {
        "t": _local(as_of["detected"]), "p": printed}


def _emulation_as_of_line(as_of) -> str:
    from django.utils import timezone

    printed = _local(timezone.now())
    if as_of["decided"] is None:
        return _("Lãnh đạo Ban chưa đồng ý trừ điểm vi phạm nào; lập lúc %(p)s.") % {"p": printed}
    return _("Số liệu tính đến %(t)s (quyết định trừ điểm gần nhất của Lãnh đạo Ban); lập lúc %(p)s.") % {
        "t": _local(as_of["decided"]), "p": printed}


@role_required(*REPORT_ROLES)
def violations_pdf(request):
    from django.utils import timezone

    year = _year(request)
    return pdf_response("reports/pdf/violations.html", {"year": year, "violations": _violation_rows(request.user, year),
                                                        "summary": violation_summary_by_department(request.user, year),
                                                        "as_of": violations_as_of(request.user, year),
                                                        "printed_at": timezone.now()},
                        f"bao-cao-vi-pham-{year}.pdf")


@export_builder
def violations_export(user, params) -> Export:
    """The year's violations as `user` may see them (`reports:violations_xlsx`); above
    EXPORT_TASK_THRESHOLD rows written by a Celery task (recordsportal/exports.py)."""
    year = parse_year(params.get("year"))
    violations = _violation_rows(user, year)
    headers = [_("Phòng, đơn vị"), _("Cán bộ"), _("Kỳ"), _("Loại vi phạm"), _("Số liệu"), _("Số liệu tính đến"),
               _("Trạng thái"), _("Điểm đề xuất trừ"), _("Quyết định")]

    def period(v):
        # One lapse over several months is one row: its first and latest month, as on the page.
        last = v.last_period if v.last_period and v.last_period != v.period else None
        return f"{v.period:%m/%Y}" + (f"–{last:%m/%Y}" if last else "")

    rows = ([v.department.name, v.officer.full_name if v.officer else "", period(v), v.get_kind_display(),
             v.evidence_summary, _local(v.evidence_computed_at), v.get_status_display(), v.proposed_points,
             v.get_decision_display()]
            for v in violations.select_related("department", "officer").iterator(chunk_size=2000))
    title = _("Các trường hợp vi phạm năm %(y)s") % {"y": year}
    return Export(filename=f"vi-pham-{year}.xlsx", title=title, headers=headers, rows=rows,
                  count=lambda limit: count_upto(violations, limit), widths=[36, 24, 16, 36, 40, 18, 16, 14, 28],
                  title_rows=[title, _violations_as_of_line(violations_as_of(user, year))])


@role_required(*REPORT_ROLES)
def violations_xlsx(request):
    return export_response(request, violations_export)


@role_required(*REPORT_ROLES)
def emulation_pdf(request):
    from django.utils import timezone

    year = _year(request)
    return pdf_response("reports/pdf/emulation.html", {"year": year, "summary": list(emulation_summary(request.user, year)),
                                                       "as_of": violations_as_of(request.user, year),
                                                       "printed_at": timezone.now()},
                        f"tong-hop-thi-dua-{year}.pdf")


@role_required(*REPORT_ROLES)
def emulation_xlsx(request):
    year = _year(request)
    rows = ([row["department__name"], row["points"]] for row in emulation_summary(request.user, year))
    return xlsx_response(f"tru-diem-thi-dua-{year}.xlsx", [_("Phòng, đơn vị"), _("Tổng điểm trừ")], rows, widths=[40, 16],
                         title_rows=[_("Tổng hợp trừ điểm thi đua năm %(y)s") % {"y": year},
                                     _emulation_as_of_line(violations_as_of(request.user, year))])
