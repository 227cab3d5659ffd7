"""Issue 17, item 13: the admin names django-axes' tables in words, not by the package's name
("AXES: Access attempts")."""

import pytest
from django.apps import apps
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_axes_app_has_a_readable_name(agency, client):
    assert apps.get_app_config("axes").verbose_name == "Đăng nhập: lượt thử và khóa tài khoản"
    client.force_login(agency.admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Đăng nhập: lượt thử và khóa tài khoản" in page
    assert ">Axes<" not in page and ">AXES<" not in page
