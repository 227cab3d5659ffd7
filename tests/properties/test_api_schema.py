"""Schemathesis against the portal's OpenAPI schema (/api/schema/): every operation, reads and
writes, called with generated parameters and bodies, as four roles (Office clerk, department
head, officer, leadership), through the real WSGI application with session authentication and
CSRF. The one property checked: no response is a server error (5xx)."""

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
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

pytestmark = pytest.mark.django_db

ROLES = ["clerk", "head_a", "officer_a", "leader"]
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def same_connection():
    """The WSGI app runs in the test's thread and transaction; Django would close that connection
    at the end of each request (as Django's own test client also prevents)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(agency, make_document, incoming):
    """One object of each kind, so {id} operations reach real records, not only 404s."""
    document = incoming()
    make_document(agency.dept_a, agency.officer_a, day=datetime.date(2026, 3, 10), form="paper")
    compute_month(MARCH)  # compliance snapshots for /compliance/, and a violation to review
    detect_month(MARCH)
    plan = dossier_services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)
    dossier = dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thử API", retention_years=10)
    campaign = backlog_services.campaign_open(
        acting_user=agency.clerk, title="Kiểm kê thử API", scope_until_year=2015,
        deadline=datetime.date.today() + datetime.timedelta(days=30), departments=[agency.dept_a, agency.dept_b],
        effort_norm=2)
    inventory = campaign.inventories.get(department=agency.dept_a)
    return {
        "documents": document.pk, "dossiers": dossier.pk, "file-plans": plan.pk, "campaigns": campaign.pk,
        "inventories": inventory.pk, "lines": 1, "violations": Violation.objects.values_list("pk", flat=True).first(),
        "departments": agency.dept_a.pk, "users": agency.officer_a.pk,
    }


@pytest.fixture
def sessions(agency):
    """The cookies and CSRF header of a logged-in session, for each role."""
    headers = {}
    for role in ROLES:
        client = Client()
        client.force_login(getattr(agency, role))
        token = _get_new_csrf_string()
        headers[role] = {"headers": {"X-CSRFToken": token},
                         "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}}
    return headers


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
def test_no_operation_answers_with_a_server_error(case, role, same_connection, sessions, world):
    if "id" in (case.path_parameters or {}):
        # Mostly a real record of that kind (its rules run), sometimes whatever was generated.
        resource = next((key for key in world if f"/{key}/" in case.operation.path), None)
        if resource and world[resource] and hash(repr(case.body)) % 4:
            case.path_parameters["id"] = world[resource]
    case.call_and_validate(**sessions[role], checks=[not_a_server_error])


def test_the_generated_calls_are_authenticated(same_connection, sessions):
    """Without this the test above could pass on 403s alone (a session cookie not sent)."""
    operation = schema["/api/v1/me/"]["GET"]
    for role, credentials in sessions.items():
        response = operation.Case().call(**credentials)
        assert response.status_code == 200, (role, response.status_code, response.text[:200])
        assert response.json()["username"] in {"clerk", "head_a", "officer_a", "leader"}
