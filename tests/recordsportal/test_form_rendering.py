"""How every form renders (recordsportal/forms.py, templates/includes/form_fields.html): help and
error texts reachable from their fields, errors that name their field, the portal's own date,
month and file controls instead of the browser's English ones, and a small form that failed
coming back with what was typed."""

import datetime
import re

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from backlog.forms import CampaignForm
from documents.filters import DocumentFilter
from documents.forms import IncomingForm
from dossiers import services as dossier_services
from dossiers.forms import CloseForm
from recordsportal.forms import BootstrapFormMixin, UserForm

pytestmark = pytest.mark.django_db


def described_ids(html: str) -> set[str]:
    return {i for value in re.findall(r'aria-describedby="([^"]*)"', html) for i in value.split()}


def rendered_ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def fields_html(form) -> str:
    return render_to_string("includes/form_fields.html", {"form": form})


@pytest.mark.parametrize("make", [
    lambda agency: CloseForm({"ended_on": "", "sheets": "0", "version": "1"}),
    lambda agency: UserForm({"username": "", "roles": []}),
    lambda agency: CampaignForm({"title": "", "deadline": "31/02/2026"}),
    lambda agency: IncomingForm({}),
])
def test_every_id_a_field_is_described_by_is_on_the_page(agency, make):
    form = make(agency)
    assert not form.is_valid()
    html = fields_html(form)
    described = described_ids(html)
    assert described, "no field points to its help or error text"
    assert described <= rendered_ids(html)
    assert any(i.endswith("_error") for i in described) and any(i.endswith("_helptext") for i in described)


def test_a_checkbox_list_points_from_its_fieldset_to_its_error():
    form = UserForm({"username": "cb.moi"})
    form.is_valid()
    html = fields_html(form)
    assert re.search(r'<fieldset aria-describedby="[^"]*id_roles_error', html)
    assert 'id="id_roles_error"' in html


def test_django_default_messages_name_their_field():
    form = CloseForm({"ended_on": "", "sheets": "0", "version": "1"})
    assert not form.is_valid()
    assert form.errors["ended_on"] == ["Ngày kết thúc công việc: chưa nhập."]
    assert form.errors["sheets"] == ["Số tờ: phải từ 1 trở lên."]
    form = CloseForm({"ended_on": "31/02/2026", "version": "1"})
    form.is_valid()
    assert form.errors["ended_on"] == [
        "Ngày kết thúc công việc: không phải một ngày hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2026."]
    form = UserForm({"username": "cb.moi"})
    form.is_valid()
    assert form.errors["roles"] == ["Vai trò: chưa chọn."]


def test_messages_a_form_chose_are_kept_and_a_percent_in_a_label_survives():
    class Strict(forms.IntegerField):
        default_error_messages = {"invalid": "Nhập năm bằng 4 chữ số."}

    class Sample(BootstrapFormMixin, forms.Form):
        year = Strict(label="Năm")
        count = forms.IntegerField(label="Số", error_messages={"required": "Phải có số."})
        target = forms.IntegerField(label="Chỉ tiêu (%)", max_value=100)

    form = Sample({"year": "x", "count": "", "target": "120"})
    assert not form.is_valid()
    assert form.errors["year"] == ["Nhập năm bằng 4 chữ số."]
    assert form.errors["count"] == ["Phải có số."]
    assert form.errors["target"] == ["Chỉ tiêu (%): tối đa 100."]


