"""Schemathesis against the portal's OpenAPI schema (/api/schema/): every operation, reads and
writes, called with generated parameters and bodies, as four roles (Office clerk, department
head, officer, leadership), through the real WSGI application with session authentication and
CSRF. The one property checked: no response is a server error (5xx)."""

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from backlog import services as backlog_services
from dossiers import services as dossier_services
from recordsportal.wsgi import application
from reports.compliance import compute_month
from reports.models import Violation
from reports.violations import detect_month

from ..conftest import savepoint_rolled_back, scan_upload

pytestmark = pytest.mark.django_db

ROLES = ["clerk", "head_a", "officer_a", "leader"]
MARCH = datetime.date(2026, 3, 1)


def build_world() -> dict:
    """A small agency and one object of each kind, so {id} operations reach real records."""
    from documents import services as document_services
    from documents.choices import Form
    from recordsportal.roles import Role

    from ..factories import DepartmentFactory, UserFactory

    office = DepartmentFactory(name="Văn phòng", abbreviation="VP", kind="office")
    dept_a = DepartmentFactory(name="Phòng Quản lý Đầu tư", abbreviation="QLĐT")
    dept_b = DepartmentFactory(name="Phòng Quản lý Doanh nghiệp", abbreviation="QLDN")
    head_a = UserFactory(username="head_a", department=dept_a, roles=[Role.DEPARTMENT_HEAD, Role.OFFICER])
    dept_a.head = head_a
    dept_a.save()
    users = {
        "clerk": UserFactory(username="clerk", department=office, roles=[Role.OFFICE, Role.OFFICER]),
        "head_a": head_a,
        "officer_a": UserFactory(username="officer_a", department=dept_a),
        "leader": UserFactory(username="leader", department=None, roles=[Role.LEADERSHIP]),
    }
    document = document_services.incoming_register(
        acting_user=users["clerk"], number_symbol="125/UBND-KT", issuer="Ủy ban nhân dân tỉnh",
        summary="Về việc triển khai kế hoạch", document_date=datetime.date(2026, 3, 2),
        arrival_date=datetime.date(2026, 3, 3), form=Form.ELECTRONIC, attachments=[scan_upload()])
    document_services.incoming_register(
        acting_user=users["clerk"], number_symbol="7/SKHĐT-ĐT", issuer="Sở Kế hoạch và Đầu tư",
        summary="Về việc báo cáo", document_date=datetime.date(2026, 3, 9),
        arrival_date=datetime.date(2026, 3, 10), form=Form.PAPER)
    compute_month(MARCH)  # compliance snapshots for /compliance/, and violations to review
    detect_month(MARCH)
    plan = dossier_services.file_plan_create(acting_user=head_a, department=dept_a, year=2026)
    dossier = dossier_services.dossier_open(acting_user=users["officer_a"], title="Hồ sơ thử API", retention_years=10)
    campaign = backlog_services.campaign_open(
        acting_user=users["clerk"], title="Kiểm kê thử API", scope_until_year=2015,
        deadline=datetime.date.today() + datetime.timedelta(days=30), departments=[dept_a, dept_b], effort_norm=2)
    inventory = campaign.inventories.get(department=dept_a)
    ids = {
        "documents": document.pk, "dossiers": dossier.pk, "file-plans": plan.pk, "campaigns": campaign.pk,
        "inventories": inventory.pk, "lines": None, "departments": dept_a.pk, "users": users["officer_a"].pk,
        "violations": Violation.objects.values_list("pk", flat=True).first(),
    }
    return {"users": users, "ids": ids}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the 39 operations (it costs more than their requests): one transaction for
    the module, each test's own in a savepoint inside it, everything rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            # One logged-in session (with a CSRF token: DRF checks it on writes) per role.
            world["sessions"] = {}
            for role, user in world["users"].items():
                client = Client()
                client.force_login(user)
                token = _get_new_csrf_string()
                world["sessions"][role] = {
                    "headers": {"X-CSRFToken": token},
                    "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
                }
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def _django_db_helper(world, django_db_blocker):
    """For this module only: each test in a savepoint of the module's transaction (as in
    tests/recordsportal/test_url_matrix.py), instead of pytest-django's TestCase per test."""
    with savepoint_rolled_back(django_db_blocker):
        yield


@pytest.fixture
def same_connection():
    """The WSGI app runs in the test's thread and transaction; Django would close that connection
    at the end of each request (Django's own test client prevents it the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def portal_schema() -> dict:
    """The document /api/schema/ serves (same generator and renderer), built without a request:
    schemathesis makes one test per operation at collection time. (Its lazy `from_fixture`
    loader does not run under pytest 9: it sets a node attribute pytest no longer has.)"""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(portal_schema())
schema.app = application  # calls go through the WSGI app in-process, every middleware included


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES))
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case, role, same_connection, world):
    ids = world["ids"]
    if "id" in (case.path_parameters or {}):
        # Mostly a real record of that kind (its rules run), sometimes whatever was generated.
        resource = next((key for key in ids if f"/{key}/" in case.operation.path), None)
        if resource and ids[resource] and hash(repr(case.body)) % 4:
            case.path_parameters["id"] = ids[resource]
    case.call_and_validate(**world["sessions"][role], checks=[not_a_server_error])


def test_the_generated_calls_are_authenticated(same_connection, world):
    """Without this the test above could pass on 403s alone (a session cookie not sent)."""
    operation = schema["/api/v1/me/"]["GET"]
    for role, credentials in world["sessions"].items():
        response = operation.Case().call(**credentials)
        assert response.status_code == 200, (role, response.status_code, response.text[:200])
        assert response.json()["username"] == role
