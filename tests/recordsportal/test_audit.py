"""One audit mechanism (recordsportal/audit.py): every public service leaves exactly one history
row on the record it changes, naming the acting user, in the same transaction."""

import datetime
import importlib
import inspect
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog import services as backlog_services
from backlog.models import Inventory
from documents import handling
from documents import services as document_services
from documents.choices import Kind
from documents.models import Document, Receipt
from dossiers import services as dossier_services
from dossiers.models import Dossier, DossierItem, FilePlanEntry, FilePlanHeading, RetentionLine
from exchange import services as exchange_services
from exchange.models import InboundPackage, Organisation
from recordsportal import audit
from recordsportal import services as portal_services
from recordsportal.models import Agency, RoleGrant, User
from recordsportal.roles import Role
from reports import services as report_services
from reports.models import DeductionRule, Violation, ViolationKind
from tests.conftest import scan_upload

SERVICE_MODULES = ["recordsportal.services", "documents.services", "documents.handling", "dossiers.services",
                   "backlog.services", "reports.services", "exchange.services", "recordsportal.exports"]

ARRIVAL = datetime.date(2026, 3, 3)


def public_services() -> set[str]:
    """Every `<entity>_<action>` function of the services modules that acts for a user."""
    found = set()
    for name in SERVICE_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__.split(".")[0] != name.split(".")[0]:
                continue  # imported from another app
            if "acting_user" in inspect.signature(value).parameters:
                found.add(f"{name}.{attr}")
    return found


# --- the walk: how to call each service, and which row it changes -------------------------------------


