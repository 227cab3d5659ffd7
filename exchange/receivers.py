"""The exchange follows the documents app's events (documents/events.py): a received document
assigned, taken in hand or completed sends its sender the matching status, after the commit.
The rule itself is `services.status_for_document`; this only connects it."""

from django.dispatch import receiver

from documents.events import incoming_changed


@receiver(incoming_changed, dispatch_uid="exchange-status-for-document")
def _incoming_changed(sender, document, action, acting_user=None, **kwargs):
    from . import services

    services.status_for_document(document=document, action=action, acting_user=acting_user)
