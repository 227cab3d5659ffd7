"""The register import keeps nothing it refuses, lets the Office delete a pending import (row and
stored file), states its row cap before the upload, and says what is really wrong (issue 12,
items 7-9). Every workbook is a real .xlsx written by openpyxl; the media folder is looked at."""

import datetime

import pytest
from django.urls import reverse

from documents import importer
from documents.choices import Direction
from documents.models import Document, RegisterImport
from documents.services import register_import_discard
from recordsportal.services import DomainError
from tests.conftest import stored_files, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db

# With a form column: a file without one stops at the mapping step (tests/documents/test_import_truth.py).
HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Tên loại", "Trích yếu", "Hình thức"]


def rows(count, start=1):
    return [[n, datetime.datetime(2026, 1, 5), "UBND tỉnh", f"{n}/UBND-KT", datetime.datetime(2026, 1, 4), "Công văn",
             f"Về việc thứ {n}", "Giấy"] for n in range(start, start + count)]


def xlsx(headers, body) -> bytes:
    return xlsx_bytes([headers, *body] if headers else body)


@pytest.fixture
def clerk(agency, login):
    return login(agency.clerk)


def post_upload(client, data, name="so-den-2026.xlsx"):
    return client.post(reverse("documents:import_upload"), {"direction": Direction.INCOMING, "file": xlsx_upload(data, name)})


# --- item 8: refused uploads are not kept -------------------------------------------------------------


def test_an_upload_over_the_row_cap_is_refused_and_nothing_is_kept(clerk, media, monkeypatch):
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 5)
    response = post_upload(clerk, xlsx(HEADERS, rows(6)))
    page = response.content.decode()
    assert response.status_code == 200 and "Tệp có quá nhiều dòng; tối đa 5 dòng mỗi lần." in page
    assert not RegisterImport.objects.exists() and stored_files(media) == []
    assert "Chờ xác nhận" not in clerk.get(reverse("documents:import_upload")).content.decode()