class World:
    """The named actors (tests/conftest.py `agency`) and the records the services act on."""

    def __init__(self, agency):
        self.a = agency
        self._n = 0
        identifier = Agency.load()
        identifier.identifier_code, identifier.abbreviation, identifier.name = "000.00.31.H09", "BQL", "Ban Quản lý"
        identifier.save()

    def incoming(self, **extra) -> Document:
        self._n += 1
        return document_services.incoming_register(
            acting_user=self.a.clerk, number_symbol=f"{self._n}/UBND-KT", issuer="Ủy ban nhân dân tỉnh",
            summary=f"Về việc số {self._n}", document_date=ARRIVAL, arrival_date=ARRIVAL, **extra)

    def assigned(self, officer=None) -> Document:
        officer = officer or self.a.officer_a
        return document_services.incoming_assign(acting_user=self.a.leader, document=self.incoming(),
                                                 department=officer.department, officer=officer)

    def plan(self):
        if not hasattr(self, "_plan"):
            self._plan = dossier_services.file_plan_create(acting_user=self.a.head_a, department=self.a.dept_a,
                                                           year=2026)
            self._heading = dossier_services.file_plan_heading_add(acting_user=self.a.head_a, plan=self._plan,
                                                                   title="Tổng hợp", abbreviation="TH")
            self._entry = dossier_services.file_plan_entry_add(
                acting_user=self.a.head_a, plan=self._plan, heading=self._heading, retention_years=10,
                title="Hồ sơ đầu tư dự án", responsible=self.a.officer_a)
        return self._plan

    def dossier(self, closed=False, paper_item=False) -> Dossier:
        self.plan()
        dossier = dossier_services.dossier_open(acting_user=self.a.officer_a, plan_entry=self._entry,
                                                opened_on=datetime.date(2026, 1, 5))
        dossier_services.dossier_add_document(acting_user=self.a.officer_a, dossier=dossier, document=self.assigned())
        if paper_item:
            dossier_services.dossier_add_paper_item(acting_user=self.a.officer_a, dossier=dossier, title="Bản đồ")
        if closed:
            dossier = dossier_services.dossier_close(acting_user=self.a.officer_a, dossier=dossier,
                                                     ended_on=datetime.date(2026, 6, 15), sheets=12, pages=20)
        return Dossier.all_objects.get(pk=dossier.pk)

    def campaign(self):
        return backlog_services.campaign_open(
            acting_user=self.a.clerk, title="Kiểm kê 2021", scope_until_year=2015,
            deadline=datetime.date(2099, 7, 30), departments=[self.a.dept_a], effort_norm=Decimal("8.5"))

    def inventory(self, submitted=False) -> Inventory:
        inventory = Inventory.objects.get(campaign=self.campaign(), department=self.a.dept_a)
        if submitted:
            inventory = backlog_services.inventory_submit(acting_user=self.a.head_a, inventory=inventory,
                                                          declare_none=True)
        return inventory

    def violation(self, status=Violation.Status.DETECTED) -> Violation:
        self._n += 1
        return Violation.objects.create(kind=ViolationKind.E_BELOW_TARGET, department=self.a.dept_a,
                                        period=datetime.date(2026, 3, 1), key=f"walk-{self._n}", status=status)


    def receipt(self, dispatched=False) -> Receipt:
        """Department B's receipt of an internal document officer A sent (handed to officer B)."""
        self._n += 1
        document = document_services.internal_send(
            acting_user=self.a.officer_a, kind=Kind.OFFICIAL_LETTER, summary=f"Về việc phối hợp số {self._n}",
            recipient_departments=[self.a.dept_b], issue_date=ARRIVAL)
        receipt = Receipt.objects.get(document=document, department=self.a.dept_b)
        if dispatched:
            handling.receipt_dispatch(acting_user=self.a.head_b, receipt=receipt, officer=self.a.officer_b)
        self._receipt = Receipt.objects.get(pk=receipt.pk)
        return self._receipt

    def internal(self, dispatched=False) -> Document:
        """The internal document of `receipt` (the document_* entries act on its receipt)."""
        return self.receipt(dispatched=dispatched).document

    def item(self) -> DossierItem:
        """The item of a dossier, which may be removed."""
        item = self.dossier(paper_item=True).items.order_by("-position").first()
        self._spare_pk = item.pk
        return item

    def batch(self):
        if not hasattr(self, "_batch"):
            self._batch = dossier_services.archive_batch_create(acting_user=self.a.head_a, department=self.a.dept_a)
        return self._batch

    def batch_with(self):
        """A draft batch holding a closed dossier (returned for archive_batch_remove)."""
        self._closed = self.dossier(closed=True)
        dossier_services.archive_batch_add(acting_user=self.a.head_a, batch=self.batch(), dossiers=[self._closed])
        return self.batch()

    def retention_list(self, submitted=False):
        retention_list = dossier_services.retention_list_create(acting_user=self.a.head_a, department=self.a.dept_a)
        dossier = self.dossier(closed=True)
        self._line = dossier_services.retention_line_add(
            acting_user=self.a.head_a, retention_list=retention_list, dossier=dossier, reason="Còn tranh chấp",
            keep_until=dossier.due_on + datetime.timedelta(days=30))
        self._spare_pk = self._line.pk
        if submitted:
            retention_list = dossier_services.retention_list_submit(acting_user=self.a.head_a,
                                                                    retention_list=retention_list)
        return retention_list

    def package(self) -> InboundPackage:
        """A pending package received from the province (tests/exchange/conftest.py)."""
        from tests.exchange.conftest import SENDER_CODE, package_bytes

        self._n += 1
        Organisation.objects.get_or_create(code=SENDER_CODE, defaults={"name": "Ủy ban nhân dân tỉnh Hà Tĩnh"})
        content = package_bytes(number=str(100 + self._n))
        return exchange_services.package_receive(acting_user=self.a.clerk, stream=io.BytesIO(content),
                                                 name="goi.edxml", source="upload").package

    def issued(self) -> Document:
        """An outgoing document issued with its signed PDF, to a recipient in the directory."""
        from tests.conftest import signed_upload
        from tests.exchange.conftest import SENDER_CODE

        Organisation.objects.get_or_create(code=SENDER_CODE, defaults={"name": "UBND tỉnh Hà Tĩnh"})
        return document_services.outgoing_issue(
            acting_user=self.a.clerk, kind=Kind.OFFICIAL_LETTER, summary="Về việc báo cáo quý I",
            department=self.a.dept_a, signer="Lê Văn Ký", recipients="- UBND tỉnh Hà Tĩnh;\n- Lưu: VT.",
            issue_date=ARRIVAL, attachments=[signed_upload()])


LINE = {"description": "Hồ sơ dự án", "from_year": 2005, "to_year": 2012, "shelf_metres": Decimal("1.5"),
        "boxes": 10, "estimated_dossiers": 80, "condition": "good", "location": "Kho", "notes": ""}


