"""The exchange's settings, with their defaults (override in Django settings or the environment)."""

from pathlib import Path

from django.conf import settings

from documents.attachments import MAX_ATTACHMENT_BYTES


def inbox_dir() -> Path | None:
    """The folder a connector drops received `.edxml` packages into; None: no folder."""
    value = getattr(settings, "EDXML_INBOX_DIR", "")
    return Path(value) if value else None


def outbox_dir() -> Path | None:
    """The folder outbound packages (documents and statuses) are written to for a connector."""
    value = getattr(settings, "EDXML_OUTBOX_DIR", "")
    return Path(value) if value else None


def max_package_bytes() -> int:
    # The registered package is kept as an attachment of the document (the evidence), so it obeys
    # the attachment cap; base64 makes files a third larger, so it holds about 37 MB of files.
    return int(getattr(settings, "EDXML_MAX_PACKAGE_BYTES", MAX_ATTACHMENT_BYTES))


def max_attachments() -> int:
    return int(getattr(settings, "EDXML_MAX_ATTACHMENTS", 20))


def max_attachment_bytes() -> int:
    """Decoded size of one attachment: the same cap as any uploaded file."""
    return int(getattr(settings, "EDXML_MAX_ATTACHMENT_BYTES", MAX_ATTACHMENT_BYTES))


def max_batch_packages() -> int:
    return int(getattr(settings, "EDXML_MAX_BATCH_PACKAGES", 1000))


def inbox_scan_limit() -> int:
    """Packages taken from the inbound folder in one scheduled run (the rest wait for the next)."""
    return int(getattr(settings, "EDXML_INBOX_SCAN_LIMIT", 1000))


def max_batch_bytes() -> int:
    """All the packages of one batch together (an upload, a .zip, a folder run)."""
    return int(getattr(settings, "EDXML_MAX_BATCH_BYTES", 2 * 1024 * 1024 * 1024))
