"""Property-based tests of the three Excel import parsers: whatever the cells hold (Vietnamese
text, formulas, numbers, dates, None, very long strings, wrong headers), a parser accepts the
file or answers with errors that name a row and a column; it never raises anything else, and it
saves nothing when it reports errors."""

import re
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st

from backlog import services as backlog_services
from backlog.excel import DATA_SHEET, HEADER_ROW, HEADERS as BACKLOG_HEADERS, build_template
from backlog.models import Inventory
from documents.choices import Direction
from documents.importer import ImportRejected, import_preview, register_import
from documents.models import Document
from dossiers import services as dossier_services
from dossiers.excel import HEADERS as PLAN_HEADERS, FilePlanImportError
from dossiers.models import FilePlanEntry, FilePlanHeading
from recordsportal.services import DomainError

from .strategies import cell, long_text, numeric_text, text, upload, xlsx

pytestmark = pytest.mark.django_db

ROW_COLUMN = re.compile(r"^Dòng (\d+), cột ([A-Z]{1,3})\b")
ROW_ONLY = re.compile(r"^Dòng (\d+)\b")


def rollback_after():
    """Each example in its own transaction, rolled back: the next one starts from the same data."""
    return transaction.atomic()


# --- documents: the e-office register import ----------------------------------------------------------

INCOMING_HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Tên loại", "Trích yếu",
                    "Đơn vị hoặc người nhận", "Ghi chú", "Hình thức", "Độ khẩn", "Độ mật"]
headers_for_documents = st.one_of(
    st.just(INCOMING_HEADERS),
    # A header renamed, dropped or replaced by anything (a wrong file, a shifted column).
    st.lists(st.one_of(st.sampled_from(INCOMING_HEADERS), text, st.none()), min_size=1, max_size=14),
)
document_rows = st.lists(st.lists(cell, min_size=12, max_size=12), min_size=1, max_size=5)


@settings(max_examples=40)
@given(headers=headers_for_documents, rows=document_rows)
@example(headers=INCOMING_HEADERS, rows=[["²", "05/01/2026", "UBND", "1/UBND", None, None, "Về việc", None, None, None, None, None]])
@example(headers=INCOMING_HEADERS, rows=[["1" * 5000, "05/01/2026", "UBND", "1/UBND", None, None, "Về việc", None, None, None, None, None]])
def test_document_import_accepts_or_locates_every_error(agency, headers, rows):
    data = xlsx([headers, *rows])
    with rollback_after():
        before = Document.objects.count()
        try:
            plan = import_preview(upload=upload(data), direction=Direction.INCOMING)
        except DomainError as error:
            # Only a file-level problem (no header row, unreadable) comes out of the dry run.
            assert error.message and not ROW_ONLY.match(error.message)
            plan = None
        if plan is not None:
            for issue in plan.errors:
                assert issue.row >= 2 and issue.message
                if issue.column:
                    assert ROW_COLUMN.match(str(issue)), str(issue)
                    assert issue.header == plan.headers[_index(issue.column)]
                else:
                    assert ROW_ONLY.match(str(issue)), str(issue)
        try:
            result = register_import(acting_user=agency.clerk, upload=upload(data), mapping=None,
                                     direction=Direction.INCOMING)
        except ImportRejected as rejected:
            assert rejected.plan.errors and plan is not None and len(rejected.plan.errors) == len(plan.errors)
            assert Document.objects.count() == before
        except DomainError:
            # A file-level problem, a missing required column, row errors, or no form stated for
            # a file without a form column (documents/rules.py import_form_problem).
            assert plan is None or plan.missing or not plan.ok or not plan.form_stated
            assert Document.objects.count() == before
        else:
            assert plan is not None and plan.ok and not plan.missing
            assert Document.objects.count() == before + result.created == before + len(plan.rows)
        transaction.set_rollback(True)


