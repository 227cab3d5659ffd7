"""Role boundaries: every URL of the URL conf × every role × an object of the actor's own scope
and of another department → the status tests/matrix.py expects.

The world (agency, documents, dossiers, plans, batches, retention lists, campaigns, inventories,
violations, admin rows) is built once for the module inside an outer transaction; each case runs
in a savepoint rolled back afterwards, so a POST that succeeds changes nothing for the next case.
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import override_settings
from django.urls import resolve, reverse
from openpyxl import Workbook

from tests import matrix
from tests.conftest import Agency, savepoint_rolled_back
from tests.factories import DepartmentFactory, UserFactory

ROUTES = {route.key: route for route in matrix.url_patterns()}
DAY = datetime.date(2026, 3, 10)


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)  # scope -> name -> object (or a plain value)
    sessions: dict = field(default_factory=dict)  # role -> session key


def _agency():
    """The same people and departments as tests/conftest.py's `agency`, built once per module."""
    from recordsportal.roles import Role

    office = DepartmentFactory(name="Văn phòng", abbreviation="VP", kind="office")
    dept_a = DepartmentFactory(name="Phòng Quản lý Đầu tư", abbreviation="QLĐT")
    dept_b = DepartmentFactory(name="Phòng Quản lý Doanh nghiệp", abbreviation="QLDN")
    unit_a1 = DepartmentFactory(name="Tổ Thẩm định", abbreviation="TTĐ", parent=dept_a)
    head_a = UserFactory(username="head_a", full_name="Ngô Thị Trưởng A", department=dept_a,
                         roles=[Role.DEPARTMENT_HEAD, Role.OFFICER])
    head_b = UserFactory(username="head_b", full_name="Vũ Văn Trưởng B", department=dept_b,
                         roles=[Role.DEPARTMENT_HEAD, Role.OFFICER])
    dept_a.head = head_a
    dept_a.save()
    dept_b.head = head_b
    dept_b.save()
    return Agency(
        office=office, dept_a=dept_a, dept_b=dept_b, unit_a1=unit_a1,
        admin=UserFactory(username="admin_user", full_name="Quản Trị Viên", department=office, roles=[Role.ADMIN]),
        leader=UserFactory(username="leader", full_name="Trần Lãnh Đạo", department=None, roles=[Role.LEADERSHIP]),
        clerk=UserFactory(username="clerk", full_name="Nguyễn Thị Văn Thư", department=office,
                          roles=[Role.OFFICE, Role.OFFICER]),
        head_a=head_a, head_b=head_b,
        officer_a=UserFactory(username="officer_a", full_name="Phan Văn Cán Bộ A", department=dept_a),
        officer_a2=UserFactory(username="officer_a2", full_name="Đỗ Thị Cán Bộ A2", department=dept_a),
        officer_a1_unit=UserFactory(username="officer_a1", full_name="Hồ Sỹ Tổ Viên", department=unit_a1),
        officer_b=UserFactory(username="officer_b", full_name="Chu Văn Cán Bộ B", department=dept_b),
    )


def _xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _document(department, officer, number, summary="Văn bản thử ma trận quyền", **extra):
    from documents.choices import Direction, Form, Status
    from documents.models import Document

    return Document.objects.create(
        direction=Direction.INCOMING, series="test-incoming", register_year=DAY.year, number=number,
        number_symbol=f"{number}/TEST", summary=summary, register_date=DAY, document_date=DAY,
        form=Form.ELECTRONIC, department=department, officer=officer, status=Status.ASSIGNED, **extra)


