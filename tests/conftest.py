import contextlib
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import datetime
import itertools

import pytest

from recordsportal.roles import Role

from .factories import DepartmentFactory, UserFactory

IN_CI = bool(os.environ.get("CI"))
# Settings variables a subprocess must not inherit from the test run (each test sets its own).
CLEARED_FOR_SUBPROCESS = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

ROOT = Path(__file__).resolve().parents[1]


def screenshot_dir(docs_folder: str) -> Path:
    """Where the browser tests write their screenshots. A test run leaves every tracked file as
    it was, so by default they go to the git-ignored test-results/screenshots/; `make
    screenshots` sets REFRESH_SCREENSHOTS=1 to refresh, on purpose, the images docs/ embeds."""
    if os.environ.get("REFRESH_SCREENSHOTS") == "1":
        return ROOT / "docs" / docs_folder
    return ROOT / "test-results" / "screenshots" / docs_folder


@contextlib.contextmanager
def savepoint_rolled_back(django_db_blocker):
    """One test inside a savepoint of its module's open transaction, rolled back afterwards: the
    isolation of `django_db` without a TestCase per test, for modules that build their records
    once (tests/recordsportal/test_url_matrix.py, tests/properties/test_api_schema.py)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        savepoint = transaction.savepoint()
        try:
            yield
        finally:
            transaction.savepoint_rollback(savepoint)
            transaction.set_rollback(False)


def require(condition: bool, what: str) -> None:
    """A test that needs a service or tool: skipped on a developer's machine without it, failed in
    CI, where everything must be present."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"the `{name}` command")
    return path


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Agency:
    """A small agency: two departments (one with a sub-unit) and one person per role."""

    office: object
    dept_a: object
    dept_b: object
    unit_a1: object
    admin: object
    leader: object
    clerk: object
    head_a: object
    head_b: object
    officer_a: object
    officer_a2: object
    officer_a1_unit: object
    officer_b: object


