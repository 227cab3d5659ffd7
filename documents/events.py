"""What happened to a document, for other apps that must follow (the edXML exchange sends the
sender of a received document its status). Sent by the services inside their transaction;
a receiver that causes side effects defers them with `transaction.on_commit`.

`incoming_changed(document, action, acting_user)`, action one of "assigned", "in_progress",
"completed" — and "refused" for a service that sends a received document back to its sender.
"""

from django.dispatch import Signal

incoming_changed = Signal()