def _attachment(document, user):
    from documents.models import Attachment

    attachment = Attachment(document=document, original_name="to-trinh.pdf", extension="pdf",
                            content_type="application/pdf", size=9, sha256="0" * 64, uploaded_by=user)
    attachment.file.save("to-trinh.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


def _department_objects(a, department, officer, head, campaign, number):
    """One of each object a department's work produces, kept by `officer`."""
    from backlog.models import Inventory, InventoryImport, InventoryLine
    from dossiers import services as dossier_services
    from dossiers.choices import ItemKind
    from dossiers.models import ArchiveBatchLine, DossierItem, PlanImport, RetentionLine
    from reports.models import Violation, ViolationKind

    document = _document(department, officer, number)
    dossier = dossier_services.dossier_open(acting_user=officer, title=f"Hồ sơ thử của {officer.full_name}",
                                            retention_years=10, opened_on=DAY)
    dossier_services.dossier_add_document(acting_user=officer, dossier=dossier, document=document)
    item = DossierItem(dossier=dossier, position=2, kind=ItemKind.FILE, title="Bản đồ", original_name="ban-do.pdf",
                       extension="pdf", content_type="application/pdf", size=9, sha256="0" * 64, added_by=officer)
    item.file.save("ban-do.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    batch = dossier_services.archive_batch_create(acting_user=head, department=department)
    ArchiveBatchLine.objects.create(batch=batch, dossier=dossier, position=1)
    retention = dossier_services.retention_list_create(acting_user=head, department=department)
    retention_line = RetentionLine.objects.create(retention_list=retention, dossier=dossier, reason="Còn tra cứu",
                                                  keep_until=datetime.date(2027, 12, 31))
    inventory = Inventory.objects.get(campaign=campaign, department=department)
    line = InventoryLine.objects.create(inventory=inventory, order=1, description="Hồ sơ dự án đầu tư", from_year=2005,
                                        to_year=2012, shelf_metres=Decimal("12.5"), boxes=100, estimated_dossiers=800)
    violation = Violation.objects.create(kind=ViolationKind.DOCUMENTS_OVERDUE, department=department, officer=officer,
                                         period=DAY.replace(day=1), key=f"matrix-{department.pk}")
    from notifications.models import Notification

    notification = Notification.objects.create(recipient=officer, kind="assigned", key=f"matrix-{number}",
                                               title="Văn bản được giao", url=f"/documents/{document.pk}/")
    plan = dossier_services.file_plan_create(acting_user=head, department=department, year=DAY.year)
    plan_heading = dossier_services.file_plan_heading_add(acting_user=head, plan=plan, title="Tổng hợp",
                                                          abbreviation=f"TH{number}")
    plan_entry = dossier_services.file_plan_entry_add(acting_user=head, plan=plan, heading=plan_heading,
                                                      title="Hồ sơ kế hoạch công tác năm", retention_years=10)
    plan_import = PlanImport.objects.create(plan=plan, original_name="danh-muc.xlsx", state=PlanImport.State.REFUSED,
                                            errors=["Dòng 4, cột C: thời hạn bảo quản “x” không hợp lệ"],
                                            error_count=1, created_by=head)
    inventory_import = InventoryImport.objects.create(
        inventory=inventory, original_name="kiem-ke.xlsx", state=InventoryImport.State.REFUSED,
        errors=["Dòng 5, cột E (Mét giá): phải là số không âm"], error_count=1, created_by=head)
    from django.utils import timezone

    from recordsportal.models import ExportJob

    # An export written by the task for the officer (recordsportal/exports.py): theirs alone.
    export_job = ExportJob(kind="documents.exports.register_list_export", filename="van-ban.xlsx",
                           title="Danh sách văn bản", state=ExportJob.State.DONE, result_count=1, created_by=officer,
                           expires_at=timezone.now() + datetime.timedelta(days=1))
    export_job.file.save("export.xlsx", ContentFile(_xlsx(["Số"], [[1]])), save=True)
    return {
        "inventory_import": inventory_import, "export_job": export_job,
        "department": department, "officer_user": officer, "document": document,
        "attachment": _attachment(document, a.clerk), "dossier": dossier, "item": item,
        "plan": plan, "plan_import": plan_import, "plan_heading": plan_heading, "plan_entry": plan_entry,
        "batch": batch, "retention": retention, "retention_line": retention_line, "campaign": campaign,
        "inventory": inventory, "inventory_line": line, "violation": violation, "notification": notification,
    }


# What department A's officer and head must never read, each with the pattern a page shows it
# by (HTML or JSON with the tags stripped, a workbook's cells, a PDF's text): department B's
# figures — its and its officer's E ratio, the agency's total that includes them, its approved
# deduction, its inventory's shelf metres — and the number and summary of the confidential
# document of department A that names officer_a2 only (it sits in officer_a2's dossier, which
# the head opens). `_out_of_scope_markers` makes them; the Office sees every one (the control).
SECRET_SUMMARY = "Chỉ thị mật về bảo vệ công trình trọng điểm"
OUT_OF_SCOPE = {
    "department B's E figure": r"617\s*/\s*953",
    "officer B's E figure": r"607\s*/\s*613",
    "the agency's E figure, department B's included": r"718\s*/\s*1[.,]?155",
    "department B's approved deduction": r"13[,.]57",
    "department B's inventory, in shelf metres": r"37[,.]75",
    "the confidential document's number": r"(?<![0-9])3/TEST",
    "the confidential document's summary": SECRET_SUMMARY,
}


def _out_of_scope_markers(a, secret, campaign_all):
    """The records behind OUT_OF_SCOPE (see there), dated this month so that every page's
    default period shows them."""
    from backlog.models import Inventory, InventoryLine
    from django.utils import timezone

    from dossiers import services as dossier_services
    from reports.models import Metric, ScopeKind, Snapshot, Violation, ViolationKind

    month = timezone.localdate().replace(day=1)
    # An officer's snapshot records the department their records were counted for (as
    # reports/compliance.SCOPED writes it): the Office's drill-down of department B lists
    # officer B's row by it (reports/querysets.drill_down).
    for key, department, officer, numerator, denominator in [
            (f"department:{a.dept_a.pk}", a.dept_a, None, 101, 202), (f"department:{a.dept_b.pk}", a.dept_b, None, 617, 953),
            (f"officer:{a.officer_b.pk}", a.dept_b, a.officer_b, 607, 613), ("agency", None, None, 718, 1155)]:
        scope = (ScopeKind.AGENCY if key == "agency" else ScopeKind.OFFICER if officer
                 else ScopeKind.DEPARTMENT)
        Snapshot.objects.create(month=month, metric=Metric.ELECTRONIC_EXCHANGE, scope=scope, scope_key=key,
                                department=department, officer=officer, numerator=numerator, denominator=denominator)
    for department, points in [(a.dept_a, "2.25"), (a.dept_b, "13.57")]:
        Violation.objects.create(kind=ViolationKind.E_BELOW_TARGET, department=department, period=month,
                                 key=f"matrix-approved-{department.pk}", status=Violation.Status.CONFIRMED,
                                 decision=Violation.Decision.APPROVED, proposed_points=Decimal(points))
    InventoryLine.objects.create(inventory=Inventory.objects.get(campaign=campaign_all, department=a.dept_b), order=1,
                                 description="Hồ sơ doanh nghiệp", from_year=2001, to_year=2005,
                                 shelf_metres=Decimal("37.75"), boxes=10, estimated_dossiers=5)
    dossier = dossier_services.dossier_open(acting_user=a.officer_a2, title="Hồ sơ của cán bộ A2", retention_years=10,
                                            opened_on=DAY)
    dossier_services.dossier_add_document(acting_user=a.officer_a2, dossier=dossier, document=secret)
    return dossier


def build_world() -> World:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from backlog import services as backlog_services
    from backlog.models import DeadlineMiss
    from documents.models import RevocationList, TrustRoot
    from documents import importer
    from documents.choices import Confidentiality, Direction
    from documents.models import RegisterImport
    from recordsportal.models import Agency as AgencyRow
    from recordsportal.models import Department
    from recordsportal.roles import Role

    row = AgencyRow.load()
    row.identifier_code, row.abbreviation, row.name = "000.00.31.H09", "BQL", "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh"
    row.save()
    a = _agency()
    deadline = datetime.date(2026, 12, 31)
    campaign_all = backlog_services.campaign_open(
        acting_user=a.clerk, title="Kiểm kê tài liệu tồn đọng (mọi phòng)", scope_until_year=2015, deadline=deadline,
        departments=[a.office, a.dept_a, a.dept_b])
    campaign_b = backlog_services.campaign_open(
        acting_user=a.clerk, title="Kiểm kê tài liệu tồn đọng (phòng B)", scope_until_year=2015, deadline=deadline,
        departments=[a.dept_b])
    own = _department_objects(a, a.dept_a, a.officer_a, a.head_a, campaign_all, 1)
    other = _department_objects(a, a.dept_b, a.officer_b, a.head_b, campaign_b, 2)
    from tests.exchange.matrix_world import exchange_world

    own.update(exchange_world(a, "own", 1))
    other.update(exchange_world(a, "other", 2))

    # With a form column: a file without one waits at the mapping step (documents/rules.py import_form_problem).
    headers = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Tên loại", "Trích yếu", "Hình thức"]
    register_import = RegisterImport(
        direction=Direction.INCOMING, original_name="so-den.xlsx", size=1, sha256="0" * 64, headers=headers,
        mapping=importer.auto_mapping(headers, Direction.INCOMING), created_by=a.clerk)
    register_import.file.save("upload.xlsx", ContentFile(_xlsx(headers, [
        [7, "05/01/2026", "UBND tỉnh", "01/UBND-KT", "04/01/2026", "Công văn", "Về kế hoạch năm 2026", "Giấy"]])),
        save=True)
    own["register_import"] = register_import

    secret = _document(a.dept_a, a.officer_a2, 3, summary=SECRET_SUMMARY, confidentiality=Confidentiality.SECRET)
    confidential = {"document": secret, "attachment": _attachment(secret, a.clerk),
                    "dossier": _out_of_scope_markers(a, secret, campaign_all)}

    # Rows the admin site lists (the world's other-department objects, and a few of its own).
    other.update(
        group=Group.objects.get(name=Role.OFFICER),
        access_attempt=AccessAttempt.objects.create(username="officer_b", ip_address="10.0.0.9", user_agent="ua",
                                                    http_accept="*/*", path_info="/accounts/login/", get_data="",
                                                    post_data="", failures_since_start=1),
        access_log=AccessLog.objects.create(username="officer_b", ip_address="10.0.0.9", user_agent="ua",
                                            http_accept="*/*", path_info="/accounts/login/"),
        access_failure_log=AccessFailureLog.objects.create(username="officer_b", ip_address="10.0.0.9",
                                                           user_agent="ua", http_accept="*/*",
                                                           path_info="/accounts/login/"),
        agency_row=row,
        deadline_miss=DeadlineMiss.objects.create(campaign=campaign_b, department=a.dept_b, kind="missing",
                                                  deadline=deadline),
        trust_root=TrustRoot.objects.create(name="CA thử", der=b"0", fingerprint="0" * 64, subject="CA thử"),
        revocation_list=RevocationList.objects.create(name="CRL thử", der=b"0", fingerprint="0" * 64),
        department_type=ContentType.objects.get_for_model(Department).pk,
    )
    for _name, (obj, simple_history) in matrix.ADMIN_MODELS.items():
        if simple_history:
            other[f"{obj}_history"] = other[obj].history.latest().history_id
    users = {"anonymous": None, "officer": a.officer_a, "officer2": a.officer_a2, "head": a.head_a,
             "clerk": a.clerk, "leader": a.leader, "admin": a.admin}
    return World(users=users, objects={"own_scope": own, "other_dept": other, "confidential": confidential,
                                       "no_object": other})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        # One outer transaction for the module; every case's own (pytest-django) transaction
        # nests in it as a savepoint, and the whole world is rolled back at the end.
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            # One session per actor, made once: logging in writes the user (last_login and its
            # audit row), which cost more than most of the requests themselves.
            for role, user in world.users.items():
                if user is not None:
                    login = Client()
                    login.force_login(user)
                    world.sessions[role] = login.cookies[settings.SESSION_COOKIE_NAME].value
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- requests ----------------------------------------------------------------------------------------


def _value(objects, name):
    if str(name).startswith("="):
        return name[1:]
    value = objects[name]
    return getattr(value, "pk", value)


def build_url(key, entry, objects) -> str:
    if entry.route:
        url = matrix.PLACEHOLDER.sub(lambda m: str(_value(objects, m.group(1))), entry.route)
    else:
        kwargs = {arg: _value(objects, name) for arg, name in entry.kwargs.items()}
        args = [_value(objects, name) for name in entry.args]
        url = reverse(ROUTES[matrix.route_key(key)].name, kwargs=kwargs or None, args=args or None)
    return f"{url}?{entry.query}" if entry.query else url


def build_data(entry, objects) -> dict:
    return {name: (_value(objects, value[1:]) if str(value).startswith("@") else value)
            for name, value in entry.data.items()}


def _snapshot(entry, objects) -> dict:
    """The rows an action names (URL and body), with their audit-history counts."""
    names = [n for n in [*entry.kwargs.values(), *entry.args] if not str(n).startswith("=")]
    names += [v[1:] for v in entry.data.values() if str(v).startswith("@")]
    rows = {}
    for name in names:
        obj = objects[name]
        if not hasattr(obj, "pk"):
            continue
        model = type(obj)
        rows[name] = (model._base_manager.filter(pk=obj.pk).values().first(),
                      obj.history.count() if hasattr(obj, "history") else None)
    return rows


def _counts():
    from dossiers.models import ArchiveBatch, RetentionList

    return ArchiveBatch.objects.count(), RetentionList.objects.count()


def _login_paths():
    return resolve_url(settings.LOGIN_URL), reverse("admin:login")


@pytest.fixture
def _django_db_helper(world, django_db_blocker):
    """Each case in a savepoint of the module's transaction, rolled back afterwards.

    Overrides, for this module only, the pytest-django fixture behind `django_db`: the same
    isolation without building a TestCase per case (it cost a fifth of the run over 2,000
    cases). The marker stays, so pytest-django still sets the test database up."""
    with savepoint_rolled_back(django_db_blocker):
        yield


CASES = matrix.cases()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_url_matrix(case, world, client):
    entry = matrix.TABLE[case.key]
    objects = world.objects[case.scope]
    url = build_url(case.key, entry, objects)
    # The case exercises the pattern it is named after, not a neighbour.
    # (ResolverMatch.route drops the "^" of nested regex patterns: compare without them.)
    route = ROUTES[matrix.route_key(case.key)].route
    assert resolve(urlsplit(url).path).route.replace("^", "") == route.replace("^", ""), url
    if case.role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[case.role]
    data = build_data(entry, objects)
    action = entry.method != "GET"
    names_department = (action and case.role in ("officer", "head") and case.scope == "other_dept"
                        and "department" in entry.data)
    before = _snapshot(entry, objects) if action else None
    counts = _counts() if names_department else None

    if entry.method == "GET":
        response = client.get(url)
    elif entry.method == "PUT" or (entry.api and data):
        method = client.put if entry.method == "PUT" else client.post
        response = method(url, data=data or {}, content_type="application/json")
    else:
        response = client.post(url, data)

    expected = case.expected
    status = str(response.status_code)
    location = response.get("Location", "")
    shown = f"{case.role} {entry.method} {url} → {status} {location}"
    body = response.content[:300].decode(errors="replace") if entry.api and not response.streaming else ""
    assert status == expected.rstrip("L"), f"{shown} {body}"
    if status == "302":
        at_login = urlsplit(location).path in _login_paths()
        assert at_login == expected.endswith("L"), f"{shown}: expected {expected}"

    # An action refused (or out of the actor's scope) changes nothing.
    refused = expected in {"302L", "400", "403", "404", "405"} or (
        case.role in ("officer", "head") and case.scope == "other_dept")
    if action and refused:
        assert _snapshot(entry, objects) == before, f"{shown}: the object changed"
    if names_department:
        # Naming another department in the body: nothing is created for it.
        assert _counts() == counts, f"{shown}: a row was created for another department"


# --- the table covers the URL conf, and only it ---------------------------------------------------------


def test_every_url_pattern_has_an_expectation():
    missing, _ = matrix.coverage_gaps(matrix.url_patterns(), matrix.TABLE)
    assert not missing, f"URL patterns with no row in tests/matrix.py (decide who may reach them): {missing}"


def test_every_expectation_names_an_existing_url_pattern():
    _, stale = matrix.coverage_gaps(matrix.url_patterns(), matrix.TABLE)
    assert not stale, f"rows of tests/matrix.py whose URL pattern no longer exists: {stale}"


def test_the_coverage_check_sees_a_new_and_a_removed_pattern():
    from django.http import HttpResponse
    from django.urls import include, path

    extra = [path("api/v1/", include(([path("secret/<int:pk>/", lambda r, pk: HttpResponse(), name="leak")], "x")))]
    routes = matrix.url_patterns() + matrix.url_patterns(extra)
    missing, stale = matrix.coverage_gaps(routes, matrix.TABLE)
    assert missing == ["x:leak"] and stale == []
    table = {k: v for k, v in matrix.TABLE.items() if k != "documents:detail"}
    table["documents:old_detail"] = matrix.TABLE["documents:detail"]
    assert matrix.coverage_gaps(matrix.url_patterns(), table) == (["documents:detail"], ["documents:old_detail"])


def test_the_matrix_covers_every_role_and_both_scopes():
    roles = {c.role for c in CASES}
    assert roles == {"anonymous", "officer", "officer2", "head", "clerk", "leader", "admin"}
    scoped = [key for key, entry in matrix.TABLE.items() if "other_dept" in entry.statuses]
    # Every URL naming a department's object is tried with another department's one (a register
    # import is the Office's, agency-wide: no other department's import to try).
    for key, entry in matrix.TABLE.items():
        if "own_scope" in entry.statuses and key not in {"documents:import_mapping", "documents:import_preview",
                                                         "documents:import_confirm", "documents:import_run",
                                                         "documents:import_delete"}:
            assert key in scoped, key
    assert len(CASES) > 1500


@pytest.mark.django_db
@pytest.mark.parametrize("target, expected", [
    ("https://evil.example/phish", "/reports/violations/"),
    ("//evil.example/phish", "/reports/violations/"),
    ("/reports/violations/?year=2026", "/reports/violations/?year=2026"),
])
def test_a_violation_action_goes_back_only_to_a_page_of_the_portal(world, client, target, expected):
    # Found beside the matrix: `next` was followed wherever it pointed (an open redirect).
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["clerk"]
    violation = world.objects["other_dept"]["violation"]
    response = client.post(reverse("reports:violation_action", args=[violation.pk, "notify"]), {"next": target})
    assert response.status_code == 302 and response["Location"] == expected


# --- lists: a 200 must not carry another department's rows -----------------------------------------

# API list -> world object; which actors see their own scope's row (officers have no campaign,
# inventory or line; everyone else sees department A's).
API_LISTS = {
    "document-list": ("document", {"officer", "head", "clerk"}),
    "dossier-list": ("dossier", {"officer", "head", "clerk"}),
    "file-plan-list": ("plan", {"officer", "head", "clerk"}),
    "backlog-campaign-list": ("campaign", {"head", "clerk"}),
    "backlog-inventory-list": ("inventory", {"head", "clerk"}),
    "backlog-line-list": ("inventory_line", {"head", "clerk"}),
    "violation-list": ("violation", {"officer", "head", "clerk"}),
    "user-list": ("officer_user", {"officer", "head", "clerk"}),
}
# Page -> (world object, its detail URL name).
PAGE_LISTS = {
    "documents:list": ("document", "documents:detail"),
    "dossiers:list": ("dossier", "dossiers:detail"),
    "dossiers:plans": ("plan", "dossiers:plan_detail"),
    "dossiers:batches": ("batch", "dossiers:batch_detail"),
    "dossiers:retention": ("retention", "dossiers:retention_detail"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "head", "clerk"])
@pytest.mark.parametrize("name", list(API_LISTS))
def test_an_api_list_holds_only_rows_in_scope(world, client, name, role):
    obj, own_visible = API_LISTS[name]
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    payload = client.get(reverse(name)).json()
    ids = {row["id"] for row in (payload["results"] if isinstance(payload, dict) else payload)}
    own, other = world.objects["own_scope"][obj].pk, world.objects["other_dept"][obj].pk
    assert (own in ids) == (role in own_visible), (name, role, ids)
    # Another department's row: listed for the Office, never for department A's officer or head.
    assert (other in ids) == (role == "clerk"), (name, role, ids)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "head", "clerk"])
