"""Benchmark data: a province-scale document register in PostgreSQL.

    createdb -h 127.0.0.1 -U postgres rp_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench \
        .venv/bin/python bench/generate.py --documents 2000000 --departments 200 --officers 2000 [--reset]

Migrates, creates the agency, a department tree (~1/10 top-level, the rest under them), officers
with their role groups, then fills the document tables with PostgreSQL COPY: 2021 up to today,
incoming/outgoing/internal, mostly electronic, some confidential, some overdue, Vietnamese
summaries from word lists. Numbers are gapless per (series, year), as `services.allocate_number`
would give them, and the NumberCounter rows say where each register continues. `search_text` is
exactly what `documents.services._normalise` stores.

Refuses to run unless the database name contains "bench". Documents already there: pass
`--reset` (truncates the document tables; departments and officers are kept and reused).
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")

# --- word lists ---------------------------------------------------------------------------------

TOP_DEPARTMENTS = [
    ("VP", "Văn phòng", "office"),
    ("KHTH", "Phòng Kế hoạch - Tổng hợp", "department"),
    ("QLĐT", "Phòng Quản lý Đầu tư", "department"),
    ("QHXD", "Phòng Quản lý Quy hoạch và Xây dựng", "department"),
    ("TNMT", "Phòng Quản lý Tài nguyên và Môi trường", "department"),
    ("QLDN", "Phòng Quản lý Doanh nghiệp", "department"),
    ("QLLĐ", "Phòng Quản lý Lao động", "department"),
    ("TCKT", "Phòng Tài chính - Kế toán", "department"),
    ("TCCB", "Phòng Tổ chức cán bộ", "department"),
    ("TTRA", "Thanh tra", "department"),
    ("PCHE", "Phòng Pháp chế", "department"),
    ("XTĐT", "Phòng Xúc tiến Đầu tư", "department"),
    ("CNTT", "Phòng Công nghệ thông tin", "department"),
    ("HTQT", "Phòng Hợp tác quốc tế", "department"),
    ("TTDV", "Trung tâm Dịch vụ tổng hợp", "unit"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng công trình", "unit"),
    ("TTHT", "Trung tâm Phát triển hạ tầng khu kinh tế", "unit"),
    ("TTXT", "Trung tâm Xúc tiến đầu tư và Hỗ trợ doanh nghiệp", "unit"),
    ("BQLCK", "Ban Quản lý cửa khẩu quốc tế Cầu Treo", "unit"),
    ("TTLT", "Trung tâm Lưu trữ", "unit"),
]
UNIT_TYPES = ["Tổ", "Đội", "Bộ phận", "Trạm", "Ban"]
UNIT_TOPICS = [
    "quản lý hạ tầng Khu công nghiệp Gia Lách", "quản lý hạ tầng Khu công nghiệp Hạ Vàng",
    "quản lý Khu kinh tế Vũng Áng", "quản lý cảng Sơn Dương", "thẩm định dự án", "giám sát đầu tư",
    "một cửa", "tiếp nhận hồ sơ", "kiểm soát thủ tục hành chính", "môi trường", "quan trắc môi trường",
    "đất đai", "giải phóng mặt bằng", "tái định cư", "quy hoạch", "cấp phép xây dựng", "kế toán",
    "ngân sách", "thi đua khen thưởng", "quản trị mạng", "chuyển đổi số", "lưu trữ", "văn thư",
    "hành chính - quản trị", "bảo vệ", "lái xe", "an toàn lao động", "quan hệ lao động",
    "đăng ký doanh nghiệp", "hỗ trợ nhà đầu tư", "xúc tiến thương mại", "đối ngoại", "pháp chế",
    "thanh tra xây dựng", "tiếp công dân", "cửa khẩu Cầu Treo", "kiểm soát liên ngành",
    "duy tu đường giao thông", "cấp thoát nước", "chiếu sáng công cộng",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Hà", "Lương", "Thái", "Cao", "Chu", "Tạ", "Kiều"]
MIDDLE = ["Văn", "Thị", "Đình", "Hữu", "Minh", "Quốc", "Thanh", "Ngọc", "Xuân", "Thu", "Sỹ", "Công",
          "Đức", "Kim", "Hồng", "Anh", "Trọng", "Thị Thu", "Văn Hoàng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hằng", "Hiếu", "Hoa",
         "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Nhung", "Phúc",
         "Phương", "Quang", "Sơn", "Tâm", "Thắng", "Thảo", "Thành", "Trang", "Trung", "Tuấn", "Vinh",
         "Yến", "Lực", "Thủy", "Oanh", "Tùng"]

# External issuers of incoming documents: (name, abbreviation), most frequent first.
ISSUERS = [
    ("UBND tỉnh Hà Tĩnh", "UBND"), ("Sở Kế hoạch và Đầu tư Hà Tĩnh", "SKHĐT"),
    ("Sở Tài chính Hà Tĩnh", "STC"), ("Sở Xây dựng Hà Tĩnh", "SXD"),
    ("Sở Tài nguyên và Môi trường Hà Tĩnh", "STNMT"), ("Sở Nội vụ Hà Tĩnh", "SNV"),
    ("Sở Lao động - Thương binh và Xã hội Hà Tĩnh", "SLĐTBXH"), ("Văn phòng UBND tỉnh Hà Tĩnh", "VPUB"),
    ("Sở Công Thương Hà Tĩnh", "SCT"), ("Sở Giao thông vận tải Hà Tĩnh", "SGTVT"),
    ("Công an tỉnh Hà Tĩnh", "CAT"), ("Bộ Kế hoạch và Đầu tư", "BKHĐT"), ("Bộ Tài chính", "BTC"),
    ("Bộ Xây dựng", "BXD"), ("Thanh tra tỉnh Hà Tĩnh", "TTr"), ("UBND thị xã Kỳ Anh", "UBND"),
    ("UBND huyện Kỳ Anh", "UBND"), ("UBND huyện Hương Sơn", "UBND"), ("UBND huyện Nghi Xuân", "UBND"),
    ("Cục Thuế tỉnh Hà Tĩnh", "CT"), ("Cục Hải quan Hà Tĩnh", "HQHT"), ("Kho bạc Nhà nước Hà Tĩnh", "KBNN"),
    ("Bảo hiểm xã hội tỉnh Hà Tĩnh", "BHXH"), ("Tỉnh ủy Hà Tĩnh", "TU"),
    ("Công ty TNHH Gang thép Hưng Nghiệp Formosa Hà Tĩnh", "FHS"),
    ("Công ty Cổ phần Cảng Vũng Áng Việt - Lào", "CVA"), ("Tổng công ty Điện lực Miền Bắc", "EVNNPC"),
    ("Công ty Điện lực Hà Tĩnh", "PCHT"), ("Ban Quản lý dự án Nhiệt điện Vũng Áng 2", "BQLDA"),
    ("Liên đoàn Lao động tỉnh Hà Tĩnh", "LĐLĐ"),
]
ISSUER_WEIGHTS = [max(1, 30 - i) for i in range(len(ISSUERS))]

# (kind value, label used in summaries, weight) per direction.
INCOMING_KINDS = [("CV", 55), ("QĐ", 10), ("TB", 8), ("KH", 6), ("BC", 5), ("GM", 8), ("HD", 3),
                  ("TTr", 2), ("CT", 1), ("NQ", 1), ("QyĐ", 1)]
OUTGOING_KINDS = [("CV", 55), ("QĐ", 14), ("TB", 6), ("KH", 5), ("BC", 10), ("TTr", 5), ("GM", 3),
                  ("HD", 1), ("BB", 1)]
INTERNAL_KINDS = [("CV", 40), ("TB", 20), ("GM", 15), ("KH", 10), ("BC", 10), ("PC", 5)]
KIND_LABEL = {"CV": "", "QĐ": "Quyết định", "TB": "Thông báo", "KH": "Kế hoạch", "BC": "Báo cáo",
              "GM": "Giấy mời", "HD": "Hướng dẫn", "TTr": "Tờ trình", "CT": "Chỉ thị", "NQ": "Nghị quyết",
              "QyĐ": "Quy định", "BB": "Biên bản", "PC": "Phiếu chuyển"}

VERBS = [
    "triển khai thực hiện", "phê duyệt", "góp ý dự thảo", "đề nghị cung cấp thông tin về",
    "báo cáo tình hình", "hướng dẫn thực hiện", "tăng cường công tác", "kiểm tra", "giải quyết kiến nghị về",
    "điều chỉnh", "bổ sung", "giao nhiệm vụ", "tổ chức hội nghị về", "thẩm định", "quyết toán",
    "cấp giấy chứng nhận", "gia hạn", "thu hồi", "tổng kết", "rà soát", "chấp thuận", "đôn đốc thực hiện",
    "xử lý vướng mắc về", "thành lập tổ công tác về", "phân bổ kinh phí",
]
OBJECTS = [
    "dự án đầu tư xây dựng hạ tầng kỹ thuật", "chủ trương đầu tư", "kế hoạch đầu tư công trung hạn",
    "quy hoạch chi tiết xây dựng", "giấy chứng nhận đăng ký đầu tư", "công tác phòng cháy chữa cháy",
    "công tác cải cách hành chính", "chuyển đổi số", "bảo vệ môi trường", "giải phóng mặt bằng",
    "thu hút đầu tư", "an toàn, vệ sinh lao động", "quản lý nhà nước về đất đai",
    "định mức kinh tế - kỹ thuật", "dự toán ngân sách", "thi đua khen thưởng", "tuyển dụng công chức",
    "giá đất cụ thể", "hồ sơ thiết kế cơ sở", "đánh giá tác động môi trường", "giấy phép lao động",
    "thủ tục hành chính", "phòng, chống tham nhũng", "tiết kiệm, chống lãng phí", "quản lý tài sản công",
    "vốn đầu tư công", "hoạt động của doanh nghiệp", "tình hình lao động nước ngoài", "an ninh trật tự",
    "công tác văn thư, lưu trữ", "thực hành dân chủ cơ sở", "phòng chống thiên tai",
]
PLACES = [
    "tại Khu kinh tế Vũng Áng", "tại Khu công nghiệp Gia Lách", "tại Khu công nghiệp Hạ Vàng",
    "tại Khu kinh tế cửa khẩu quốc tế Cầu Treo", "tại thị xã Kỳ Anh", "tại huyện Kỳ Anh",
    "tại xã Kỳ Lợi", "tại phường Kỳ Long", "tại cảng Sơn Dương", "tại Khu công nghiệp Phú Vinh",
    "trên địa bàn tỉnh", "", "", "",
]
PERIODS = ["năm {y}", "quý I năm {y}", "quý II năm {y}", "quý III năm {y}", "quý IV năm {y}",
           "6 tháng đầu năm {y}", "tháng {m} năm {y}", "giai đoạn 2021-2025", "giai đoạn 2026-2030", ""]
# Rare terms (about 1 document in 5,000 each): what an accent-insensitive search for a name finds.
RARE = ["nhà máy điện khí LNG Vũng Áng", "dự án nhà máy VinFast", "trạm biến áp 500kV Vũng Áng",
        "tuyến đường tránh Quốc lộ 1A", "bến cảng tổng hợp Sơn Dương"]
AGENCY = {
    "name": "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh",
    "parent_name": "Ủy ban nhân dân tỉnh Hà Tĩnh",
    "abbreviation": "BQL",
    "identifier_code": "000.00.31.H09",
    "place_name": "Hà Tĩnh",
}
ELECTRONIC_SHARE = {2021: 0.90, 2022: 0.92, 2023: 0.94, 2024: 0.95, 2025: 0.96, 2026: 0.97}
OPEN = ["registered", "submitted", "assigned", "in_progress"]

DOC_COLUMNS = [
    "id", "direction", "series", "register_year", "number", "number_symbol", "kind", "summary",
    "document_date", "register_date", "issuer", "recipients", "signer", "file_copy_keeper", "copies", "notes",
    "form", "received_medium", "urgency", "confidentiality", "status", "direction_note", "deadline",
    "assigned_at", "completed_at", "search_text", "created_at", "updated_at", "is_deleted",
    "assigned_by_id", "created_by_id", "department_id", "officer_id", "return_reason", "paper_reason",
]
SEARCH_TEXT = DOC_COLUMNS.index("search_text")
DOC_TABLES = [
    "documents_document_co_handlers", "documents_document_recipient_departments", "documents_attachment",
    "documents_handlingnote", "documents_historicaldocument", "documents_document", "documents_numbercounter",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2_000_000)
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--start-year", type=int, default=2021)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="truncate the document tables first")
    return parser.parse_args()


def refuse_unless_bench():
    name = urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to run: DATABASE_URL must name a database containing 'bench' (got {name!r})")


# --- organisation -------------------------------------------------------------------------------


def build_organisation(n_departments, n_officers, rng):
    from django.contrib.auth.models import Group

    from recordsportal.models import Agency, Department, User
    from recordsportal.roles import Role

    Agency.objects.update_or_create(pk=1, defaults=AGENCY)
    existing = {d.abbreviation: d for d in Department.objects.all()}
    n_top = min(len(TOP_DEPARTMENTS), max(1, n_departments // 10))
    departments = []
    for order, (abbr, name, kind) in enumerate(TOP_DEPARTMENTS[:n_top]):
        dept = existing.get(abbr) or Department(abbreviation=abbr)
        dept.name, dept.kind, dept.order, dept.parent = name, kind, order, None
        dept.save()
        departments.append(dept)
    tops = list(departments)
    for i in range(n_departments - n_top):
        parent = tops[i % n_top]
        abbr = f"{parent.abbreviation}-{i // n_top + 1}"
        dept = existing.get(abbr.upper()) or Department(abbreviation=abbr)
        topic = UNIT_TOPICS[i % len(UNIT_TOPICS)]
        dept.name = f"{UNIT_TYPES[i % len(UNIT_TYPES)]} {topic} ({parent.abbreviation})"
        dept.kind, dept.order, dept.parent = "unit", i, parent
        dept.save()
        departments.append(dept)

    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    for role in Role.values:
        groups.setdefault(role, Group.objects.get_or_create(name=role)[0])

    if User.objects.filter(username__startswith="bench.").count() < n_officers:
        User.objects.filter(username__startswith="bench.").update(is_active=False)
        Department.objects.update(head=None)
        User.groups.through.objects.filter(user__username__startswith="bench.").delete()
        User.objects.filter(username__startswith="bench.").delete()
        office, users, memberships = tops[0], [], []
        # Leadership (6), Office clerks (14), then a head per department, then officers.
        plan = [("lead", office, "Phó Trưởng ban", [Role.LEADERSHIP])] * 6
        plan += [("vt", office, "Văn thư", [Role.OFFICE, Role.OFFICER])] * 14
        plan += [("tp", d, "Trưởng phòng" if d.parent_id is None else "Tổ trưởng",
                  [Role.DEPARTMENT_HEAD, Role.OFFICER]) for d in departments]
        while len(plan) < n_officers:
            plan.append(("cb", departments[rng.randrange(len(departments))], "Chuyên viên", [Role.OFFICER]))
        for i, (prefix, dept, position, _roles) in enumerate(plan[:n_officers], start=1):
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            users.append(User(username=f"bench.{prefix}{i:04d}", full_name=name, department=dept,
                              position=position, email=f"bench{i}@example.invalid", password="!bench",
                              is_active=True))
        User.objects.bulk_create(users, batch_size=1000)
        users = {u.username: u for u in User.objects.filter(username__startswith="bench.")}
        for i, (prefix, dept, _position, roles) in enumerate(plan[:n_officers], start=1):
            user = users[f"bench.{prefix}{i:04d}"]
            memberships += [User.groups.through(user_id=user.pk, group_id=groups[r].pk) for r in roles]
            if prefix == "tp" and dept.head_id is None:
                Department.objects.filter(pk=dept.pk).update(head=user)
                dept.head_id = user.pk
        User.groups.through.objects.bulk_create(memberships, batch_size=2000)
    return departments


# --- documents ----------------------------------------------------------------------------------


def working_days(start, end):
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def daily_counts(days, total, rng):
    """`total` documents over `days`, growing ~8% a year, with day-to-day noise."""
    weights = [(1 + 0.08 * (d.year - days[0].year)) * rng.uniform(0.6, 1.4) for d in days]
    scale = total / sum(weights)
    counts, carried = [], 0.0
    for w in weights:
        carried += w * scale
        n = int(carried)
        carried -= n
        counts.append(n)
    counts[-1] += total - sum(counts)
    return counts


class Text:
    """A summary built from parts, with its search key built from the parts' keys (the same
    result as search_key(whole text), computed once per distinct part)."""

    def __init__(self, search_key):
        self._key = search_key
        self._cache = {}

    def key(self, part):
        value = self._cache.get(part)
        if value is None:
            value = self._cache[part] = self._key(part)
        return value

    def join(self, parts):
        parts = [p for p in parts if p]
        return " ".join(parts), " ".join(self.key(p) for p in parts)


def generate_documents(args, departments, rng, text):
    from recordsportal.models import User
    from recordsportal.roles import Role

    today = dt.date.today()
    tz = dt.timezone(dt.timedelta(hours=7))
    users = list(User.objects.filter(username__startswith="bench.", is_active=True)
                 .values("pk", "username", "department_id", "full_name"))
    role_of = {}
    for user_id, group in User.groups.through.objects.filter(user__username__startswith="bench.") \
            .values_list("user_id", "group__name"):
        role_of.setdefault(user_id, set()).add(group)
    by_dept = {}
    for u in users:
        if Role.OFFICER in role_of.get(u["pk"], ()):
            by_dept.setdefault(u["department_id"], []).append(u["pk"])
    clerks = [u["pk"] for u in users if Role.OFFICE in role_of.get(u["pk"], ())]
    leaders = [u for u in users if Role.LEADERSHIP in role_of.get(u["pk"], ())]
    all_officers = [u["pk"] for u in users if Role.OFFICER in role_of.get(u["pk"], ())]
    dept_ids = [d.pk for d in departments]
    # Top-level departments lead most documents; units some.
    dept_weights = [6 if d.parent_id is None else 1 for d in departments]
    dept_abbr = {d.pk: d.abbreviation for d in departments}
    issuer_index = list(range(len(ISSUERS)))

    # Everything read from the database is read above: the rows are produced while COPY holds the
    # connection.
    return _rows(args, rng, text, today, tz, by_dept, clerks, leaders, all_officers, dept_ids, dept_weights,
                 dept_abbr, issuer_index)


def _rows(args, rng, text, today, tz, by_dept, clerks, leaders, all_officers, dept_ids, dept_weights, dept_abbr,
          issuer_index):
    days = list(working_days(dt.date(args.start_year, 1, 1), today))
    counts = daily_counts(days, args.documents, rng)
    counters = {}
    doc_id = 0
    choices, random_ = rng.choices, rng.random
    kinds = {d: ([k for k, _ in ks], [w for _, w in ks]) for d, ks in
             (("incoming", INCOMING_KINDS), ("outgoing", OUTGOING_KINDS), ("internal", INTERNAL_KINDS))}

    for day, n in zip(days, counts):
        year = day.year
        age = (today - day).days
        e_share = ELECTRONIC_SHARE.get(year, 0.97)
        dept_pick = choices(dept_ids, dept_weights, k=n)
        for j in range(n):
            doc_id += 1
            r = random_()
            direction = "incoming" if r < 0.55 else "outgoing" if r < 0.85 else "internal"
            r = random_()
            if direction != "internal" and r < 0.02:
                confidentiality = "secret" if r < 0.016 else "top_secret" if r < 0.019 else "absolute_secret"
            else:
                confidentiality = "normal"
            series = direction if confidentiality == "normal" else f"{direction}-secret"
            number = counters[(series, year)] = counters.get((series, year), 0) + 1
            kind = choices(*kinds[direction])[0]
            electronic = confidentiality == "normal" and (direction == "internal" or random_() < e_share)
            form = "electronic" if electronic else "paper"
            urgency = "normal" if random_() < 0.85 else choices(["urgent", "very_urgent", "flash"], [8, 3, 1])[0]
            dept = dept_pick[j]
            officers = by_dept.get(dept) or all_officers
            officer = officers[int(random_() * len(officers))]
            label = KIND_LABEL[kind]
            prefix = "V/v" if kind == "CV" else label
            period = rng.choice(PERIODS).format(y=year, m=day.month)
            rare = rng.choice(RARE) if random_() < 0.001 else ""
            summary, key = text.join([prefix, rng.choice(VERBS), rng.choice(OBJECTS), rare,
                                      rng.choice(PLACES), period])
            created = dt.datetime.combine(day, dt.time(7, 30), tz) + dt.timedelta(seconds=int(random_() * 34000))
            deadline = assigned_at = completed_at = assigned_by = None
            direction_note = recipients = signer = ""
            received_medium = ""
            copies = None
            if direction == "incoming":
                issuer, abbr = ISSUERS[choices(issuer_index, ISSUER_WEIGHTS)[0]]
                ext_no = 1 + int(random_() * 4000)
                number_symbol = (f"{ext_no}/{abbr}-{rng.choice(('VP', 'KT', 'TH', 'XD', 'NC'))}" if kind == "CV"
                                 else f"{ext_no}/{kind}-{abbr}")
                document_date = day - dt.timedelta(days=int(random_() * 5))
                received_medium = form if random_() < 0.7 or form == "electronic" else "paper"
                if form == "paper" and random_() < 0.3 and confidentiality == "normal":
                    form = "electronic"  # paper received, digitised and handled electronically
                created_by = clerks[int(random_() * len(clerks))]
                # Handling: most old documents are done; recent ones at every stage.
                r = random_()
                if age > 90:
                    status = "done" if r < 0.993 else choices(["assigned", "in_progress"])[0]
                elif age > 20:
                    status = "done" if r < 0.85 else choices(["assigned", "in_progress"])[0]
                elif age > 3:
                    status = "done" if r < 0.4 else choices(["submitted", "assigned", "in_progress"], [1, 3, 4])[0]
                else:
                    status = choices(["registered", "submitted", "assigned", "in_progress", "done"],
                                     [4, 3, 3, 2, 1])[0]
                if status in ("registered", "submitted"):
                    dept = officer = None
                else:
                    leader = leaders[int(random_() * len(leaders))]
                    assigned_by = leader["pk"]
                    assigned_at = created + dt.timedelta(hours=2 + int(random_() * 46))
                    direction_note = f"Giao {dept_abbr[dept]} chủ trì, tham mưu xử lý."
                    if random_() < 0.65:
                        deadline = day + dt.timedelta(days=5 + int(random_() * 25))
                    if status == "done":
                        completed_at = assigned_at + dt.timedelta(days=int(random_() * 20), hours=3)
            else:
                agency_abbr = AGENCY["abbreviation"]
                number_symbol = (f"{number:02d}/{agency_abbr}-{dept_abbr[dept]}" if kind == "CV"
                                 else f"{number:02d}/{kind}-{agency_abbr}")
                document_date = day
                issuer = AGENCY["name"]
                signer = leaders[int(random_() * len(leaders))]["full_name"]
                status = "issued"
                copies = 2 + int(random_() * 6)
                created_by = officer if direction == "internal" else clerks[int(random_() * len(clerks))]
                recipients = "Như trên; Lưu: VT." if direction == "outgoing" else ""
            search_text = f"{text.key(number_symbol)} {key} {text.key(issuer)}"
            # documents.rules.paper_reason_for; a paper letter received only on paper is justified.
            paper_reason = ("" if form == "electronic" else "confidential" if confidentiality != "normal"
                            else "sender_paper" if direction == "incoming" and received_medium == "paper"
                            else "unjustified")
            yield (
                doc_id, direction, series, year, number, number_symbol, kind, summary, document_date, day,
                issuer, recipients, signer, "", copies, "", form, received_medium, urgency, confidentiality,
                status, direction_note, deadline, assigned_at, completed_at, search_text, created,
                completed_at or created, False, assigned_by, created_by, dept, officer, "", paper_reason,
            ), (direction, status, officer, dept)
    _rows.counters = counters


def load(args, departments):
    from django.db import connection, transaction

    from recordsportal.text import search_key

    rng = random.Random(args.seed)
    text = Text(search_key)
    dept_ids = [d.pk for d in departments]
    with connection.cursor() as cursor:
        # Build secondary indexes after the load (much faster than maintaining them row by row).
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [DOC_TABLES[:2] + ["documents_document"]],
        )
        indexes = cursor.fetchall()
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        # The rows are consistent by construction: skip the per-row foreign-key triggers.
        cursor.execute("SET LOCAL session_replication_role = replica")
        raw = cursor.cursor
        n = co = rec = 0
        co_rows, rec_rows = [], []
        rows = generate_documents(args, departments, rng, text)
        from recordsportal.models import User
        by_dept = {}
        for pk, dept in User.objects.filter(username__startswith="bench.", is_active=True).values_list("pk", "department_id"):
            by_dept.setdefault(dept, []).append(pk)
        with raw.copy(f"COPY documents_document ({', '.join(DOC_COLUMNS)}) FROM STDIN") as copy:
            for row, (direction, _status, officer, _dept) in rows:
                copy.write_row(row)
                n += 1
                if direction == "incoming" and officer and rng.random() < 0.15:
                    others = {rng.choice(dept_ids) for _ in range(1 + int(rng.random() * 2))}
                    co_rows.append((row[0], officer, others))
                elif direction == "internal":
                    rec_rows.append((row[0], {rng.choice(dept_ids) for _ in range(1 + int(rng.random() * 3))},
                                     row[SEARCH_TEXT]))
                if n % 250_000 == 0:
                    print(f"  {n:,} documents, {n / (time.monotonic() - started):,.0f} rows/s", flush=True)
        copied = time.monotonic() - started
        # Co-handlers: officers of other departments; recipients of internal documents.
        with raw.copy("COPY documents_document_co_handlers (document_id, user_id) FROM STDIN") as copy:
            for doc, officer, others in co_rows:
                picked = {rng.choice(by_dept[d]) for d in others if by_dept.get(d)} - {officer}
                for user in picked:
                    copy.write_row((doc, user))
                    co += 1
        # With the document's search text: the copy a head's search reads (migration documents/0014),
        # which the trigger would fill, but triggers are off during this load.
        with raw.copy("COPY documents_document_recipient_departments (document_id, department_id, search_text) "
                      "FROM STDIN") as copy:
            for doc, depts, search_text in rec_rows:
                for dept in depts:
                    copy.write_row((doc, dept, search_text))
                    rec += 1
        counters = _rows.counters
        with raw.copy("COPY documents_numbercounter (series, year, last_number) FROM STDIN") as copy:
            for (series, year), last in sorted(counters.items()):
                copy.write_row((series, year, last))
        for table in ("documents_document", "documents_document_co_handlers",
                      "documents_document_recipient_departments", "documents_numbercounter"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        index_started = time.monotonic()
        for _name, definition in indexes:
            cursor.execute(definition)
        indexed = time.monotonic() - index_started
    analyse_started = time.monotonic()
    with connection.cursor() as cursor:
        for table in DOC_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")  # also sets the visibility map (index-only scans)
        cursor.execute("ANALYZE recordsportal_department")
        cursor.execute("ANALYZE recordsportal_user")
    analysed = time.monotonic() - analyse_started
    return n, co, rec, copied, indexed, analysed, text


def check(n, text):
    """Spot checks: numbering is gapless per series and year, search_text is search_key(...)."""
    from django.db import connection

    from documents.models import Document, NumberCounter
    from recordsportal.text import search_key

    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM (SELECT series, register_year, count(*) c, min(number) lo, max(number) hi
                          FROM documents_document GROUP BY 1, 2) s WHERE lo <> 1 OR hi <> c""")
        assert cursor.fetchone()[0] == 0, "numbering has gaps"
        cursor.execute("""SELECT count(*) FROM documents_numbercounter c JOIN (SELECT series, register_year, max(number) m
                          FROM documents_document GROUP BY 1, 2) d ON d.series = c.series AND d.register_year = c.year
                          WHERE d.m <> c.last_number""")
        assert cursor.fetchone()[0] == 0, "counters disagree with the documents"
        cursor.execute("""SELECT count(*) FROM documents_document_recipient_departments r
                          JOIN documents_document d ON d.id = r.document_id WHERE r.search_text IS DISTINCT FROM d.search_text""")
        assert cursor.fetchone()[0] == 0, "the recipients' copy of the search text differs from the documents'"
    for doc in Document.objects.filter(pk__in=range(1, n + 1, max(1, n // 2000))):
        expected = search_key(f"{doc.number_symbol} {doc.summary} {doc.issuer}")
        assert doc.search_text == expected, (doc.pk, doc.search_text, expected)
    return NumberCounter.objects.count()


def main():
    args = parse_args()
    refuse_unless_bench()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    total_started = time.monotonic()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM documents_document")
        if cursor.fetchone()[0] and not args.reset:
            sys.exit("documents already present: pass --reset to truncate and regenerate")
        if args.reset:
            cursor.execute(f"TRUNCATE {', '.join(DOC_TABLES)} RESTART IDENTITY CASCADE")
    rng = random.Random(args.seed)
    departments = build_organisation(args.departments, args.officers, rng)
    org_time = time.monotonic() - total_started
    print(f"organisation: {len(departments)} departments, {args.officers} officers ({org_time:.1f} s incl. migrate)")
    n, co, rec, copied, indexed, analysed, text = load(args, departments)
    print(f"COPY: {n:,} documents + {co:,} co-handlers + {rec:,} recipient departments in {copied:.1f} s "
          f"({n / copied:,.0f} rows/s)")
    print(f"indexes rebuilt in {indexed:.1f} s, ANALYZE {analysed:.1f} s")
    counters = check(n, text)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('documents_document')), "
                       "pg_size_pretty(pg_relation_size('documents_document')), "
                       "pg_size_pretty(pg_database_size(current_database()))")
        total, heap, db = cursor.fetchone()
    elapsed = time.monotonic() - total_started
    print(f"checked: gapless numbering in {counters} series-years, search_text as services._normalise")
    print(f"documents_document: {heap} heap, {total} with indexes; database {db}")
    print(f"done in {elapsed:.1f} s ({n / elapsed:,.0f} documents/s overall)")


if __name__ == "__main__":
    main()
