"""The fixed vocabularies of document work (Decree 30/2020/NĐ-CP)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")
    INTERNAL = "internal", _("Văn bản nội bộ")


class Form(models.TextChoices):
    ELECTRONIC = "electronic", _("Điện tử")
    PAPER = "paper", _("Giấy")


class PaperReason(models.TextChoices):
    """Why a document is on paper (DOMAIN.md §2, "Evidence of electronic"): every reason but the
    last is justified by law or by the sender; `UNJUSTIFIED` counts against the department."""

    CONFIDENTIAL = "confidential", _("Văn bản mật (theo luật bảo vệ bí mật nhà nước)")
    SENDER_PAPER_ONLY = "sender_paper", _("Bản gốc chỉ nhận bằng giấy, nơi gửi chưa có hệ thống điện tử")
    PHYSICAL = "physical", _("Hiện vật, bản đồ khổ lớn, mẫu vật")
    WET_SIGNATURE = "wet_signature", _("Pháp luật yêu cầu bản gốc ký tay")
    UNJUSTIFIED = "unjustified", _("Không có lý do chính đáng")

    @classmethod
    def justified(cls) -> list[str]:
        return [value for value in cls.values if value != cls.UNJUSTIFIED]


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Thường")
    SECRET = "secret", _("Mật")
    TOP_SECRET = "top_secret", _("Tối mật")
    ABSOLUTE_SECRET = "absolute_secret", _("Tuyệt mật")


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    REGISTERED = "registered", _("Đã đăng ký")
    SUBMITTED = "submitted", _("Đã trình lãnh đạo")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã hoàn thành")
    ISSUED = "issued", _("Đã phát hành")


class Kind(models.TextChoices):
    """Document types and their abbreviations (Decree 30, Appendix III). The value is the
    abbreviation used in the symbol; an official letter (công văn) has none."""

    OFFICIAL_LETTER = "CV", _("Công văn")
    RESOLUTION = "NQ", _("Nghị quyết")
    DECISION = "QĐ", _("Quyết định")
    DIRECTIVE = "CT", _("Chỉ thị")
    STATUTE = "QC", _("Quy chế")
    REGULATION = "QyĐ", _("Quy định")
    NOTICE = "TB", _("Thông báo")
    GUIDANCE = "HD", _("Hướng dẫn")
    PROGRAMME = "CTr", _("Chương trình")
    PLAN = "KH", _("Kế hoạch")
    SCHEME = "PA", _("Phương án")
    PROJECT_PROPOSAL = "ĐA", _("Đề án")
    PROJECT = "DA", _("Dự án")
    REPORT = "BC", _("Báo cáo")
    MINUTES = "BB", _("Biên bản")
    SUBMISSION = "TTr", _("Tờ trình")
    CONTRACT = "HĐ", _("Hợp đồng")
    DISPATCH = "CĐ", _("Công điện")
    MEMORANDUM = "BGN", _("Bản ghi nhớ")
    AGREEMENT = "BTT", _("Bản thỏa thuận")
    INVITATION = "GM", _("Giấy mời")
    INTRODUCTION = "GGT", _("Giấy giới thiệu")
    AUTHORISATION = "GUQ", _("Giấy ủy quyền")
    LEAVE = "GNP", _("Giấy nghỉ phép")
    SENDING_SLIP = "PG", _("Phiếu gửi")
    TRANSFER_SLIP = "PC", _("Phiếu chuyển")
    NOTICE_SLIP = "PB", _("Phiếu báo")
    COMMUNIQUE = "TC", _("Thông cáo")
    OTHER = "KHAC", _("Loại khác")


def kind_from_label(text: str) -> str | None:
    """The Kind whose name or abbreviation matches `text`, accent- and case-insensitively."""
    from recordsportal.text import search_key

    key = search_key(text)
    for value, label in Kind.choices:
        if key in (search_key(str(label)), search_key(value)):
            return value
    return None
