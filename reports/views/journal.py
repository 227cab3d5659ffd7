"""The agency journal: who changed what, when — for the Office, leadership and the administrator."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from recordsportal.guards import role_required
from recordsportal.roles import Role
from recordsportal.xlsx import xlsx_response

from ..forms import JournalFilterForm
from ..journal import journal_page, journal_rows

AGENCY_WIDE = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
EXPORT_CAP = 20000


@role_required(*AGENCY_WIDE)
def journal_view(request):
    form = JournalFilterForm(request.GET or None)
    rows, next_cursor = journal_page(after=request.GET.get("after"), **form.filters())
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "reports/journal.html", {
        "form": form, "rows": rows, "next_cursor": next_cursor, "query": query.urlencode(),
        "first_page": not request.GET.get("after"),
    })


@role_required(*AGENCY_WIDE)
def journal_xlsx(request):
    filters = JournalFilterForm(request.GET or None).filters()

    def lines():
        for count, row in enumerate(journal_rows(**filters)):
            if count >= EXPORT_CAP:
                return
            entry = row.entry
            yield [timezone.localtime(entry.when).strftime("%d/%m/%Y %H:%M"), entry.who_name, str(row.kind.label),
                   row.label, entry.action, "\n".join(f"{capfirst(c.label)}: {c.before} → {c.after}" for c in entry.changes),
                   entry.reason]

    headers = [_("Thời điểm"), _("Người thực hiện"), _("Loại"), _("Hồ sơ, dữ liệu"), _("Thao tác"),
               _("Thay đổi (trước → sau)"), _("Ghi chú")]
    return xlsx_response("nhat-ky-thay-doi.xlsx", headers, lines(), sheet_title=_("Nhật ký"),
                         widths=[17, 24, 18, 40, 8, 70, 40],
                         title_rows=[_("Nhật ký thay đổi (tối đa %(cap)s dòng mới nhất)") % {"cap": f"{EXPORT_CAP:,}".replace(",", ".")}])
