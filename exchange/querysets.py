"""Read rules of the exchange.

Received packages, batches and outbound packages are the Office's agency-wide work: the pages and
the API let only the Office reach them (role check, then these querysets). Everyone else meets a
received package only through the document it became — as that document's attachment and its
"received by exchange" panel — so leadership and heads see it exactly where they may see the
document (`Document.objects.visible_to`).
"""

from django.http import Http404

from recordsportal.guards import get_visible_or_404
from recordsportal.roles import Role

from .models import InboundPackage, Organisation, OutboundPackage, ReceiveBatch


def _office_only(user, queryset):
    return queryset if user.has_role(Role.OFFICE) else queryset.none()


def packages_visible_to(user):
    return _office_only(user, InboundPackage.objects.select_related("duplicate_of_document", "document",
                                                                    "duplicate_of_package", "received_by"))


def package_get_for_user(*, user, pk) -> InboundPackage:
    return get_visible_or_404(packages_visible_to(user), pk=pk)


def batches_visible_to(user):
    return _office_only(user, ReceiveBatch.objects.select_related("created_by"))


def batch_get_for_user(*, user, pk) -> ReceiveBatch:
    return get_visible_or_404(batches_visible_to(user), pk=pk)


def outbound_visible_to(user):
    return _office_only(user, OutboundPackage.objects.select_related("document", "inbound"))


def outbound_get_for_user(*, user, pk) -> OutboundPackage:
    return get_visible_or_404(outbound_visible_to(user), pk=pk)


def organisation_get_for_user(*, user, pk) -> Organisation:
    """The directory is the administrator's: anyone else gets 404 before any lookup."""
    if not user.has_role(Role.ADMIN):
        raise Http404
    return get_visible_or_404(Organisation.objects.all(), pk=pk)