@pytest.mark.parametrize("name", list(PAGE_LISTS))
def test_a_list_page_links_only_rows_in_scope(world, client, name, role):
    obj, detail = PAGE_LISTS[name]
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    page = client.get(reverse(name)).content.decode()
    other = reverse(detail, args=[world.objects["other_dept"][obj].pk])
    own = reverse(detail, args=[world.objects["own_scope"][obj].pk])
    assert (f'href="{other}"' in page) == (role == "clerk"), (name, role)
    # Officers see no batches or retention lists; the rest see their own scope's row.
    assert (f'href="{own}"' in page) == (role != "officer" or obj not in {"batch", "retention"}), (name, role)


# --- summaries, totals, downloads and records inside records: nothing out of the viewer's scope --------

def _readable_text(response) -> str:
    """What a person reads in a response: a page or JSON without its tags, a workbook's cells,
    a PDF's text."""
    import html
    import re

    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(" ".join("" if v is None else str(v) for v in row)
                         for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True))
    if "pdf" in content_type:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        except PyPdfError:  # an uploaded file (the world's are a few bytes), not a report
            return body.decode("latin-1")
    text = body.decode(errors="replace")
    if "json" in content_type:
        import json

        return json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _found(text) -> list[str]:
    import re

    return [what for what, pattern in OUT_OF_SCOPE.items() if re.search(pattern, text)]


