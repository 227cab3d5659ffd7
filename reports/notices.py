"""What the emulation review tells a department (notifications app): the Office urged or
confirmed a violation, leadership decided on the deduction. Called by the services inside their
transaction. The heads of the department are told, and the officer when the rule concerns one."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notify
from recordsportal.models import User


def _recipients(violation):
    return [*User.objects.heads_of(violation.department), violation.officer]


def _url(violation) -> str:
    return f"{reverse('reports:violations')}?{urlencode({'year': violation.period.year})}"


def reviewed(violation) -> None:
    """Urged (notified) or confirmed by the Office."""
    if violation.status == violation.Status.CONFIRMED:
        title = _("Văn phòng xác nhận vi phạm, đề xuất trừ %(points)s điểm thi đua: %(violation)s") % {
            "points": violation.proposed_points, "violation": violation}
    else:
        title = _("Văn phòng nhắc khắc phục vi phạm: %(violation)s") % {"violation": violation}
    notify(recipients=_recipients(violation), kind=Kind.VIOLATION, key=f"violation:{violation.pk}:{violation.status}",
           title=title, body=violation.review_note, url=_url(violation))


def decided(violation) -> None:
    if violation.decision == violation.Decision.APPROVED:
        title = _("Lãnh đạo quyết định trừ %(points)s điểm thi đua: %(violation)s") % {
            "points": violation.proposed_points, "violation": violation}
    else:
        title = _("Lãnh đạo quyết định không trừ điểm thi đua: %(violation)s") % {"violation": violation}
    notify(recipients=_recipients(violation), kind=Kind.DECISION, key=f"violation:{violation.pk}:decided",
           title=title, url=_url(violation))