def _entry(w):
    w.plan()
    return w._entry


# name -> (acting user, arguments, the changed row). The last two are functions of the world, the
# row may also be a function of the service's result (for a row the service creates).
WALK = {
    "recordsportal.services.user_create": (
        lambda w: w.a.admin,
        lambda w: {"username": "new_user", "full_name": "Lê Văn Mới", "department": w.a.dept_a,
                   "roles": [Role.OFFICER, Role.ADMIN]},
        None),
    "recordsportal.services.user_update": (
        lambda w: w.a.admin, lambda w: {"user": w.a.officer_b, "position": "Chuyên viên", "roles": [Role.LEADERSHIP]},
        lambda w, result: w.a.officer_b),
    "recordsportal.services.agency_update": (
        lambda w: w.a.admin, lambda w: {"target_electronic_exchange": 90}, None),
    "recordsportal.services.department_save": (
        lambda w: w.a.admin, lambda w: {"department": w.a.dept_b}, lambda w, result: w.a.dept_b),
    "documents.services.incoming_register": (
        lambda w: w.a.clerk,
        lambda w: {"number_symbol": "9/STC", "issuer": "Sở Tài chính", "summary": "Về ngân sách",
                   "document_date": ARRIVAL, "arrival_date": ARRIVAL}, None),
    "documents.services.incoming_submit": (
        lambda w: w.a.clerk, lambda w: {"document": w.incoming()}, "document"),
    "documents.services.incoming_assign": (
        lambda w: w.a.leader, lambda w: {"document": w.incoming(), "department": w.a.dept_a}, "document"),
    "documents.services.incoming_record_progress": (
        lambda w: w.a.officer_a, lambda w: {"document": w.assigned(), "text": "Đang thẩm định"}, "document"),
    "documents.services.incoming_complete": (
        lambda w: w.a.officer_a, lambda w: {"document": w.assigned()}, "document"),
    "documents.services.outgoing_issue": (
        lambda w: w.a.clerk,
        lambda w: {"kind": Kind.OFFICIAL_LETTER, "summary": "Về việc báo cáo", "department": w.a.dept_a,
                   "issue_date": ARRIVAL}, None),
    "documents.services.internal_send": (
        lambda w: w.a.officer_a,
        lambda w: {"kind": Kind.OFFICIAL_LETTER, "summary": "Về việc phối hợp", "recipient_departments": [w.a.dept_b],
                   "issue_date": ARRIVAL}, None),
    "documents.services.document_delete": (
        lambda w: w.a.clerk, lambda w: {"document": w.incoming()}, "document"),
    "documents.services.document_restore": (
        lambda w: w.a.clerk,
        lambda w: {"document": _trashed(w)}, "document"),
    "documents.handling.incoming_dispatch": (
        lambda w: w.a.head_a,
        lambda w: {"document": document_services.incoming_assign(acting_user=w.a.leader, document=w.incoming(),
                                                                 department=w.a.dept_a),
                   "officer": w.a.officer_a}, "document"),
    "documents.handling.incoming_return": (
        lambda w: w.a.officer_a, lambda w: {"document": w.assigned(), "reason": "Không thuộc chức năng"}, "document"),
    "reports.services.deduction_table_save": (
        lambda w: w.a.clerk, lambda w: {"points": {ViolationKind.E_BELOW_TARGET: Decimal("1.5")}},
        lambda w, result: DeductionRule.objects.get(kind=ViolationKind.E_BELOW_TARGET)),
    "reports.services.violation_notify": (
        lambda w: w.a.clerk, lambda w: {"violation": w.violation()}, "violation"),
    "reports.services.violation_confirm": (
        lambda w: w.a.clerk, lambda w: {"violation": w.violation(), "note": "Đúng"}, "violation"),
    "reports.services.violation_dismiss": (
        lambda w: w.a.clerk, lambda w: {"violation": w.violation(), "reason": "Số liệu sai"}, "violation"),
    "reports.services.violation_mark_corrected": (
        lambda w: w.a.clerk, lambda w: {"violation": w.violation()}, "violation"),
    "reports.services.violation_decide": (
        lambda w: w.a.leader,
        lambda w: {"violation": w.violation(status=Violation.Status.CONFIRMED), "approve": True}, "violation"),
    "dossiers.services.file_plan_create": (
        lambda w: w.a.head_b, lambda w: {"department": w.a.dept_b, "year": 2026}, None),
    "dossiers.services.file_plan_heading_add": (
        lambda w: w.a.head_a, lambda w: {"plan": w.plan(), "title": "Đầu tư", "abbreviation": "ĐT"}, None),
    "dossiers.services.file_plan_entry_add": (
        lambda w: w.a.head_a,
        lambda w: {"plan": w.plan(), "heading": (w.plan(), w._heading)[1], "title": "Sổ theo dõi", "retention_years": 2},
        None),
    "dossiers.services.file_plan_heading_update": (
        lambda w: w.a.head_a, lambda w: {"heading": (w.plan(), w._heading)[1], "title": "Tổng hợp, hành chính"},
        "heading"),
    "dossiers.services.file_plan_heading_delete": (
        lambda w: w.a.head_a, lambda w: {"heading": _spare_heading(w)},
        lambda w, result: FilePlanHeading(pk=w._spare_pk)),  # deleted: its instance no longer has a pk
    "dossiers.services.file_plan_entry_update": (
        lambda w: w.a.head_a,
        lambda w: {"entry": _entry(w), "title": "Hồ sơ đầu tư dự án (sửa)", "retention_years": 20,
                   "responsible": w.a.officer_a2}, "entry"),
    "dossiers.services.file_plan_entry_delete": (
        lambda w: w.a.head_a, lambda w: {"entry": _spare_entry(w)},
        lambda w, result: FilePlanEntry(pk=w._spare_pk)),
    "dossiers.services.dossier_open": (
        lambda w: w.a.officer_a, lambda w: {"plan_entry": _entry(w), "opened_on": datetime.date(2026, 1, 5)}, None),
    "dossiers.services.dossier_update": (
        lambda w: w.a.officer_a, lambda w: {"dossier": w.dossier(), "notes": "Bổ sung"}, "dossier"),
    "dossiers.services.dossier_add_paper_item": (
        lambda w: w.a.officer_a, lambda w: {"dossier": w.dossier(), "title": "Bản vẽ giấy"}, None),
    "dossiers.services.dossier_close": (
        lambda w: w.a.officer_a,
        lambda w: {"dossier": w.dossier(), "ended_on": datetime.date(2026, 6, 15), "sheets": 3, "pages": 4}, "dossier"),
    "dossiers.services.dossier_reopen": (
        lambda w: w.a.officer_a, lambda w: {"dossier": w.dossier(closed=True)}, "dossier"),
    "dossiers.services.dossier_delete": (
        lambda w: w.a.officer_a, lambda w: {"dossier": w.dossier()}, "dossier"),
    "dossiers.services.dossier_restore": (
        lambda w: w.a.clerk, lambda w: {"dossier": _trashed_dossier(w)}, "dossier"),
    "dossiers.services.archive_batch_create": (
        lambda w: w.a.head_a, lambda w: {"department": w.a.dept_a}, None),
    "dossiers.services.retention_list_create": (
        lambda w: w.a.head_a, lambda w: {"department": w.a.dept_a}, None),
    "backlog.services.campaign_open": (
        lambda w: w.a.clerk,
        lambda w: {"title": "Kiểm kê", "scope_until_year": 2015, "deadline": datetime.date(2099, 1, 1),
                   "departments": [w.a.dept_a]}, None),
    "backlog.services.campaign_update": (
        lambda w: w.a.clerk,
        lambda w: {"campaign": w.campaign(), "title": "Kiểm kê 2021 (sửa)", "deadline": datetime.date(2099, 8, 1),
                   "effort_norm": Decimal("9")}, None),
    "backlog.services.campaign_close": (
        lambda w: w.a.clerk, lambda w: {"campaign": w.campaign()}, "campaign"),
    "backlog.services.inventory_save_lines": (
        lambda w: w.a.head_a, lambda w: {"inventory": w.inventory(), "lines": [LINE]}, "inventory"),
    "backlog.services.inventory_submit": (
        lambda w: w.a.head_a, lambda w: {"inventory": w.inventory(), "declare_none": True}, "inventory"),
    "backlog.services.inventory_return": (
        lambda w: w.a.clerk, lambda w: {"inventory": w.inventory(submitted=True), "reason": "Thiếu số liệu"},
        "inventory"),
    "exchange.services.organisation_save": (
        lambda w: w.a.admin, lambda w: {"organisation": Organisation(code="000.00.00.g01", name="Bộ Nội vụ")}, None),
    "documents.services.attachments_add": (
        lambda w: w.a.clerk, lambda w: {"document": w.incoming(), "uploads": [scan_upload()]}, "document"),
    "documents.handling.receipt_acknowledge": (
        lambda w: w.a.head_b, lambda w: {"receipt": w.receipt()}, "receipt"),
    "documents.handling.receipt_dispatch": (
        lambda w: w.a.head_b, lambda w: {"receipt": w.receipt(), "officer": w.a.officer_b}, "receipt"),
    "documents.handling.receipt_return": (
        lambda w: w.a.head_b, lambda w: {"receipt": w.receipt(), "reason": "Không thuộc chức năng"}, "receipt"),
    "documents.handling.receipt_record_progress": (
        lambda w: w.a.officer_b, lambda w: {"receipt": w.receipt(dispatched=True), "text": "Đang tổng hợp"}, "receipt"),
    "documents.handling.receipt_complete": (
        lambda w: w.a.officer_b, lambda w: {"receipt": w.receipt(dispatched=True)}, "receipt"),
    # The document_* entries of pages and the API, on an internal document: its receipt changes (on
    # an incoming document they are incoming_dispatch, incoming_return… walked above).
    "documents.handling.document_acknowledge": (
        lambda w: w.a.head_b, lambda w: {"document": w.internal()}, lambda w, result: w._receipt),
    "documents.handling.document_dispatch": (
        lambda w: w.a.head_b, lambda w: {"document": w.internal(), "officer": w.a.officer_b},
        lambda w, result: w._receipt),
    "documents.handling.document_return": (
        lambda w: w.a.head_b, lambda w: {"document": w.internal(), "reason": "Không thuộc chức năng"},
        lambda w, result: w._receipt),
    "documents.handling.document_record_progress": (
        lambda w: w.a.officer_b, lambda w: {"document": w.internal(dispatched=True), "text": "Đang tổng hợp"},
        lambda w, result: w._receipt),
    "documents.handling.document_complete": (
        lambda w: w.a.officer_b, lambda w: {"document": w.internal(dispatched=True)}, lambda w, result: w._receipt),
    "dossiers.services.dossier_add_document": (
        lambda w: w.a.officer_a, lambda w: {"dossier": w.dossier(), "document": w.assigned()}, None),
    "dossiers.services.dossier_add_file": (
        lambda w: w.a.officer_a, lambda w: {"dossier": w.dossier(), "upload": scan_upload("du-thao.pdf")}, None),
    "dossiers.services.dossier_remove_item": (
        lambda w: w.a.officer_a, lambda w: {"item": w.item()}, lambda w, result: DossierItem(pk=w._spare_pk)),
    "dossiers.services.archive_batch_add": (
        lambda w: w.a.head_a, lambda w: {"batch": w.batch(), "dossiers": [w.dossier(closed=True)]}, "batch"),
    "dossiers.services.archive_batch_remove": (
        lambda w: w.a.head_a, lambda w: {"batch": w.batch_with(), "dossier": w._closed}, "batch"),
    "dossiers.services.retention_line_add": (
        lambda w: w.a.head_a,
        lambda w: {"retention_list": dossier_services.retention_list_create(acting_user=w.a.head_a,
                                                                            department=w.a.dept_a),
                   "dossier": (d := w.dossier(closed=True)), "reason": "Còn thanh tra",
                   "keep_until": d.due_on + datetime.timedelta(days=10)}, None),
    "dossiers.services.retention_line_remove": (
        lambda w: w.a.head_a, lambda w: {"line": (w.retention_list(), w._line)[1]},
        lambda w, result: RetentionLine(pk=w._spare_pk)),
    "dossiers.services.retention_list_submit": (
        lambda w: w.a.head_a, lambda w: {"retention_list": w.retention_list()}, "retention_list"),
    "dossiers.services.retention_line_decide": (
        lambda w: w.a.leader, lambda w: {"line": (w.retention_list(submitted=True), w._line)[1], "approve": False,
                                         "note": "Đã hết thời hạn thanh tra"}, "line"),
    "backlog.services.inventory_create": (
        lambda w: w.a.clerk, lambda w: {"campaign": w.campaign(), "department": w.a.dept_b}, None),
    "backlog.services.inventory_line_add": (
        lambda w: w.a.head_a, lambda w: {"inventory": w.inventory(), **LINE}, None),
    "backlog.services.inventory_import_xlsx": (
        lambda w: w.a.head_a, lambda w: {"inventory": (inventory := w.inventory()), "upload": _filled(inventory)},
        "inventory"),
    "exchange.services.package_receive": (
        lambda w: w.a.clerk,
        lambda w: {"stream": io.BytesIO(_package_bytes()), "name": "cv-125.edxml", "source": "upload"},
        lambda w, result: result.package),
    "exchange.services.package_register": (
        lambda w: w.a.clerk, lambda w: {"package": w.package()}, None),
    "exchange.services.package_refuse": (
        lambda w: w.a.clerk, lambda w: {"package": w.package(), "reason": "Gửi nhầm cơ quan"}, "package"),
    "exchange.services.outgoing_send": (
        lambda w: w.a.clerk, lambda w: {"document": w.issued()}, "document"),
    "backlog.services.inventory_accept": (
        lambda w: w.a.clerk, lambda w: {"inventory": w.inventory(submitted=True)}, "inventory"),
}