def _index(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number - 1


# --- dossiers: the yearly file plan ----------------------------------------------------------------------

plan_line = st.one_of(
    # A major heading, a minor heading, a dossier: the layout's three kinds of line, with any content.
    st.tuples(st.just(None), st.builds(lambda r, t: f"{r}. {t}", st.sampled_from(["I", "II", "IV"]), st.one_of(text, long_text)),
              st.none(), st.none(), st.none(), st.one_of(st.sampled_from(["TH", "TCCB", "KH"]), text, long_text)),
    st.tuples(st.just(None), st.builds(lambda n, t: f"{n}. {t}", st.integers(1, 9), st.one_of(text, long_text)),
              st.none(), st.none(), st.none(), st.none()),
    st.tuples(st.builds(lambda n, a: f"{n:02d}.{a}", st.integers(0, 12000), st.sampled_from(["TH", "TCCB", "KH", "th", "Đ-1"])),
              st.one_of(text, long_text), st.one_of(cell, st.sampled_from(["Vĩnh viễn", "10 năm", "5", 70])),
              st.one_of(st.none(), st.sampled_from(["officer_a", "Phan Văn Cán Bộ A", "nobody"]), text),
              st.one_of(st.none(), text, long_text), st.none()),
    st.lists(cell, min_size=6, max_size=6).map(tuple),
)


@settings(max_examples=40)
@given(lines=st.lists(plan_line, min_size=1, max_size=8), title_rows=st.booleans(),
       wrong_header=st.one_of(st.none(), text))
@example(lines=[(None, "I. Tổng hợp", None, None, None, "TH"), ("01.TH", "x" * 600, "10 năm", None, None, None)],
         title_rows=True, wrong_header=None)
@example(lines=[(None, "I. " + "y" * 300, None, None, None, "T" * 30)], title_rows=True, wrong_header=None)
def test_file_plan_import_accepts_or_locates_every_error(agency, lines, title_rows, wrong_header):
    headers = list(PLAN_HEADERS)
    if wrong_header is not None:
        headers[0] = wrong_header
    sheet = ([["DANH MỤC HỒ SƠ NĂM 2026"], ["Phòng Quản lý Đầu tư"]] if title_rows else []) + [headers, *lines]
    data = xlsx(sheet)
    with rollback_after():
        plan = dossier_services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)
        try:
            count = dossier_services.file_plan_import(acting_user=agency.head_a, plan=plan, upload=upload(data))
        except FilePlanImportError as error:
            assert error.errors
            located = [m for m in error.errors if ROW_COLUMN.match(m)]
            others = [m for m in error.errors if not ROW_COLUMN.match(m)]
            # Row-less messages are about the whole file: the layout, or no dossier in it.
            for message in others:
                assert not ROW_ONLY.match(message) or "trùng" in message, message
                assert located or len(error.errors) == 1, error.errors
            assert not FilePlanEntry.objects.filter(plan=plan).exists()
            assert not FilePlanHeading.objects.filter(plan=plan).exists()
        else:
            assert count >= 1 and FilePlanEntry.objects.filter(plan=plan).count() == count
        transaction.set_rollback(True)


# --- backlog: the inventory template upload ---------------------------------------------------------------

backlog_row = st.lists(st.one_of(cell, numeric_text, st.sampled_from(["Tốt", "tot", "Hư hỏng", "2010", "1e999999"])),
                       min_size=10, max_size=10)


@pytest.fixture
def inventory(agency):
    import datetime

    campaign = backlog_services.campaign_open(
        acting_user=agency.clerk, title="Kiểm kê tài liệu tồn đọng", scope_until_year=2015,
        deadline=datetime.date.today() + datetime.timedelta(days=30), departments=[agency.dept_a],
        effort_norm=Decimal("8.5"))
    return Inventory.objects.get(campaign=campaign, department=agency.dept_a)


@settings(max_examples=40)
@given(rows=st.lists(backlog_row, min_size=1, max_size=6), header_change=st.one_of(st.none(), st.tuples(st.integers(1, 11), text)))
@example(rows=[["1", "Hồ sơ", "1e999999", "2010", "1e30", "1", "1", "Tốt", "", ""]], header_change=None)
@example(rows=[["1", "Hồ sơ", "2000", "2010", "1e999999", "-1e999999", "1", "Tốt", "", ""]], header_change=None)
@example(rows=[[None] * 10, [None] * 6 + ["1E1000000", None, None, None]], header_change=None)  # found by hypothesis
@example(rows=[["1", "Hồ sơ", "-1E1000000", "1E-1000000", "1E1000000", "1", "1", "Tốt", "", ""]], header_change=None)
def test_inventory_upload_accepts_or_locates_every_error(agency, inventory, rows, header_change):
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(build_template(inventory)))
    ws = workbook[DATA_SHEET]
    if header_change is not None:
        ws.cell(row=HEADER_ROW, column=header_change[0], value=header_change[1])
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            ws.cell(row=HEADER_ROW + offset, column=column, value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    headers_intact = header_change is None or (
        header_change[0] <= len(BACKLOG_HEADERS) and str(header_change[1] or "") == BACKLOG_HEADERS[header_change[0] - 1])
    with rollback_after():
        before = list(inventory.lines.values_list("pk", flat=True))
        try:
            saved = backlog_services.inventory_import_xlsx(acting_user=agency.head_a, inventory=inventory,
                                                            upload=upload(buffer.getvalue()))
        except backlog_services.LinesRejected as rejected:
            assert rejected.errors
            assert list(inventory.lines.values_list("pk", flat=True)) == before
            for message in rejected.errors:
                assert "bị hỏng" not in message, message  # a sound file is never called damaged
                if headers_intact and not message.startswith("…") and not message.startswith("Tệp không có dòng"):
                    assert ROW_COLUMN.match(message), message
        else:
            assert saved.lines.count() >= 1
        transaction.set_rollback(True)
