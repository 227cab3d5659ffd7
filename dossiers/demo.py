"""Demo dossiers (called by `manage.py seed_demo`, after the documents' demo).

File plans of last year and this year for the main departments (this year's copied from last
year's, as heads do), and dossiers in every state: ad hoc dossiers that ended two years ago
(overdue for the archive, one department's already archived), last year's closed ones (due by
31 December this year, one batch waiting for the archive), this year's open ones filled with
documents from the registers, a mix of electronic and paper, and one retention list waiting for
leadership. Everything goes through the services, so the demo obeys the rules and leaves the
audit trail real use leaves.

Idempotent: when this year's plans exist nothing is added.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.models import Document
from recordsportal.models import Department, User
from recordsportal.roles import Role

from . import services
from .choices import PERMANENT
from .models import Dossier, FilePlan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# department: head, [(major heading, abbreviation, [(title, retention years)])]
PLANS = {
    "QLĐT": ("tp.qldt", [
        ("Cấp, điều chỉnh Giấy chứng nhận đăng ký đầu tư", "ĐT", [
            ("Hồ sơ cấp Giấy chứng nhận đăng ký đầu tư dự án trong khu kinh tế", PERMANENT),
            ("Hồ sơ điều chỉnh Giấy chứng nhận đăng ký đầu tư", 20),
            ("Hồ sơ giám sát, đánh giá đầu tư", 10),
        ]),
        ("Xúc tiến đầu tư", "XTĐT", [
            ("Hồ sơ hội nghị xúc tiến đầu tư", 10),
            ("Sổ theo dõi đoàn khảo sát đầu tư", 2),
        ]),
    ]),
    "QHXD": ("tp.qhxd", [
        ("Quy hoạch", "QH", [
            ("Hồ sơ thẩm định quy hoạch chi tiết xây dựng khu công nghiệp", PERMANENT),
            ("Hồ sơ điều chỉnh cục bộ quy hoạch", 20),
        ]),
        ("Quản lý xây dựng", "XD", [
            ("Hồ sơ cấp giấy phép xây dựng công trình", 20),
            ("Hồ sơ kiểm tra công tác nghiệm thu công trình", 10),
            ("Báo cáo tình hình xây dựng hằng tháng", 5),
        ]),
    ]),
    "QLDN": ("tp.qldn", [
        ("Doanh nghiệp", "DN", [
            ("Hồ sơ theo dõi hoạt động doanh nghiệp trong khu kinh tế", 10),
            ("Hồ sơ giải quyết kiến nghị của doanh nghiệp", 10),
        ]),
        ("Lao động", "LĐ", [
            ("Hồ sơ cấp giấy phép lao động cho người nước ngoài", 10),
            ("Hồ sơ đăng ký nội quy lao động", 5),
            ("Thống kê lao động hằng quý", 3),
        ]),
    ]),
    "TNMT": ("tp.tnmt", [
        ("Môi trường", "MT", [
            ("Hồ sơ thẩm định báo cáo đánh giá tác động môi trường", PERMANENT),
            ("Hồ sơ kiểm tra bảo vệ môi trường định kỳ", 10),
        ]),
        ("Đất đai", "ĐĐ", [
            ("Hồ sơ giao đất, cho thuê đất", PERMANENT),
            ("Hồ sơ thu hồi đất, giải phóng mặt bằng", 20),
        ]),
    ]),
    "VP": ("chanhvp", [
        ("Tổng hợp", "TH", [
            ("Chương trình, kế hoạch công tác năm của Ban", PERMANENT),
            ("Hồ sơ chấm điểm chỉ số cải cách hành chính", 10),
        ]),
        ("Tổ chức, cán bộ", "TCCB", [
            ("Hồ sơ tuyển dụng công chức, viên chức", PERMANENT),
            ("Hồ sơ thi đua, khen thưởng", 20),
        ]),
        ("Văn thư, lưu trữ", "VTLT", [
            ("Hồ sơ nộp lưu tài liệu vào lưu trữ cơ quan", PERMANENT),
            ("Sổ đăng ký văn bản đến", 20),
        ]),
    ]),
}

AD_HOC_OLD = [
    ("Hồ sơ đoàn kiểm tra liên ngành năm {y}", 10),
    ("Hồ sơ giải quyết vướng mắc dự án năm {y}", PERMANENT),
    ("Hồ sơ tập huấn nghiệp vụ năm {y}", 2),
]


def seed(command, acting_user):
    today = timezone.localdate()
    if FilePlan.objects.filter(year=today.year).exists():
        command.stdout.write("  dossiers: demo file plans and dossiers already present")
        return
    rng = random.Random(2026)
    last_year, this_year, old_year = today.year - 1, today.year, today.year - 2
    officers = {}
    plans = {}
    for abbreviation, (head_name, headings) in PLANS.items():
        department = Department.objects.filter(abbreviation=abbreviation).first()
        head = User.objects.filter(username=head_name).first()
        if department is None or head is None:
            continue
        people = list(User.objects.filter(department=department, is_active=True, groups__name=Role.OFFICER)
                      .exclude(pk=head.pk).order_by("username"))
        officers[abbreviation] = people or [head]
        previous = services.file_plan_create(acting_user=head, department=department, year=last_year,
                                             notes="Ban hành kèm theo Quyết định của Trưởng ban.")
        for index, (title, abbr, entries) in enumerate(headings):
            heading = services.file_plan_heading_add(acting_user=head, plan=previous, title=title, abbreviation=abbr)
            for number, (entry_title, years) in enumerate(entries):
                services.file_plan_entry_add(
                    acting_user=head, plan=previous, heading=heading, title=entry_title, retention_years=years,
                    responsible=officers[abbreviation][(index + number) % len(officers[abbreviation])])
        current = services.file_plan_copy(acting_user=head, source=previous, year=this_year)
        services.file_plan_entry_add(
            acting_user=head, plan=current, heading=current.headings.filter(parent__isnull=True).first(),
            title="Hồ sơ triển khai chuyển đổi số năm %s" % this_year, retention_years=10,
            responsible=officers[abbreviation][0])
        plans[abbreviation] = (department, head, previous, current)

    for abbreviation, (_department, _head, previous, current) in plans.items():
        people = officers[abbreviation]
        # 1. Two years ago: ad hoc dossiers, closed that year (overdue for the archive now).
        for index, (title, years) in enumerate(AD_HOC_OLD):
            officer = people[index % len(people)]
            opened = datetime.date(old_year, 2 + index * 3, 10)
            dossier = services.dossier_open(acting_user=officer, title=title.format(y=old_year), retention_years=years,
                                            opened_on=opened, kept_in_portal=rng.random() < 0.6)
            _fill_old(dossier, officer, rng, count=3)
            services.dossier_close(acting_user=officer, dossier=dossier, ended_on=opened + datetime.timedelta(days=150),
                                   sheets=rng.randint(20, 120), closing_note="Đã kiểm tra, đủ thành phần hồ sơ.")
        # 2. Last year: the plan's dossiers, closed (due by 31 December this year).
        for index, entry in enumerate(previous.entries.order_by("number")):
            officer = entry.responsible or people[0]
            opened = datetime.date(last_year, 1 + index % 6, 5 + index)
            dossier = services.dossier_open(acting_user=officer, plan_entry=entry, opened_on=opened,
                                            kept_in_portal=rng.random() < 0.7)
            _fill_old(dossier, officer, rng, count=rng.randint(2, 5))
            if index % 4 != 3:  # most are closed; a few are still open, the work goes on
                services.dossier_close(acting_user=officer, dossier=dossier,
                                       ended_on=datetime.date(last_year, 10 + index % 3, 20),
                                       sheets=rng.randint(10, 90), pages=None)
        # 3. This year: open dossiers from the plan, filled with documents from the registers.
        for index, entry in enumerate(current.entries.order_by("number")):
            officer = entry.responsible or people[0]
            opened = datetime.date(this_year, 1 + index % 9, 3 + index)
            if opened > today:
                opened = today
            dossier = services.dossier_open(acting_user=officer, plan_entry=entry, opened_on=opened,
                                            kept_in_portal=rng.random() < 0.85)
            documents = list(Document.objects.filter(officer=officer, register_date__gte=opened)
                             .order_by("register_date", "id")[: rng.randint(1, 6)])
            for document in documents:
                services.dossier_add_document(acting_user=officer, dossier=dossier, document=document)
            if not documents or rng.random() < 0.25:
                _fill_old(dossier, officer, rng, count=1)
            if index % 3 == 0 and opened < today - datetime.timedelta(days=60):
                last = max([d.register_date for d in documents if d.register_date] + [opened])
                services.dossier_close(acting_user=officer, dossier=dossier, ended_on=last, sheets=rng.randint(5, 40))

    _archive_and_retention(plans, today)
    count = Dossier.objects.count()
    command.stdout.write(f"  dossiers: {FilePlan.objects.count()} file plans, {count} dossiers")


def _fill_old(dossier, officer, rng, *, count):
    """Items for dossiers older than the registers: scanned files and, for paper ones, paper records."""
    for n in range(count):
        if dossier.kept_in_portal and rng.random() < 0.85:
            upload = SimpleUploadedFile(f"Tài liệu {n + 1} – {dossier.number_symbol}.pdf", PDF,
                                        content_type="application/pdf")
            services.dossier_add_file(acting_user=officer, dossier=dossier, upload=upload,
                                      title=rng.choice(["Tờ trình", "Biên bản làm việc", "Báo cáo kết quả",
                                                        "Quyết định phê duyệt", "Công văn trả lời"]) + f" số {n + 1}")
        else:
            services.dossier_add_paper_item(acting_user=officer, dossier=dossier,
                                            title=rng.choice(["Bản vẽ thiết kế (bản giấy)", "Biên bản họp viết tay",
                                                              "Hồ sơ gốc do doanh nghiệp nộp"]) + f" {n + 1}")


def _archive_and_retention(plans, today):
    archivist = User.objects.filter(username="luutru").first()
    leader = User.objects.filter(username="truongban").first()
    # QLĐT submitted its overdue dossiers: the archive received them (one returned with a reason).
    if "QLĐT" in plans and archivist:
        department, head, _previous, _current = plans["QLĐT"]
        due = list(Dossier.objects.filter(department=department, year=today.year - 2).submittable().order_by("id"))
        if due:
            batch = services.archive_batch_create(acting_user=head, department=department, dossiers=due,
                                                  notes="Nộp lưu hồ sơ năm %s" % (today.year - 2))
            services.archive_batch_submit(acting_user=head, batch=batch)
            returns = {due[-1].pk: "Hồ sơ giấy chưa đánh số tờ đúng quy định, đề nghị hoàn thiện."} if len(due) > 1 else {}
            services.archive_batch_receive(acting_user=archivist, batch=batch, returns=returns,
                                           note="Đã kiểm tra, tiếp nhận theo mục lục.")
    # QHXD sent last year's closed dossiers: waiting for the archive.
    if "QHXD" in plans:
        department, head, _previous, _current = plans["QHXD"]
        closed = list(Dossier.objects.filter(department=department, year=today.year - 1).submittable()
                      .order_by("id")[:3])
        if closed:
            batch = services.archive_batch_create(acting_user=head, department=department, dossiers=closed)
            services.archive_batch_submit(acting_user=head, batch=batch)
    # TNMT keeps an overdue dossier for an inspection: the list waits for leadership.
    if "TNMT" in plans and leader:
        department, head, _previous, _current = plans["TNMT"]
        overdue = Dossier.objects.filter(department=department).overdue(today).order_by("id").first()
        if overdue:
            retention = services.retention_list_create(acting_user=head, department=department)
            services.retention_line_add(
                acting_user=head, retention_list=retention, dossier=overdue,
                reason="Phục vụ thanh tra việc chấp hành pháp luật về bảo vệ môi trường của doanh nghiệp.",
                keep_until=overdue.due_on.replace(year=overdue.due_on.year + 1))
            services.retention_list_submit(acting_user=head, retention_list=retention)
