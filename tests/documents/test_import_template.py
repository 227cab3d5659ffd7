"""Issue 17, item 6: the import page lists the columns each register expects (required ones
marked, other headers recognised) and offers a template workbook per register that imports as
it is."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from documents.choices import Direction
from documents.importer import INCOMING_FIELDS, OUTGOING_FIELDS, register_import
from documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_import_page_lists_the_expected_columns_and_links_the_templates(agency, login):
    page = login(agency.clerk).get(reverse("documents:import_upload")).content.decode()
    for field in (*INCOMING_FIELDS, *OUTGOING_FIELDS):
        assert field.synonyms[0] in page
    assert "Nơi gửi" in page  # another header the import recognises for the issuer
    assert reverse("documents:import_template", args=["incoming"]) in page
    assert reverse("documents:import_template", args=["outgoing"]) in page


@pytest.mark.parametrize(("direction", "fields"), [("incoming", INCOMING_FIELDS), ("outgoing", OUTGOING_FIELDS)])
def test_the_template_has_the_headers_and_an_example_that_imports(agency, login, direction, fields):
    response = login(agency.clerk).get(reverse("documents:import_template", args=[direction]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert list(rows[0]) == [f.synonyms[0] for f in fields] and len(rows) == 2
    upload = SimpleUploadedFile(f"mau-{direction}.xlsx", body)
    result = register_import(acting_user=agency.clerk, upload=upload, mapping=None, direction=Direction(direction))
    assert result.created == 1
    assert Document.objects.get(direction=direction).summary.startswith("V/v ")


def test_the_template_is_the_offices_and_knows_only_the_two_registers(agency, login):
    assert login(agency.head_a).get(reverse("documents:import_template", args=["incoming"])).status_code == 403
    assert login(agency.clerk).get(reverse("documents:import_template", args=["internal"])).status_code == 404