def _trashed(w):
    document = w.incoming()
    document_services.document_delete(acting_user=w.a.clerk, document=document)
    return Document.all_objects.get(pk=document.pk)


def _spare_heading(w):
    """A heading nothing is filed under, which may be deleted."""
    heading = dossier_services.file_plan_heading_add(acting_user=w.a.head_a, plan=w.plan(), title="Tạm",
                                                     abbreviation="TM")
    w._spare_pk = heading.pk
    return heading


def _spare_entry(w):
    """An entry no dossier was opened from, which may be deleted."""
    w.plan()
    entry = dossier_services.file_plan_entry_add(acting_user=w.a.head_a, plan=w._plan, heading=w._heading,
                                                 retention_years=5, title="Sổ tạm")
    w._spare_pk = entry.pk
    return entry


def _trashed_dossier(w):
    dossier = w.dossier()
    dossier_services.dossier_delete(acting_user=w.a.officer_a, dossier=dossier)
    return Dossier.all_objects.get(pk=dossier.pk)


def _filled(inventory):
    """The inventory's Excel template filled with one line, as a head uploads it."""
    from tests.backlog.conftest import as_rows, fill_template, upload_file

    from backlog.excel import build_template

    return upload_file(fill_template(build_template(inventory), as_rows([LINE])))


