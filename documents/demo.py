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
from .choices import Confidentiality, Direction, Form, Kind, PaperReason, Status, Urgency
from .models import Document, NumberCounter

# Who sends what: the symbol's suffix names the sender (594/SXD-QLXD comes from Sở Xây dựng),
# so each sender has its own suffixes and the register reads like a real one (issue 17).
SENDERS = [
    ("Ủy ban nhân dân tỉnh", ["UBND-KT", "UBND-TH", "UBND-NL"]),
    ("Sở Kế hoạch và Đầu tư", ["SKHĐT-ĐKKD", "SKHĐT-TH"]),
    ("Sở Tài nguyên và Môi trường", ["STNMT-MT", "STNMT-ĐĐBĐ"]),
    ("Sở Xây dựng", ["SXD-QLXD", "SXD-HT"]),
    ("Sở Lao động - Thương binh và Xã hội", ["SLĐTBXH-VL"]),
    ("Sở Tài chính", ["STC-QLNS", "STC-TCĐT"]),
    ("Bộ Kế hoạch và Đầu tư", ["BKHĐT-QLKKT"]),
    ("Công an tỉnh", ["CAT-PC07"]),
    ("Cục Thuế tỉnh", ["CT-TTHT", "CT-QLDN"]),
    ("Công ty TNHH Formosa Hà Tĩnh", ["FHS-HC"]),
    ("Công ty CP Đầu tư Vũng Áng", ["VADC-KH"]),
    ("Ban Quản lý dự án tỉnh", ["BQLDA-KH"]),
]
ISSUERS = [issuer for issuer, _suffixes in SENDERS]
ISSUER_OF_SUFFIX = {suffix: issuer for issuer, suffixes in SENDERS for suffix in suffixes}
# Whole summaries, as a clerk types them (no "… năm" or "… quý" left hanging).
SUBJECTS = [
    "cấp Giấy chứng nhận đăng ký đầu tư dự án nhà máy điện khí Vũng Áng II",
    "điều chỉnh quy hoạch chi tiết xây dựng Khu công nghiệp Phú Vinh",
    "báo cáo tình hình thực hiện vốn đầu tư công quý III năm 2026",
    "thẩm định báo cáo đánh giá tác động môi trường dự án mở rộng cảng Sơn Dương",
    "tuyển dụng lao động nước ngoài làm việc tại Khu kinh tế Vũng Áng",
    "kiểm tra công tác phòng cháy, chữa cháy tại các doanh nghiệp trong khu công nghiệp",
    "triển khai Chỉ thị số 35/CT-TTg về công tác văn thư, lưu trữ",
    "giải phóng mặt bằng dự án bến số 5, số 6 cảng Vũng Áng",
    "xây dựng chương trình xúc tiến đầu tư năm 2027",
    "đẩy mạnh cải cách hành chính và chuyển đổi số năm 2026",
    "quyết toán kinh phí hoạt động năm 2025 của Ban Quản lý",
    "tự chấm điểm chỉ số cải cách hành chính năm 2026",
    "cấp phép xây dựng nhà xưởng của Công ty TNHH Hóa chất Vũng Áng",
    "bảo đảm an toàn lao động trong các doanh nghiệp khu công nghiệp",
]
# An outgoing letter's file copies: one for the Office's register (VT), one for the drafting
# department; the copies are the recipients plus those two.
OUTGOING_KEEPER = "VT, {abbreviation}"


def incoming_symbol(rng):
    """A received number and symbol with the issuer it names."""
    issuer, suffixes = rng.choice(SENDERS)
    return f"{rng.randint(1, 900)}/{rng.choice(suffixes)}", issuer


def issuer_of(symbol: str) -> str:
    return ISSUER_OF_SUFFIX.get(symbol.split("/", 1)[-1], ISSUERS[0])


def outgoing_copies(recipients: str) -> int:
    return len([r for r in recipients.split(";") if r.strip()]) + 2


SEEDED_KEY = "demo-in-0"
DEMO_YEAR_DAYS = 330
RECENT_DAYS = 100  # the last months go through the live workflow; the months before are history