def test_every_date_field_is_the_portals_dd_mm_yyyy_text_input(agency):
    deadline = datetime.date(2026, 12, 31)
    campaign = CampaignForm(initial={"deadline": deadline})
    for field in (campaign["deadline"], CloseForm()["ended_on"], IncomingForm()["document_date"],
                  DocumentFilter({}).form["date_from"]):
        html = str(field)
        assert 'type="text"' in html and 'inputmode="numeric"' in html and 'placeholder="dd/mm/yyyy"' in html, html
        assert "data-date-input" in html
    assert 'value="31/12/2026"' in str(campaign["deadline"])  # was the browser's yyyy-mm-dd date control
    form = CampaignForm({"title": "Kiểm kê", "scope_until_year": "2015", "deadline": "31/12/2026",
                         "effort_norm": "10", "departments": [agency.dept_a.pk]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == deadline


def test_a_file_field_wears_the_vietnamese_picker():
    html = str(IncomingForm()["attachments"])
    assert 'class="form-control file-picker-input"' in html
    assert "Chọn tệp" in html and "Chưa chọn tệp" in html
    assert 'for="id_attachments"' in html


def test_the_month_selector_names_months_in_words_and_keeps_an_old_choice():
    today = timezone.localdate()
    html = Template("{% load portal_ui %}{% month_select m %}").render(Context({"m": datetime.date(2019, 5, 1)}))
    assert html.startswith('<select class="form-select" name="month" id="id_month">')
    assert '<option value="2019-05" selected>Tháng 5 năm 2019</option>' in html
    assert f'<option value="{today:%Y-%m}">Tháng {today.month} năm {today.year}</option>' in html
    assert f'<optgroup label="Năm {today.year}">' in html
    values = re.findall(r'<option value="(\d{4}-\d{2})"', html)
    assert values == sorted(values, reverse=True)  # newest first
    assert 'type="month"' not in html


def test_the_months_after_this_one_are_not_offered():
    today = timezone.localdate()
    html = Template("{% load portal_ui %}{% month_select m %}").render(Context({"m": today.replace(day=1)}))
    newest = re.findall(r'<option value="(\d{4}-\d{2})"', html)[0]
    assert newest == f"{today:%Y-%m}"


@pytest.fixture
def paper_dossier(agency):
    dossier = dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thử kết thúc", retention_years=10,
                                            kept_in_portal=False, opened_on=timezone.localdate())
    dossier_services.dossier_add_paper_item(acting_user=agency.officer_a, dossier=dossier, title="Biên bản")
    return dossier


def close(client, dossier, **data):
    page = reverse("dossiers:detail", args=[dossier.pk])
    posted = {"ended_on": "", "sheets": "", "pages": "", "closing_note": "", "version": dossier.version} | data
    return client.post(reverse("dossiers:close", args=[dossier.pk]), posted, HTTP_REFERER=f"http://testserver{page}")


def test_a_close_that_fails_validation_comes_back_filled_with_the_error_at_its_field(agency, login, paper_dossier):
    client = login(agency.officer_a)
    response = close(client, paper_dossier, sheets="24", pages="48", closing_note="Biên bản họp")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert re.search(r'<input type="number" name="sheets" value="24"', page)
    assert re.search(r'name="pages" value="48"', page)
    assert re.search(r">\s*Biên bản họp</textarea>", page)
    assert '<div class="invalid-feedback d-block" id="id_ended_on_error"><div>Ngày kết thúc công việc: chưa nhập.</div></div>' in page
    assert 'aria-invalid="true" aria-describedby="id_ended_on_error"' in page
    assert "Ngày kết thúc công việc: chưa nhập." in page  # also in the banner
    # Shown once: the next visit is a fresh form.
    again = client.get(response["Location"]).content.decode()
    assert "id_ended_on_error" not in again and 'value="24"' not in again


def test_a_refused_close_keeps_what_was_typed(agency, login, paper_dossier):
    client = login(agency.officer_a)
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = close(client, paper_dossier, ended_on=today, pages="48", closing_note="Biên bản họp")
    page = client.get(response["Location"]).content.decode()
    assert "phải đánh số tờ" in page
    assert f'value="{today}"' in page and 'name="pages" value="48"' in page
    paper_dossier.refresh_from_db()
    assert paper_dossier.status == "open"


def test_typed_values_are_not_offered_on_another_page(agency, login, paper_dossier):
    other = dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ khác", retention_years=10,
                                          kept_in_portal=False)
    client = login(agency.officer_a)
    close(client, paper_dossier, sheets="24")
    page = client.get(reverse("dossiers:detail", args=[other.pk])).content.decode()
    assert 'value="24"' not in page and "id_ended_on_error" not in page