def _package_bytes():
    from tests.exchange.conftest import package_bytes

    return package_bytes()


# Services not walked yet, each with the reason; a new service must join WALK or this list.
NOT_WALKED = {
    # Helpers rather than actions, or actions on several records at once (their own tests in
    # tests/<app> check the history of each row).
    "recordsportal.services.role_grants_record": "writes RoleGrant rows, see the role tests below",
    "dossiers.services.dossier_refresh_form": "writes a row only when the derived form changes",
    "dossiers.services.due_dates_recompute": "one row per dossier whose due date moves",
    "dossiers.services.dossiers_hand_over": "one row per dossier handed over",
    "dossiers.services.dossier_move_item": "one row per item whose position moves",
    "dossiers.services.dossier_reorder": "one row per item whose position moves",
    "dossiers.services.archive_batch_submit": "one row for the batch and one per dossier in it",
    "dossiers.services.archive_batch_receive": "one row for the batch and one per dossier in it",
    "dossiers.services.archive_batch_return": "one row for the batch and one per dossier in it",
    "dossiers.services.file_plan_copy": "one row per copied heading and entry",
    "dossiers.services.file_plan_import": "one row per imported entry",
    "dossiers.services.file_plan_import_rows": "one row per imported entry",
    "backlog.services.campaign_record_deadline_misses": "DeadlineMiss rows (no history: the miss is the record)",
    "backlog.services.campaign_send_reminders": "sends mail; stamps last_reminded_at on many rows",
    "backlog.services.inventory_save_and_submit": "inventory_save_lines then inventory_submit: two rows",
    "documents.services.unevidenced_count_as_paper": "one row per document counted as paper "
                                                     "(tests/documents/test_unevidenced.py)",
    # Rows of models with no history table: each names its author in a column of its own.
    "documents.services.attachment_add": "an Attachment row (never edited, so no history table; uploaded_by names "
                                         "the user); the services that attach write the document's row "
                                         "(attachments_add, incoming_register… walked)",
    "documents.services.register_import_discard": "deletes a RegisterImport never confirmed (no history table: "
                                                  "nothing reached a register); logged with the user's id",
    "dossiers.services.file_plan_import_start": "a PlanImport progress row (no history table; created_by names the "
                                                "head); the entries get their rows from file_plan_import_rows "
                                                "(tests/dossiers/test_plan_import.py)",
    "dossiers.services.file_plan_import_requeue": "re-queues a PlanImport progress row (no history table)",
    "documents.services.register_import_start": "marks a RegisterImport for a run (no history table); the documents "
                                                "get their rows from the run (bulk_create_with_history, audit.record "
                                                "for changed rows: tests/documents/test_import_truth.py)",
    "backlog.services.inventory_import_start": "an InventoryImport progress row (no history table; created_by names "
                                               "the head); the lines get their rows from inventory_save_lines "
                                               "(tests/backlog/test_inventory_import_task.py)",
    "backlog.services.inventory_import_requeue": "re-queues an InventoryImport progress row (no history table)",
    "recordsportal.exports.export_start": "an ExportJob row (no history table: it changes no record; created_by "
                                          "names its owner), removed after EXPORT_KEEP_HOURS",
    "recordsportal.exports.export_requeue": "re-queues an ExportJob (no history table)",
    "exchange.services.outbound_acknowledge": "the connector's delivery stamp on an OutboundPackage (no history "
                                              "table; delivered_at is the record)",
    "exchange.services.status_for_document": "a status package: no audited row of its own",
}