def seed(command, acting_user):
    # The registers are written in one transaction, so its first workflow document says whether they
    # are there: looked up by equality on the unique key (a prefix search has no index of its own).
    if Document.all_objects.filter(import_key=SEEDED_KEY).exists():
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
            symbol, issuer = incoming_symbol(rng)
            doc = services.incoming_register(
                acting_user=clerk,
                number_symbol=symbol,
                issuer=issuer,
                summary=f"V/v {rng.choice(SUBJECTS)}",
                document_date=day - datetime.timedelta(days=rng.randint(0, 3)),
                arrival_date=day,
                kind=rng.choice([Kind.OFFICIAL_LETTER] * 6 + [Kind.DECISION, Kind.PLAN, Kind.REPORT, Kind.INVITATION]),
                # Electronic because its content is in the portal (issue 14): an electronic original or
                # the scan made on arrival; paper without a file, with its reason.
                attachments=[] if paper else [demo_scan(symbol)],
                paper_reason=rng.choice([PaperReason.SENDER_PAPER_ONLY, PaperReason.SENDER_PAPER_ONLY,
                                         PaperReason.UNJUSTIFIED]) if paper else None,
                received_medium=Form.PAPER if paper or rng.random() < 0.2 else Form.ELECTRONIC,
                urgency=Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL,
                allow_duplicate=True,
            )
            Document.objects.filter(pk=doc.pk).update(import_key=SEEDED_KEY if index == 0 else f"demo-in-{index}")
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
            recipients = "; ".join(rng.sample(ISSUERS[:9], rng.randint(1, 3)))
            doc = services.outgoing_issue(
                acting_user=clerk, kind=rng.choice([Kind.OFFICIAL_LETTER] * 5 + [Kind.DECISION, Kind.PLAN, Kind.REPORT]),
                summary=f"V/v {rng.choice(SUBJECTS)}", department=department,
                drafter=rng.choice(officers[department.pk] or [department.head]), signer="Trần Đình Hải",
                # Electronic because the issued file is a digitally signed PDF (issue 14; the demo's own CA).
                recipients=recipients, attachments=[] if rng.random() < 0.06 else [demo_signed(doc_symbol_hint(index))],
                paper_reason=PaperReason.WET_SIGNATURE,
                file_copy_keeper=OUTGOING_KEEPER.format(abbreviation=department.abbreviation),
                copies=outgoing_copies(recipients), issue_date=day,
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
        ("1520/UBND-KT", "V/v báo cáo tình hình thu hút đầu tư vào Khu kinh tế 6 tháng cuối năm 2026", Urgency.URGENT, leader),
        ("87/STNMT-MT", "V/v lấy ý kiến về báo cáo đánh giá tác động môi trường dự án cảng tổng hợp", Urgency.NORMAL, None),
        ("2045/STC-QLNS", "V/v thẩm tra quyết toán vốn đầu tư dự án hoàn thành", Urgency.NORMAL, None),
        ("412/SXD-QLXD", "V/v thẩm định quy hoạch chi tiết xây dựng khu tái định cư", Urgency.URGENT, None),
        ("318/SXD-HT", "V/v kiểm tra hạ tầng kỹ thuật khu công nghiệp", Urgency.NORMAL, None),
    ]
    for index, (symbol, summary, urgency, to) in enumerate(waiting):
        doc = services.incoming_register(acting_user=clerk, number_symbol=symbol, issuer=issuer_of(symbol),
                                         summary=summary, document_date=today, arrival_date=today, urgency=urgency,
                                         attachments=[demo_scan(symbol)], allow_duplicate=True)
        Document.objects.filter(pk=doc.pk).update(import_key=f"demo-waiting-{index}")
        services.incoming_submit(acting_user=clerk, document=doc, leader=to)
        if symbol.startswith(("412/", "318/")):
            services.incoming_assign(acting_user=leader, document=doc, department=planning,
                                     deadline=today + datetime.timedelta(days=7),
                                     direction_note="Giao Phòng Quy hoạch và Xây dựng chủ trì.")
    drafter = User.objects.filter(department__abbreviation="QLĐT", groups__name=Role.OFFICER).order_by("pk").first()
    if drafter:
        doc = services.internal_send(acting_user=drafter, kind=Kind.OFFICIAL_LETTER, recipient_departments=[planning],
                                     summary="V/v phối hợp thẩm định hồ sơ cấp phép xây dựng nhà xưởng",
                                     attachments=[demo_signed("noi-bo-phoi-hop")])
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
        outgoing = {}
        if direction == Direction.INCOMING:
            symbol, issuer = incoming_symbol(rng)
        else:
            symbol, issuer = services.outgoing_symbol(number, kind, department, agency), agency.name
            recipients = "; ".join(rng.sample(ISSUERS[:9], rng.randint(1, 3)))
            outgoing = {"signer": "Trần Đình Hải", "recipients": recipients, "copies": outgoing_copies(recipients),
                        "file_copy_keeper": OUTGOING_KEEPER.format(abbreviation=department.abbreviation)}
        rows.append(Document(
            direction=direction, series=series, register_year=day.year, number=number, number_symbol=symbol,
            kind=kind, summary=summary, document_date=day, register_date=day, issuer=issuer,
            form=Form.PAPER if paper else Form.ELECTRONIC, received_medium=Form.ELECTRONIC,
            paper_reason=(PaperReason.CONFIDENTIAL if secret else rng.choice(PAPER_REASONS)) if paper else "",
            confidentiality=Confidentiality.SECRET if secret else Confidentiality.NORMAL,
            status=Status.DONE if direction == Direction.INCOMING else Status.ISSUED,
            department=department, officer=officer, created_by=clerk,
            search_text=search_key(f"{symbol} {summary} {issuer}"), import_key=f"demo-bulk-{index}", **outgoing,
        ))
    Document.objects.bulk_create(rows, batch_size=500)
    _bulk_scans(clerk, [row for row in rows if row.form == Form.ELECTRONIC and row.direction == Direction.INCOMING])
    _bulk_scans(clerk, [row for row in rows if row.form == Form.ELECTRONIC and row.direction != Direction.INCOMING],
                signed=True)
    for (series, year), number in counters.items():
        services.raise_counter_to(series, year, number)


