"""Issue 17, item 4: names in Vietnamese order in every list and select of people (Đ right after
D, not after V; Ă/Â after A, Ơ/Ư after O/U), the same on SQLite and PostgreSQL; no "---------"
placeholder in any select of any page (test_no_placeholder_sweep.py); no dangling "–" after a name
without a detail."""


import pytest
from django.db import connection
from django.urls import reverse

from documents.forms import AssignForm
from recordsportal.models import User
from recordsportal.names import person_label, sort_key
from tests.factories import UserFactory

# In Vietnamese dictionary order.
NAMES = ["Bùi Thị Ánh", "Dương Văn Dũng", "Đặng Thị Đào", "Đỗ Văn Đức", "Hoàng Văn Ân", "Lê Thị Hà",
         "Lê Thị Hạ", "Ông Văn Ơn", "Phạm Ngọc Ánh", "Phan Văn Út", "Uông Thị Ưng", "Ưng Văn Ý", "Vũ Văn Vinh"]


def _shuffled():
    return NAMES[5:] + NAMES[:5][::-1]


@pytest.mark.django_db
def test_people_come_back_in_vietnamese_order_from_the_database(agency):
    for n, name in enumerate(_shuffled()):
        UserFactory(username=f"person{n}", full_name=name, department=agency.dept_a)
    listed = [n for n in User.objects.values_list("full_name", flat=True) if n in NAMES]
    assert listed == NAMES, connection.vendor


def test_the_python_key_sorts_like_the_database_collation():
    assert sorted(_shuffled(), key=sort_key) == NAMES
    assert sorted(["Vũ", "Đỗ", "Dũng", "Zô", "Ă", "Â", "A"], key=sort_key) == ["A", "Ă", "Â", "Dũng", "Đỗ", "Vũ", "Zô"]


@pytest.mark.django_db
def test_the_python_key_agrees_with_postgresql_icu():
    """SQLite's collation function and PostgreSQL's "vi-x-icu" give the same order."""
    if connection.vendor != "postgresql":
        pytest.skip("runs where the suite runs on PostgreSQL (CI)")
    words = ["a", "à", "ả", "ã", "á", "ạ", "ă", "ắ", "ặ", "â", "ấ", "Do", "Đinh", "Đỗ", "Dũng", "Vũ", "Võ", "Ưng",
             "Út", "Ơn", "Ông", "Ổn", "Ê", "Em", "Anh Tú", "Anhtu", "anh", "Anh", "Hà", "ha", "HÀ", *NAMES]
    with connection.cursor() as cursor:
        cursor.execute('SELECT w FROM unnest(%s::text[]) AS w ORDER BY w COLLATE "vi-x-icu"', [words])
        icu = [row[0] for row in cursor.fetchall()]
    assert sorted(words, key=sort_key) == icu


@pytest.mark.django_db
def test_the_people_and_staff_lists_and_the_assignment_select_follow_vietnamese_order(agency, client):
    for n, name in enumerate(_shuffled()):
        UserFactory(username=f"person{n}", full_name=name, department=agency.dept_a)
    client.force_login(agency.admin)
    for url in (reverse("people"), reverse("staff:users")):
        page = client.get(url).content.decode()
        positions = [page.index(name) for name in NAMES]
        assert positions == sorted(positions), url
    options = [label for _pk, label in AssignForm().fields["officer"].choices if label and any(n in label for n in NAMES)]
    assert [next(n for n in NAMES if label.startswith(n)) for label in options] == NAMES


@pytest.mark.django_db
def test_a_person_without_a_department_or_position_has_no_dangling_dash(agency):
    nobody = UserFactory(username="nodept", full_name="Đỗ Văn Đức", department=None)
    assert person_label(nobody, detail=None) == "Đỗ Văn Đức"
    assert person_label(nobody, detail="Chuyên viên") == "Đỗ Văn Đức – Chuyên viên"
    labels = [label for _pk, label in AssignForm().fields["officer"].choices if "Đỗ Văn Đức" in str(label)]
    assert labels == ["Đỗ Văn Đức"]