def _history_models():
    return [model for model in apps.get_models() if model.__name__.startswith("Historical")
            and hasattr(model, "history_user")]


def _last_ids():
    return {model: model.objects.order_by("-history_id").values_list("history_id", flat=True).first() or 0
            for model in _history_models()}


def _rows_since(marks):
    return [row for model, last in marks.items() for row in model.objects.filter(history_id__gt=last)]


def test_every_public_service_is_walked_or_listed_with_a_reason():
    found = public_services()
    assert found - set(WALK) - set(NOT_WALKED) == set(), "describe each new service in WALK (or NOT_WALKED)"
    assert set(WALK) | set(NOT_WALKED) <= found, "a service named here no longer exists"


@pytest.mark.parametrize("name", sorted(WALK))
def test_each_service_leaves_one_history_row_naming_the_acting_user(agency, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads, packages
    world = World(agency)
    actor_of, arguments_of, row_of = WALK[name]
    module_name, _, function_name = name.rpartition(".")
    service = getattr(importlib.import_module(module_name), function_name)
    actor, kwargs = actor_of(world), arguments_of(world)
    marks = _last_ids()

    result = service(acting_user=actor, **kwargs)

    if row_of is None:
        row = result if result is not None and hasattr(result, "history") else None
        if row is None:  # agency_update returns the agency
            row = Agency.load()
    elif isinstance(row_of, str):
        row = kwargs[row_of]
    else:
        row = row_of(world, result)
    model, pk = type(row), row.pk
    new_rows = _rows_since(marks)
    own = [r for r in new_rows if type(r) is model.history.model and r.id == pk]
    assert len(own) == 1, f"{name}: {len(own)} history rows on the {model.__name__}"
    assert own[0].history_user_id == actor.pk
    # Nothing else it wrote is anonymous or in someone else's name.
    assert {r.history_user_id for r in new_rows} <= {actor.pk}, name


# --- the mechanism itself ---------------------------------------------------------------------------


def test_a_claim_writes_its_history_row_without_a_second_save(agency):
    violation = World(agency).violation()
    with CaptureQueriesContext(connection) as queries:
        claimed = audit.claim(violation, expected={"status": Violation.Status.DETECTED},
                              changes={"status": Violation.Status.NOTIFIED}, acting_user=agency.clerk, reason="Nhắc")
    assert claimed
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1  # the claim itself; the history row is an INSERT, not a second save
    row = violation.history.first()
    assert (row.status, row.history_user, row.history_change_reason) == ("notified", agency.clerk, "Nhắc")
    assert violation.status == Violation.Status.NOTIFIED  # the instance is refreshed


def test_a_lost_claim_changes_nothing_and_writes_no_history(agency):
    violation = World(agency).violation(status=Violation.Status.DISMISSED)
    before = violation.history.count()
    assert not audit.claim(violation, expected={"status": Violation.Status.DETECTED},
                           changes={"status": Violation.Status.NOTIFIED}, acting_user=agency.clerk)
    assert violation.history.count() == before
    assert Violation.objects.get(pk=violation.pk).status == Violation.Status.DISMISSED


def test_a_long_reason_fits_the_history_table(agency):
    department = agency.dept_b
    audit.save(department, acting_user=agency.admin, reason="x" * 300)
    assert department.history.first().history_change_reason == "x" * 100


def test_confirming_a_notified_violation_keeps_the_earlier_reviewer_and_note(agency):
    violation = World(agency).violation()
    report_services.violation_notify(acting_user=agency.clerk, violation=violation, note="Đã gọi điện nhắc")
    other_clerk = User.objects.create(username="clerk2", full_name="Lý Thị Văn Thư Hai", department=agency.office)
    other_clerk.groups.add(*agency.clerk.groups.all())
    report_services.violation_confirm(acting_user=other_clerk, violation=violation, note="Xác nhận")
    reviews = [(r.history_user, r.status, r.review_note) for r in violation.history.order_by("history_id")][1:]
    assert reviews == [(agency.clerk, "notified", "Đã gọi điện nhắc"), (other_clerk, "confirmed", "Xác nhận")]


def test_the_points_table_keeps_each_change_with_its_author(agency):
    report_services.deduction_table_save(acting_user=agency.clerk, points={ViolationKind.E_BELOW_TARGET: Decimal("2")})
    report_services.deduction_table_save(acting_user=agency.clerk, points={ViolationKind.E_BELOW_TARGET: Decimal("3")})
    rule = DeductionRule.objects.get(kind=ViolationKind.E_BELOW_TARGET)
    assert [(r.points, r.history_user) for r in rule.history.order_by("history_id")] == [
        (Decimal("2.00"), agency.clerk), (Decimal("3.00"), agency.clerk)]


def test_granting_and_taking_leadership_leaves_a_trace(agency):
    portal_services.user_update(acting_user=agency.admin, user=agency.officer_b, roles=[Role.OFFICER, Role.LEADERSHIP])
    portal_services.user_update(acting_user=agency.admin, user=agency.officer_b, roles=[Role.OFFICER])
    grants = [(g.role, g.granted, g.acting_user) for g in RoleGrant.objects.filter(user=agency.officer_b)
              .order_by("pk")]
    assert (Role.LEADERSHIP, True, agency.admin) in grants
    assert grants[-1] == (Role.LEADERSHIP, False, agency.admin)


def test_granting_the_administrator_role_in_the_django_admin_leaves_a_trace(agency, login):
    from django.contrib.auth.models import Group

    client = login(agency.admin)
    user = agency.officer_b
    response = client.post(f"/admin/recordsportal/user/{user.pk}/change/", {
        "username": user.username, "full_name": user.full_name, "email": "", "department": user.department_id,
        "position": "", "is_active": "on", "groups": [Group.objects.get(name=Role.ADMIN).pk],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
    })
    assert response.status_code == 302, response.content[:2000]
    grant = RoleGrant.objects.get(user=user, role=Role.ADMIN)
    assert (grant.granted, grant.acting_user) == (True, agency.admin)


def test_the_walk_covers_claims_in_every_app():
    # Keeps the walk honest: at least one state change per app goes through the table.
    apps_walked = {name.split(".")[0] for name in WALK}
    assert {"recordsportal", "documents", "dossiers", "backlog", "reports"} <= apps_walked