@pytest.fixture
def agency(db):
    office = DepartmentFactory(name="Văn phòng", abbreviation="VP", kind="office")
    dept_a = DepartmentFactory(name="Phòng Quản lý Đầu tư", abbreviation="QLĐT")
    dept_b = DepartmentFactory(name="Phòng Quản lý Doanh nghiệp", abbreviation="QLDN")
    unit_a1 = DepartmentFactory(name="Tổ Thẩm định", abbreviation="TTĐ", parent=dept_a)
    head_a = UserFactory(username="head_a", full_name="Ngô Thị Trưởng A", department=dept_a, roles=[Role.DEPARTMENT_HEAD, Role.OFFICER])
    head_b = UserFactory(username="head_b", full_name="Vũ Văn Trưởng B", department=dept_b, roles=[Role.DEPARTMENT_HEAD, Role.OFFICER])
    dept_a.head = head_a
    dept_a.save()
    dept_b.head = head_b
    dept_b.save()
    return Agency(
        office=office,
        dept_a=dept_a,
        dept_b=dept_b,
        unit_a1=unit_a1,
        admin=UserFactory(username="admin_user", full_name="Quản Trị Viên", department=office, roles=[Role.ADMIN]),
        leader=UserFactory(username="leader", full_name="Trần Lãnh Đạo", department=None, roles=[Role.LEADERSHIP]),
        clerk=UserFactory(username="clerk", full_name="Nguyễn Thị Văn Thư", department=office, roles=[Role.OFFICE, Role.OFFICER]),
        head_a=head_a,
        head_b=head_b,
        officer_a=UserFactory(username="officer_a", full_name="Phan Văn Cán Bộ A", department=dept_a),
        officer_a2=UserFactory(username="officer_a2", full_name="Đỗ Thị Cán Bộ A2", department=dept_a),
        officer_a1_unit=UserFactory(username="officer_a1", full_name="Hồ Sỹ Tổ Viên", department=unit_a1),
        officer_b=UserFactory(username="officer_b", full_name="Chu Văn Cán Bộ B", department=dept_b),
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    require(url.startswith("redis://") and port_open("127.0.0.1", 6379), "Redis (CELERY_BROKER_URL)")
    return url


@pytest.fixture(scope="session")
def run_python():
    """Run a Python snippet in a fresh interpreter with a chosen environment (settings are read
    once per process, so testing them needs a new one)."""

    def _run(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
        base = {k: v for k, v in os.environ.items() if k not in CLEARED_FOR_SUBPROCESS}
        return subprocess.run(
            [os.sys.executable, *(["-c", code] if code else []), *args],
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return _run


@pytest.fixture
def incoming(agency):
    """Register an incoming document as the clerk; keyword overrides."""

    def _register(**overrides):
        fields = {
            "number_symbol": "125/UBND-KT",
            "issuer": "Ủy ban nhân dân tỉnh",
            "summary": "Về việc triển khai Quyết định số 28/2018/QĐ-TTg",
            "document_date": datetime.date(2026, 3, 2),
            "arrival_date": datetime.date(2026, 3, 3),
        }
        fields.update(overrides)
        from documents import services
        from documents.choices import Form

        fields.setdefault("form", Form.ELECTRONIC)
        if fields["form"] == Form.ELECTRONIC and not fields.get("attachments"):
            # An electronic document has its content in the portal (issue 14): the scan made on arrival.
            fields["attachments"] = [scan_upload()]
        return services.incoming_register(acting_user=agency.clerk, **fields)

    return _register


_numbers = itertools.count(1)
# The smallest file the attachment check takes as a PDF: a document's scan in tests.
SCAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


_AUTHORITY = {}


def test_authority():
    """A certificate authority of the tests' own (documents/test_ca.py), made once per run."""
    from documents.test_ca import make_authority

    if "ca" not in _AUTHORITY:
        _AUTHORITY["ca"] = make_authority("CA thử nghiệm của bộ kiểm thử")
    return _AUTHORITY["ca"]


def signed_pdf(title: str = "Cong van 15", signer: str = "Trần Đình Hải", **validity) -> bytes:
    """A one-page PDF digitally signed by `signer` with a certificate of the tests' CA."""
    from documents.demo import demo_pdf

    return test_authority().sign(demo_pdf(title), signer, **validity)


def signed_upload(name: str = "cv-15-ky-so.pdf", **kwargs):
    """The issued file of an electronic outgoing or internal document: a digitally signed PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, signed_pdf(**kwargs), content_type="application/pdf")


test_authority.__test__ = False  # a helper, not a test


def scan_upload(name: str = "ban-so-hoa.pdf"):
    """The scan of a document made on arrival: what makes an incoming document electronic."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, SCAN_PDF, content_type="application/pdf")


@pytest.fixture
def make_document(db):
    """A registered document counted for `department`/`officer` on `day` (E counts these fields)."""
    from documents.choices import Confidentiality, Direction, Form, Status
    from documents.models import Document

    def _make(department, officer=None, day=datetime.date(2026, 3, 10), form=Form.ELECTRONIC,
              confidentiality=Confidentiality.NORMAL, direction=Direction.INCOMING, **extra):
        number = next(_numbers)
        return Document.objects.create(
            direction=direction, series=f"test-{direction}", register_year=day.year, number=number,
            number_symbol=f"{number}/TEST", summary="Văn bản thử", register_date=day, document_date=day,
            form=form, confidentiality=confidentiality, department=department, officer=officer,
            status=Status.DONE if direction == Direction.INCOMING else Status.ISSUED, **extra,
        )

    return _make


# --- uploads and the media folder (one set for the import tests) ---------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows, *, sheet: str | None = None) -> bytes:
    """A real .xlsx written by openpyxl: one sheet holding `rows` in order (write-only, so a
    20,000-row workbook takes about a second)."""
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_upload(data: bytes, name: str = "tep.xlsx"):
    """`data` uploaded as an Excel file named `name`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=XLSX_TYPE)


def stored_files(folder: Path) -> list[Path]:
    """Every file under `folder` (the media folder: what an upload left in storage)."""
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def media(settings, tmp_path):
    """Uploads stored in a folder of the test's own, which the test may look at."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
