"""Backlog fixtures: a campaign (records up to 2015, deadline 30/07/2021) with departments A, B
and the Office, opened by the Office clerk; helpers to fill the Excel template like a head would."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from backlog import services
from backlog.excel import DATA_SHEET, HEADER_ROW, build_template
from backlog.models import Inventory
from tests.conftest import xlsx_upload

DEADLINE = datetime.date(2021, 7, 30)

# Three groups of records of department A, with hand-checkable figures.
LINES_A = [
    {"description": "Hồ sơ dự án đầu tư", "from_year": 2005, "to_year": 2012, "shelf_metres": Decimal("12.50"),
     "boxes": 100, "estimated_dossiers": 800, "condition": "good", "location": "Kho tầng 1", "notes": ""},
    {"description": "Công văn đi, đến", "from_year": 2013, "to_year": 2015, "shelf_metres": Decimal("3.25"),
     "boxes": 26, "estimated_dossiers": 150, "condition": "fair", "location": "Phòng làm việc", "notes": "Chưa lập hồ sơ"},
    {"description": "Tài liệu thẩm định", "from_year": 1998, "to_year": 2004, "shelf_metres": Decimal("4"),
     "boxes": 30, "estimated_dossiers": 210, "condition": "damaged", "location": "Kho tầng 2", "notes": "Ẩm mốc"},
]


@pytest.fixture
def campaign(agency):
    return services.campaign_open(
        acting_user=agency.clerk,
        title="Kiểm kê tài liệu tồn đọng năm 2021",
        scope_until_year=2015,
        deadline=DEADLINE,
        departments=[agency.office, agency.dept_a, agency.dept_b],
        effort_norm=Decimal("8.5"),
    )


@pytest.fixture
def inventory_a(campaign, agency):
    return Inventory.objects.get(campaign=campaign, department=agency.dept_a)


@pytest.fixture
def inventory_b(campaign, agency):
    return Inventory.objects.get(campaign=campaign, department=agency.dept_b)


def on(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in Hà Nội time."""
    from zoneinfo import ZoneInfo

    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def fill_template(template: bytes, rows, *, start_row=HEADER_ROW + 1, edit=None) -> bytes:
    """Write `rows` (lists of cell values, STT first) into the template like a head in Excel."""
    workbook = load_workbook(io.BytesIO(template))
    ws = workbook[DATA_SHEET]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            ws.cell(row=start_row + offset, column=column, value=value)
    if edit:
        edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_rows(lines):
    labels = {"good": "Tốt", "fair": "Trung bình", "damaged": "Hư hỏng (ẩm mốc, giòn, rách)"}
    return [
        [n, line["description"], line["from_year"], line["to_year"], float(line["shelf_metres"]), line["boxes"],
         line["estimated_dossiers"], labels[line["condition"]], line["location"], line["notes"]]
        for n, line in enumerate(lines, start=1)
    ]


def upload_file(content: bytes, name="kiem-ke.xlsx") -> SimpleUploadedFile:
    return xlsx_upload(content, name)


@pytest.fixture
def template_a(inventory_a):
    return build_template(inventory_a)