# Every GET of the matrix that department A's officer or head opens (200), in every scope.
SWEEP = [case for case in CASES
         if case.role in ("officer", "head") and case.expected == "200" and matrix.TABLE[case.key].method == "GET"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", SWEEP, ids=[c.id for c in SWEEP])
def test_no_page_api_or_download_shows_a_figure_or_document_out_of_the_viewers_scope(case, world, client):
    """Lists are scoped (above); so must be every summary card and total (the violations page's
    deductions card, the dashboard, a department's drill-down, a campaign's totals) and every
    record shown inside another (a document in a dossier): issue 12."""
    entry = matrix.TABLE[case.key]
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[case.role]
    response = client.get(build_url(case.key, entry, world.objects[case.scope]))
    assert response.status_code == 200
    assert not _found(_readable_text(response)), (case.id, _found(_readable_text(response)))


def test_the_sweep_covers_the_summaries_and_the_dossier_pages():
    swept = {(case.key, case.role) for case in SWEEP}
    for key in ("reports:violations", "reports:dashboard", "reports:department", "api-compliance",
                "backlog:campaign", "dossiers:list", "dossiers:mine", "home"):
        assert (key, "head") in swept, key
    assert ("dossiers:detail", "head") in swept and ("dossier-items", "head") in swept
    assert {c.scope for c in SWEEP if c.key == "dossiers:detail" and c.role == "head"} == {"own_scope", "confidential"}


@pytest.mark.django_db
def test_the_office_reads_every_figure_and_document_the_sweep_looks_for(world, client):
    """The control: the patterns match what the pages print, so the sweep's silence means
    something."""
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["clerk"]
    other, confidential = world.objects["other_dept"], world.objects["own_scope"]
    pages = [reverse("reports:dashboard"), reverse("reports:department", args=[other["department"].pk]),
             reverse("reports:violations"), reverse("backlog:campaign", args=[confidential["campaign"].pk]),
             reverse("dossiers:detail", args=[world.objects["confidential"]["dossier"].pk])]
    seen = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        for what in _found(_readable_text(response)):
            seen.setdefault(what, url)
    assert set(seen) == set(OUT_OF_SCOPE), set(OUT_OF_SCOPE) - set(seen)
