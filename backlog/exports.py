"""The consolidated arrangement plan as .xlsx (three sheets: per department, per period, every
line). The PDF is the template backlog/plan_pdf.html."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from recordsportal.xlsx import XLSX_CONTENT_TYPE, write_workbook

from .models import Inventory, InventoryLine
from .querysets import Consolidation


def _totals_headers(first):
    return [first, _("Số dòng"), _("Mét giá"), _("Số hộp/cặp"), _("Số hồ sơ ước tính"), _("Ngày công ước tính")]


def _totals_row(totals):
    return [totals.label, totals.lines, totals.metres, totals.boxes, totals.dossiers, totals.effort]


def plan_xlsx_response(campaign, plan: Consolidation, *, user) -> FileResponse:
    title_rows = [
        _("KẾ HOẠCH CHỈNH LÝ TÀI LIỆU TỒN ĐỌNG — %(title)s") % {"title": campaign.title},
        _("Tài liệu hình thành đến năm %(year)s · Định mức %(norm)s ngày công/mét giá · Hạn nộp %(deadline)s") % {
            "year": campaign.scope_until_year,
            "norm": campaign.effort_norm,
            "deadline": campaign.deadline.strftime("%d/%m/%Y"),
        },
    ]
    by_department = [_totals_row(t) for t in plan.by_department] + [_totals_row(plan.total)]
    by_period = [_totals_row(t) for t in plan.by_period] + [_totals_row(plan.total)]
    lines = (
        InventoryLine.objects.visible_to(user)
        .filter(inventory__campaign=campaign, inventory__status__in=Inventory.RECEIVED)
        .select_related("inventory__department")
        .order_by("inventory__department__path", "order")
    )
    detail = (
        [
            line.inventory.department.name, line.order, line.description, line.from_year, line.to_year, line.shelf_metres,
            line.boxes, line.estimated_dossiers, line.get_condition_display(), line.location, line.notes,
        ]
        for line in lines.iterator()
    )
    detail_headers = [
        _("Phòng, đơn vị"), _("STT"), _("Tên nhóm tài liệu"), _("Từ năm"), _("Đến năm"), _("Mét giá"), _("Số hộp/cặp"),
        _("Số hồ sơ ước tính"), _("Tình trạng vật lý"), _("Nơi bảo quản"), _("Ghi chú"),
    ]
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_workbook(
        handle,
        [
            (_("Theo phòng, đơn vị"), _totals_headers(_("Phòng, đơn vị")), by_department, [45, 9, 11, 12, 16, 18]),
            (_("Theo giai đoạn"), _totals_headers(_("Giai đoạn (năm bắt đầu)")), by_period, [24, 9, 11, 12, 16, 18]),
            (_("Chi tiết"), detail_headers, detail, [35, 6, 45, 9, 9, 10, 11, 14, 20, 25, 30]),
        ],
        title_rows=title_rows,
    )
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"ke-hoach-chinh-ly-dot{campaign.pk}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
