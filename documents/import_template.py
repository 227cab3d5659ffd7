"""What the register import expects, shown before the upload: the columns of each register
(the importer's own field lists, so the page and the reader cannot disagree) and a template
workbook to download with those headers and one example row that imports as it is."""

import datetime

from django.utils.translation import gettext as _

from .choices import Confidentiality, Direction, Form, Urgency
from .importer import fields_for

EXAMPLES = {
    Direction.INCOMING: {
        "number": 12, "register_date": datetime.date(2026, 3, 3), "issuer": "Sở Tài chính",
        "number_symbol": "125/STC-NS", "document_date": datetime.date(2026, 3, 2), "kind": "Công văn",
        "summary": "V/v thẩm định quyết toán vốn đầu tư dự án đường trục chính Khu kinh tế",
        "recipients": "Phòng Quản lý Đầu tư", "notes": "", "form": str(Form.PAPER.label),
        "urgency": str(Urgency.NORMAL.label), "confidentiality": str(Confidentiality.NORMAL.label),
    },
    Direction.OUTGOING: {
        "number_symbol": "45/BQL-VP", "register_date": datetime.date(2026, 3, 5), "kind": "Công văn",
        "summary": "V/v báo cáo tình hình thu hút đầu tư quý I năm 2026", "signer": "Trần Văn Bình",
        "recipients": "Sở Kế hoạch và Đầu tư; UBND tỉnh", "file_copy_keeper": "Văn phòng", "copies": 3,
        "notes": "", "form": str(Form.PAPER.label), "urgency": str(Urgency.NORMAL.label),
        "confidentiality": str(Confidentiality.NORMAL.label),
    },
}


def expected_columns(direction: str) -> list[dict]:
    """Each column the import reads: its header, whether it is required, the other headers it
    recognises (e-office exports name them differently)."""
    return [
        {"label": f.synonyms[0], "required": f.required, "also": list(f.synonyms[1:5])}
        for f in fields_for(direction)
    ]


def template_rows(direction: str) -> tuple[list[str], list[list]]:
    fields = fields_for(direction)
    example = EXAMPLES[direction]
    # The first header each field recognises (the label may differ: "Tác giả (cơ quan ban hành)").
    return [f.synonyms[0] for f in fields], [[example.get(f.name) for f in fields]]


def template_filename(direction: str) -> str:
    return {Direction.INCOMING: "mau-so-van-ban-den.xlsx", Direction.OUTGOING: "mau-so-van-ban-di.xlsx"}[direction]


def directions() -> list[dict]:
    return [
        {"value": Direction.INCOMING, "label": _("Sổ văn bản đến"), "columns": expected_columns(Direction.INCOMING)},
        {"value": Direction.OUTGOING, "label": _("Sổ văn bản đi"), "columns": expected_columns(Direction.OUTGOING)},
    ]
