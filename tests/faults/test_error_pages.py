"""The error page of a database outage: 503 with Retry-After, rendered without the database."""

import json

import pytest
from django.db import OperationalError

from recordsportal.views.errors import server_error

pytestmark = pytest.mark.faults


def test_a_database_outage_answers_503_without_touching_the_database(rf):
    # No `db` fixture: pytest-django makes any query here an error, as the outage would.
    request = rf.get("/documents/")
    try:
        try:
            raise ConnectionRefusedError("connection refused")
        except ConnectionRefusedError as cause:  # Django wraps the driver's error the same way
            raise OperationalError("connection failed") from cause
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Hệ thống đang tạm thời gián đoạn" in page and "Traceback" not in page


def test_any_other_error_keeps_the_500_page(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_api_clients_get_json_not_a_page(rf):
    try:
        try:
            raise ConnectionRefusedError("connection refused")
        except ConnectionRefusedError as cause:
            raise OperationalError("connection failed") from cause
    except OperationalError:
        outage = server_error(rf.get("/api/v1/documents/"))
    assert outage.status_code == 503 and outage["Retry-After"] == "30"
    assert outage["Content-Type"] == "application/json"
    assert "chưa được ghi nhận" in json.loads(outage.content)["detail"]
    try:
        raise ValueError("a bug")
    except ValueError:
        failed = server_error(rf.get("/api/v1/dossiers/"))
    assert failed.status_code == 500 and "sự cố" in json.loads(failed.content)["detail"]
