"""The fixed vocabularies of work dossiers (hồ sơ công việc) and archive submission (nộp lưu)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.choices import Form  # one meaning of electronic/paper for documents and dossiers

__all__ = ["Form", "Status", "ItemKind", "BatchStatus", "LineOutcome", "RetentionStatus", "Decision",
           "PERMANENT", "ARCHIVE_MIN_YEARS", "DUE_NOTICE_DAYS", "MAX_KEEP_YEARS"]

# Retention is stored in years; 0 means permanent (vĩnh viễn), NULL means not set yet.
PERMANENT = 0
# Only dossiers kept 5 years or more (or permanently) go to the agency archive (DOMAIN §3).
ARCHIVE_MIN_YEARS = 5
# Officers are told of dossiers falling due this many days ahead.
DUE_NOTICE_DAYS = 30
# A retention list may keep a due dossier at most two years after its due date (Decree 30, 31.3.d).
MAX_KEEP_YEARS = 2


class Status(models.TextChoices):
    OPEN = "open", _("Đang lập")
    CLOSED = "closed", _("Đã kết thúc")
    SUBMITTED = "submitted", _("Đã nộp lưu, chờ tiếp nhận")
    ARCHIVED = "archived", _("Đã nộp lưu")


class ItemKind(models.TextChoices):
    DOCUMENT = "document", _("Văn bản trong sổ")
    FILE = "file", _("Tệp tải lên")
    PAPER = "paper", _("Tài liệu giấy")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã gửi lưu trữ")
    RECEIVED = "received", _("Lưu trữ đã tiếp nhận")
    RETURNED = "returned", _("Lưu trữ trả lại")


class LineOutcome(models.TextChoices):
    PENDING = "pending", _("Chờ tiếp nhận")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Trả lại")


class RetentionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Chờ lãnh đạo duyệt")
    DECIDED = "decided", _("Đã duyệt")


class Decision(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đồng ý")
    REJECTED = "rejected", _("Không đồng ý")