# The paper reasons of the earlier months: mostly justified, some not (the dashboard shows both).
PAPER_REASONS = [PaperReason.SENDER_PAPER_ONLY] * 3 + [PaperReason.PHYSICAL, PaperReason.WET_SIGNATURE,
                                                       PaperReason.UNJUSTIFIED, PaperReason.UNJUSTIFIED]


def demo_pdf(title: str) -> bytes:
    """A one-page PDF standing for a document's content (its scan or electronic original)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 12 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_scan(symbol: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name = f"{symbol.replace('/', '-')}.pdf"
    return SimpleUploadedFile(name, demo_pdf(symbol), content_type="application/pdf")


_AUTHORITY = {}


def demo_authority():
    """The demo's own certificate authority, registered as a trust root, so the demo's issued
    PDFs read as signed and verified (documents/test_ca.py; never a real key)."""
    import hashlib

    from .models import TrustRoot
    from .test_ca import make_authority

    if "ca" not in _AUTHORITY:
        _AUTHORITY["ca"] = make_authority("CA thử nghiệm (dữ liệu mẫu)")
    authority = _AUTHORITY["ca"]
    TrustRoot.objects.get_or_create(
        fingerprint=hashlib.sha256(authority.root_der).hexdigest(),
        defaults={"name": "CA thử nghiệm (dữ liệu mẫu)", "der": authority.root_der,
                  "subject": "Common Name: CA thử nghiệm (dữ liệu mẫu)"})
    return authority


def doc_symbol_hint(index: int) -> str:
    return f"van-ban-di-{index}"


def demo_signed(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = demo_authority().sign(demo_pdf(name), "Trần Đình Hải")
    return SimpleUploadedFile(f"{name}.pdf", content, content_type="application/pdf")


def _bulk_scans(clerk, documents, signed=False):
    """One attachment per electronic document of the earlier months, all pointing at one stored
    demo file (a file each would make seeding slow): the evidence behind "electronic" — a scan
    for incoming documents, a digitally signed PDF for issued ones."""
    import hashlib

    from django.core.files.base import ContentFile

    from .models import Attachment
    from .signatures import check_pdf

    content = demo_pdf("Ban so hoa (demo)")
    check = None
    if signed:
        content = demo_authority().sign(demo_pdf("Van ban phat hanh (demo)"), "Trần Đình Hải")
        check = check_pdf(content)
    stored = Attachment._meta.get_field("file").storage.save(
        "attachments/demo/van-ban-ky-so-demo.pdf" if signed else "attachments/demo/ban-so-hoa-demo.pdf",
        ContentFile(content))
    digest = hashlib.sha256(content).hexdigest()
    Attachment.objects.bulk_create([
        Attachment(document=document, file=stored, original_name=f"{document.number_symbol.replace('/', '-')}.pdf",
                   extension="pdf", content_type="application/pdf", size=len(content), sha256=digest,
                   uploaded_by=clerk, uploaded_at=timezone.now(),
                   signature_status=check.status if check else "", signer_name=check.signer_name if check else "",
                   signed_at=check.signed_at if check else None, signature_note=check.note if check else "")
        for document in documents
    ], batch_size=500)


def _last(series, year):
    counter = NumberCounter.objects.filter(series=series, year=year).first()
    return counter.last_number if counter else 0