def test_a_file_refused_at_the_preview_is_discarded_with_its_stored_file(clerk, media, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    """The safety net: a stored upload that the dry run refuses as a file (here: the cap lowered
    after the upload) is removed, row and file, instead of staying "Chờ xác nhận" forever."""
    post_upload(clerk, xlsx(HEADERS, rows(3)))
    record = RegisterImport.objects.get()
    assert len(stored_files(media)) == 1
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.get(reverse("documents:import_preview", args=[record.pk]), follow=True)
    assert "Tệp có quá nhiều dòng" in response.content.decode()
    assert not RegisterImport.objects.exists() and stored_files(media) == []


def test_the_office_deletes_a_pending_import_and_its_file(clerk, media, django_capture_on_commit_callbacks):
    post_upload(clerk, xlsx(HEADERS, rows(3)))
    record = RegisterImport.objects.get()
    listing = clerk.get(reverse("documents:import_upload")).content.decode()
    delete_url = reverse("documents:import_delete", args=[record.pk])
    assert delete_url in listing  # the button is in the list of recent imports
    assert delete_url in clerk.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(delete_url, follow=True)
    assert "Đã xóa lần nhập tệp “so-den-2026.xlsx”" in response.content.decode()
    assert not RegisterImport.objects.exists() and stored_files(media) == []
    # A second click finds nothing: 404, nothing else happens.
    assert clerk.post(delete_url).status_code == 404
    # Confirming the deleted import imports nothing.
    assert clerk.post(reverse("documents:import_confirm", args=[record.pk])).status_code == 404
    assert not Document.objects.exists()


def test_a_pending_import_with_errors_offers_to_discard_it(clerk, media, django_capture_on_commit_callbacks):
    body = rows(2)
    body[1][1] = "31/02/2026"
    post_upload(clerk, xlsx(HEADERS, body))
    record = RegisterImport.objects.get()
    page = clerk.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    assert 'data-testid="import-discard"' in page
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(reverse("documents:import_delete", args=[record.pk]))
    assert not RegisterImport.objects.exists() and stored_files(media) == []


def test_an_import_that_went_in_cannot_be_deleted(clerk, media, agency):
    post_upload(clerk, xlsx(HEADERS, rows(2)))
    record = RegisterImport.objects.get()
    clerk.post(reverse("documents:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.IMPORTED
    assert reverse("documents:import_delete", args=[record.pk]) not in clerk.get(
        reverse("documents:import_upload")).content.decode()
    page = clerk.post(reverse("documents:import_delete", args=[record.pk]), follow=True).content.decode()
    assert "giữ làm bằng chứng" in page
    assert RegisterImport.objects.filter(pk=record.pk).exists() and len(stored_files(media)) == 1
    with pytest.raises(DomainError):
        register_import_discard(acting_user=agency.clerk, record=record)


def test_only_the_office_deletes_a_pending_import(clerk, media, agency, login):
    post_upload(clerk, xlsx(HEADERS, rows(2)))
    record = RegisterImport.objects.get()
    for user in (agency.officer_a, agency.head_a, agency.leader, agency.admin):
        assert login(user).post(reverse("documents:import_delete", args=[record.pk])).status_code == 403
        with pytest.raises(DomainError):
            register_import_discard(acting_user=user, record=record)
    assert RegisterImport.objects.filter(pk=record.pk).exists() and len(stored_files(media)) == 1


# --- items 7 and 9: the cap on the form, honest messages, a coherent preview ---------------------------


def test_the_upload_form_states_the_row_cap_before_the_upload(clerk):
    page = clerk.get(reverse("documents:import_upload")).content.decode()
    assert "Tối đa 100.000 dòng dữ liệu và 25 MB mỗi tệp." in page  # issue 16 raised the cap


def test_a_file_with_a_header_and_no_data_row_says_so(clerk, media):
    page = post_upload(clerk, xlsx(HEADERS, [])).content.decode()
    assert "Tệp có dòng tiêu đề (dòng 1) nhưng không có dòng dữ liệu nào bên dưới." in page
    assert "Trang tính trống" not in page
    assert not RegisterImport.objects.exists() and stored_files(media) == []


def test_an_impossible_date_is_called_impossible_not_badly_formatted(agency):
    body = rows(2)
    body[1][1] = "31/02/2026"
    plan = importer.import_preview(upload=xlsx_upload(xlsx(HEADERS, body)), direction=Direction.INCOMING)
    assert [str(e) for e in plan.errors] == ["Dòng 3, cột B (Ngày đến): “31/02/2026” không phải là ngày có thật"]
    # A date in the wrong form still asks for dd/mm/yyyy.
    body[1][1] = "ngày 5 tháng 1"
    plan = importer.import_preview(upload=xlsx_upload(xlsx(HEADERS, body)), direction=Direction.INCOMING)
    assert "cần dạng dd/mm/yyyy" in str(plan.errors[0])


def test_the_preview_of_a_file_with_errors_promises_no_import(clerk, media):
    body = rows(40)
    body[7][1] = "31/02/2026"
    post_upload(clerk, xlsx(HEADERS, body))
    record = RegisterImport.objects.get()
    page = clerk.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    card = page.split('data-testid="import-will-import"', 1)[1].split("</div></div>", 1)[0]
    assert '<div class="stat">0</div>' in card and "39 dòng hợp lệ, chờ sửa hết lỗi" in card
    assert "không dòng nào được nhập" in page
    assert "Sẽ nhập</div>" in card and ">39<" not in card
    # Without errors the same card shows what will go in.
    clean = clerk.post(reverse("documents:import_upload"), {"direction": Direction.INCOMING,
                                                            "file": xlsx_upload(xlsx(HEADERS, rows(40, start=100)))})
    page = clerk.get(clean["Location"]).content.decode()
    card = page.split('data-testid="import-will-import"', 1)[1].split("</div></div>", 1)[0]
    assert '<div class="stat text-success">40</div>' in card
