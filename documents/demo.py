"""Demo documents: a realistic year of registers (called by `manage.py seed_demo`).

Idempotent: rows carry an import_key "demo-…", so a second run finds them and adds nothing.
Built through the services (numbers, symbols, history) for a few hundred, then bulk for the
rest of the year, so seeding stays quick on SQLite.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from recordsportal.models import Agency, Department, User
from recordsportal.roles import Role
from recordsportal.text import search_key

from . import services
from .choices import Confidentiality, Direction, Form, Kind, Status, Urgency
from .models import Document, NumberCounter

ISSUERS = [
    "Ủy ban nhân dân tỉnh", "Sở Kế hoạch và Đầu tư", "Sở Tài nguyên và Môi trường", "Sở Xây dựng",
    "Sở Lao động - Thương binh và Xã hội", "Sở Tài chính", "Bộ Kế hoạch và Đầu tư", "Công an tỉnh",
    "Cục Thuế tỉnh", "Công ty TNHH Formosa Hà Tĩnh", "Công ty CP Đầu tư Vũng Áng", "Ban Quản lý dự án tỉnh",
]
SUBJECTS = [
    "cấp Giấy chứng nhận đăng ký đầu tư dự án nhà máy điện khí", "điều chỉnh quy hoạch chi tiết khu công nghiệp",
    "báo cáo tình hình thực hiện vốn đầu tư công quý", "thẩm định báo cáo đánh giá tác động môi trường",
    "tuyển dụng lao động nước ngoài tại khu kinh tế", "kiểm tra công tác phòng cháy chữa cháy",
    "triển khai Chỉ thị về công tác văn thư, lưu trữ", "giải phóng mặt bằng dự án cảng biển",
    "xúc tiến đầu tư năm", "cải cách hành chính và chuyển đổi số", "quyết toán kinh phí hoạt động",
    "chấm điểm chỉ số cải cách hành chính", "cấp phép xây dựng nhà xưởng", "an toàn lao động trong doanh nghiệp",
]
DEMO_YEAR_DAYS = 330
RECENT_DAYS = 100  # the last months go through the live workflow; the months before are history


def seed(command, acting_user):
    if Document.all_objects.filter(import_key__startswith="demo-").exists():
        command.stdout.write("  documents: demo registers already present")
        return
    rng = random.Random(2026)
    clerk = User.objects.get(username="vanthu")
    leader = User.objects.get(username="truongban")
    departments = list(Department.objects.exclude(abbreviation="VP").select_related("head"))
    officers = {d.pk: list(User.objects.filter(department=d, groups__name=Role.OFFICER)) for d in departments}
    today = timezone.localdate()
    start = today - datetime.timedelta(days=DEMO_YEAR_DAYS)

    recent = today - datetime.timedelta(days=RECENT_DAYS)
    with transaction.atomic():
        # Registers are chronological: history first, then the recent months through the services.
        _bulk_history(rng, clerk, departments, officers, start, recent)
        # A few hundred through the real workflow: registered, assigned, some done, some overdue.
        for index in range(240):
            day = recent + datetime.timedelta(days=index * RECENT_DAYS // 240)
            paper = rng.random() < 0.08
            doc = services.incoming_register(
                acting_user=clerk,
                number_symbol=f"{rng.randint(1, 900)}/{rng.choice(['UBND-KT', 'SKHĐT-ĐKKD', 'STNMT-MT', 'SXD-QLXD'])}",
                issuer=rng.choice(ISSUERS),
                summary=f"V/v {rng.choice(SUBJECTS)}",
                document_date=day - datetime.timedelta(days=rng.randint(0, 3)),
                arrival_date=day,
                kind=rng.choice([Kind.OFFICIAL_LETTER] * 6 + [Kind.DECISION, Kind.PLAN, Kind.REPORT, Kind.INVITATION]),
                form=Form.PAPER if paper else Form.ELECTRONIC,
                received_medium=Form.PAPER if paper or rng.random() < 0.2 else Form.ELECTRONIC,
                urgency=Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL,
                allow_duplicate=True,
            )
            Document.objects.filter(pk=doc.pk).update(import_key=f"demo-in-{index}")
            department = rng.choice(departments)
            officer = rng.choice(officers[department.pk] or [department.head])
            services.incoming_assign(
                acting_user=leader, document=doc, department=department, officer=officer,
                deadline=day + datetime.timedelta(days=rng.choice([5, 7, 10, 15])),
                direction_note=f"Giao {department.name} chủ trì tham mưu.",
            )
            if (today - day).days > 20 and rng.random() < 0.9:
                services.incoming_complete(acting_user=officer, document=doc, text="Đã tham mưu văn bản trả lời.")
        for index in range(120):
            day = recent + datetime.timedelta(days=index * RECENT_DAYS // 120)
            department = rng.choice(departments)
            doc = services.outgoing_issue(
                acting_user=clerk, kind=rng.choice([Kind.OFFICIAL_LETTER] * 5 + [Kind.DECISION, Kind.PLAN, Kind.REPORT]),
                summary=f"V/v {rng.choice(SUBJECTS)}", department=department,
                drafter=rng.choice(officers[department.pk] or [department.head]), signer="Trần Đình Hải",
                recipients=rng.choice(ISSUERS), form=Form.PAPER if rng.random() < 0.06 else Form.ELECTRONIC,
                issue_date=day,
            )
            Document.objects.filter(pk=doc.pk).update(import_key=f"demo-out-{index}")
        # The year's notifications are history: read, and no e-mail for them.
        from notifications.models import Notification

        Notification.objects.update(read_at=timezone.now(), emailed_at=timezone.now())
        _waiting_work(rng, clerk, leader, today)
    command.stdout.write(f"  documents: {Document.objects.count()} documents in the registers")


def _waiting_work(rng, clerk, leader, today):
    """What awaits people on the demo's first morning (issue 15): documents submitted for
    direction (to leadership, and to the Head of the Board by name), documents given to the
    planning department without an officer, and an internal document sent to it."""
    planning = Department.objects.get(abbreviation="QHXD")
    waiting = [
        ("1520/UBND-KT", "V/v báo cáo tình hình thu hút đầu tư vào Khu kinh tế 6 tháng cuối năm", Urgency.URGENT, leader),
        ("87/STNMT-MT", "V/v lấy ý kiến về báo cáo đánh giá tác động môi trường dự án cảng tổng hợp", Urgency.NORMAL, None),
        ("2045/STC-QLNS", "V/v thẩm tra quyết toán vốn đầu tư dự án hoàn thành", Urgency.NORMAL, None),
        ("412/SXD-QLXD", "V/v thẩm định quy hoạch chi tiết xây dựng khu tái định cư", Urgency.URGENT, None),
        ("318/SXD-HT", "V/v kiểm tra hạ tầng kỹ thuật khu công nghiệp", Urgency.NORMAL, None),
    ]
    for index, (symbol, summary, urgency, to) in enumerate(waiting):
        doc = services.incoming_register(acting_user=clerk, number_symbol=symbol, issuer=rng.choice(ISSUERS),
                                         summary=summary, document_date=today, arrival_date=today, urgency=urgency,
                                         allow_duplicate=True)
        Document.objects.filter(pk=doc.pk).update(import_key=f"demo-waiting-{index}")
        services.incoming_submit(acting_user=clerk, document=doc, leader=to)
        if symbol.startswith(("412/", "318/")):
            services.incoming_assign(acting_user=leader, document=doc, department=planning,
                                     deadline=today + datetime.timedelta(days=7),
                                     direction_note="Giao Phòng Quy hoạch và Xây dựng chủ trì.")
    drafter = User.objects.filter(department__abbreviation="QLĐT", groups__name=Role.OFFICER).order_by("pk").first()
    if drafter:
        doc = services.internal_send(acting_user=drafter, kind=Kind.OFFICIAL_LETTER, recipient_departments=[planning],
                                     summary="V/v phối hợp thẩm định hồ sơ cấp phép xây dựng nhà xưởng")
        Document.objects.filter(pk=doc.pk).update(import_key="demo-internal-0")


def _bulk_history(rng, clerk, departments, officers, start, end):
    """The earlier months (closed documents), inserted in bulk in date order, so numbers follow
    the dates as in a real register."""
    agency = Agency.load()
    rows = []
    counters = {}
    days = sorted(start + datetime.timedelta(days=rng.randint(0, (end - start).days - 1)) for _ in range(2600))
    for index, day in enumerate(days):
        direction = Direction.INCOMING if rng.random() < 0.65 else Direction.OUTGOING
        secret = rng.random() < 0.01
        series = services.series_for(direction, Confidentiality.SECRET if secret else Confidentiality.NORMAL)
        department = rng.choice(departments)
        officer = rng.choice(officers[department.pk] or [department.head])
        kind = rng.choice([Kind.OFFICIAL_LETTER] * 5 + [Kind.DECISION, Kind.REPORT, Kind.NOTICE])
        paper = secret or rng.random() < (0.07 if direction == Direction.INCOMING else 0.04)
        key = (series, day.year)
        counters[key] = counters.get(key) or _last(series, day.year)
        counters[key] += 1
        number = counters[key]
        summary = f"V/v {rng.choice(SUBJECTS)}"
        if direction == Direction.INCOMING:
            symbol, issuer = f"{rng.randint(1, 900)}/{rng.choice(['UBND-KT', 'SXD-QLXD', 'CT-TTHT'])}", rng.choice(ISSUERS)
        else:
            symbol, issuer = services.outgoing_symbol(number, kind, department, agency), agency.name
        rows.append(Document(
            direction=direction, series=series, register_year=day.year, number=number, number_symbol=symbol,
            kind=kind, summary=summary, document_date=day, register_date=day, issuer=issuer,
            form=Form.PAPER if paper else Form.ELECTRONIC, received_medium=Form.ELECTRONIC,
            confidentiality=Confidentiality.SECRET if secret else Confidentiality.NORMAL,
            status=Status.DONE if direction == Direction.INCOMING else Status.ISSUED,
            department=department, officer=officer, created_by=clerk,
            search_text=search_key(f"{symbol} {summary} {issuer}"), import_key=f"demo-bulk-{index}",
        ))
    Document.objects.bulk_create(rows, batch_size=500)
    for (series, year), number in counters.items():
        services.raise_counter_to(series, year, number)


def _last(series, year):
    counter = NumberCounter.objects.filter(series=series, year=year).first()
    return counter.last_number if counter else 0
