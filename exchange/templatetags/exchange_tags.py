"""The exchange's panel on a document's page: how a received document arrived (its package, the
statuses sent back), or where an outgoing one was sent. Shown to whoever may open the document —
that is how leadership and heads meet received packages."""

from django import template

from documents.choices import Direction, Form, Status
from recordsportal.roles import Role

from ..models import InboundPackage, OutboundPackage

register = template.Library()


@register.inclusion_tag("exchange/_document_panel.html", takes_context=True)
def exchange_panel(context, document):
    user = context["request"].user
    inbound = None
    sent = []
    if document.direction == Direction.INCOMING:
        inbound = InboundPackage.objects.filter(document=document).first()
    elif document.direction == Direction.OUTGOING:
        sent = list(OutboundPackage.objects.filter(kind=OutboundPackage.Kind.DOCUMENT, document=document)
                    .order_by("to_name"))
    can_send = (user.has_role(Role.OFFICE) and document.direction == Direction.OUTGOING
                and document.status == Status.ISSUED and document.form == Form.ELECTRONIC)
    return {"document": document, "inbound": inbound,
            "statuses": list(inbound.statuses.order_by("created_at")) if inbound else [],
            "sent": sent, "can_send": can_send, "is_office": user.has_role(Role.OFFICE)}
