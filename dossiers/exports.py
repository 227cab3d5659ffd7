"""The two documents of an archive submission, each as PDF (official layout) and .xlsx:
the inventory of dossiers submitted (mục lục hồ sơ, tài liệu nộp lưu) and the hand-over record
(biên bản giao nhận hồ sơ, tài liệu). Both read the batch through its lines, in order."""

from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.models import Agency
from recordsportal.pdf import pdf_response
from recordsportal.text import search_key
from recordsportal.xlsx import xlsx_response

from .choices import BatchStatus, Form, LineOutcome

INVENTORY_HEADERS = ["STT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu", "Thời gian kết thúc",
                     "Thời hạn bảo quản", "Số tờ", "Số trang", "Hình thức", "Ghi chú"]
INVENTORY_WIDTHS = [6, 32, 60, 14, 14, 14, 8, 8, 10, 24]


def batch_lines(batch):
    return list(batch.lines.exclude(outcome=LineOutcome.RETURNED).select_related("dossier__officer")
                if batch.status == BatchStatus.RECEIVED else batch.lines.select_related("dossier__officer"))


def batch_summary(batch, lines):
    dossiers = [line.dossier for line in lines]
    electronic = sum(1 for d in dossiers if d.form == Form.ELECTRONIC)
    first = min((d.opened_on for d in dossiers), default=None)
    last = max((d.ended_on for d in dossiers if d.ended_on), default=None)
    return {
        "count": len(dossiers), "electronic": electronic, "paper": len(dossiers) - electronic,
        "sheets": sum(d.sheets or 0 for d in dossiers), "pages": sum(d.pages or 0 for d in dossiers),
        "from_year": first.year if first else None, "to_year": last.year if last else None,
    }


def _context(batch):
    lines = batch_lines(batch)
    # The record is dated with the hand-over (received, else submitted), in its header as in its
    # body: the same date at every download, never the download's (issue 17).
    date = timezone.localtime(batch.received_at or batch.submitted_at or timezone.now()).date()
    return {"batch": batch, "lines": lines, "summary": batch_summary(batch, lines), "date": date, "today": date}


def _name(batch, kind, ext):
    date = timezone.localtime(batch.submitted_at or batch.created_at).strftime("%Y%m%d")
    return f"{kind}-{search_key(batch.department.abbreviation).replace(' ', '')}-{date}-{batch.pk}.{ext}"


def inventory_pdf(batch):
    return pdf_response("pdf/dossier_inventory.html", _context(batch), _name(batch, "muc-luc-nop-luu", "pdf"))


def handover_pdf(batch):
    return pdf_response("pdf/dossier_handover.html", _context(batch), _name(batch, "bien-ban-giao-nhan", "pdf"))


def inventory_rows(lines):
    for index, line in enumerate(lines, start=1):
        d = line.dossier
        note = line.reason if line.outcome == LineOutcome.RETURNED else d.notes
        yield [index, d.code, d.title, d.opened_on, d.ended_on, d.retention_label, d.sheets, d.pages,
               d.get_form_display(), note]


def inventory_xlsx(batch):
    agency = Agency.load()
    title = [agency.name.upper(), _("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU"),
             _("Đơn vị nộp lưu: %(d)s") % {"d": batch.department}]
    return xlsx_response(_name(batch, "muc-luc-nop-luu", "xlsx"), INVENTORY_HEADERS, inventory_rows(batch_lines(batch)),
                         sheet_title=_("Mục lục nộp lưu"), widths=INVENTORY_WIDTHS, title_rows=title)


def handover_xlsx(batch):
    agency = Agency.load()
    context = _context(batch)
    summary = context["summary"]
    receiver = batch.received_by.full_name if batch.received_by else ""
    rows = [
        [_("Cơ quan"), agency.name],
        [_("Ngày giao nhận"), context["date"]],
        [_("Bên giao"), str(batch.department)],
        [_("Đại diện bên giao"), batch.submitted_by.full_name if batch.submitted_by else ""],
        [_("Bên nhận"), _("Lưu trữ cơ quan (Văn phòng)")],
        [_("Đại diện bên nhận"), receiver],
        [_("Tên khối tài liệu"), _("Tài liệu của %(d)s") % {"d": batch.department}],
        [_("Thời gian của tài liệu"), f"{summary['from_year'] or ''}–{summary['to_year'] or ''}"],
        [_("Số lượng hồ sơ"), summary["count"]],
        [_("Trong đó hồ sơ điện tử"), summary["electronic"]],
        [_("Hồ sơ giấy"), summary["paper"]],
        [_("Tổng số tờ"), summary["sheets"]],
        [_("Công cụ tra cứu kèm theo"), _("Mục lục hồ sơ, tài liệu nộp lưu")],
    ]
    title = [_("BIÊN BẢN GIAO NHẬN HỒ SƠ, TÀI LIỆU")]
    return xlsx_response(_name(batch, "bien-ban-giao-nhan", "xlsx"), [_("Nội dung"), _("Thông tin")], rows,
                         sheet_title=_("Biên bản giao nhận"), widths=[30, 70], title_rows=title)


# --- the retention list (danh mục hồ sơ, tài liệu giữ lại) ------------------------------------


def retention_pdf(retention_list):
    """The list in the official layout, for the department head's and the agency head's
    signatures (a deputy signs "KT. TRƯỞNG BAN"); dated with its decision, else its submission."""
    from . import rules

    agency = Agency.load()
    lines = list(retention_list.lines.select_related("dossier").order_by("id"))
    moment = retention_list.decided_at or retention_list.submitted_at or retention_list.created_at
    department_head = retention_list.department.head
    context = {
        "retention_list": retention_list, "lines": lines, "today": timezone.localtime(moment).date(),
        "department_head": department_head, "approver": rules.retention_signature(retention_list.decided_by, agency),
    }
    date = timezone.localtime(retention_list.created_at).strftime("%Y%m%d")
    name = f"danh-muc-giu-lai-{search_key(retention_list.department.abbreviation).replace(' ', '')}-{date}-{retention_list.pk}.pdf"
    return pdf_response("pdf/retention_list.html", context, name)
