"""The notification centre: one's own notifications, marking them read, e-mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.actions import run_action
from recordsportal.guards import get_visible_or_404
from recordsportal.pagination import quick_page

from . import services
from .forms import PreferenceForm
from .models import Notification


@login_required
def notification_list(request):
    notifications = Notification.objects.for_user(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.unread()
    return render(request, "notifications/list.html", {
        "page": quick_page(notifications, request.GET.get("page"), page_size=30),
        "unread_only": unread_only,
    })


@login_required
def notification_open(request, pk):
    """Follow a notification to its record, marking it read on the way."""
    notification = get_visible_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notification_mark_read(acting_user=request.user, notification=notification)
    return redirect(services.safe_target(notification))


@require_POST
@login_required
def notification_read(request, pk):
    notification = get_visible_or_404(Notification.objects.for_user(request.user), pk=pk)
    run_action(request, lambda: services.notification_mark_read(acting_user=request.user, notification=notification),
               _("Đã đánh dấu đã đọc."))
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request):
    count = services.notifications_mark_all_read(acting_user=request.user)
    messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("notifications:list")


@login_required
def preferences(request):
    form = PreferenceForm(request.POST or None, initial={"email_mode": services.preference_of(request.user)})
    if request.method == "POST" and form.is_valid():
        if run_action(request, lambda: services.preference_set(acting_user=request.user,
                                                               email_mode=form.cleaned_data["email_mode"]),
                      _("Đã lưu cách nhận thông báo.")):
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
