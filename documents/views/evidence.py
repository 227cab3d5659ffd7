"""The one-time listing of documents declared electronic without evidence (issue 14, 1d): the
Office fixes each (attaches the scan or the signed PDF on its page) or lets those from a date it
chooses count as paper. Nothing changes without the Office's decision."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recordsportal.forms import BootstrapFormMixin, add_error_to_form
from recordsportal.guards import role_required
from recordsportal.pagination import quick_page
from recordsportal.roles import Role
from recordsportal.services import DomainError

from .. import services
from ..forms import DATE_WIDGET
from ..querysets import unevidenced_electronic


class CountAsPaperForm(BootstrapFormMixin, forms.Form):
    since = forms.DateField(label=gettext_lazy("Tính là văn bản giấy từ ngày"), widget=DATE_WIDGET)


@role_required(Role.OFFICE)
def unevidenced(request):
    form = CountAsPaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.unevidenced_count_as_paper(acting_user=request.user, since=form.cleaned_data["since"])
        except DomainError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Đã ghi %(count)d văn bản là văn bản giấy (không có lý do chính đáng).") % {
                "count": changed})
            return redirect("documents:unevidenced")
    documents = unevidenced_electronic().select_related("department").order_by("register_date", "id")
    return render(request, "documents/unevidenced.html", {
        "form": form, "total": documents.count(), "page": quick_page(documents, request.GET.get("page"))})
