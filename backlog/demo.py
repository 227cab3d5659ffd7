"""Demo data: the 2021 backlog campaign (records formed up to 2015, deadline 30/07/2021), with
departments that submitted on time, late, were returned, declared nothing, or never submitted.

Idempotent: when the campaign already exists nothing is added. Everything goes through the
services, so the demo obeys the same rules (and leaves the same audit trail) as real use.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from recordsportal.models import Department, User

from . import services
from .models import Campaign, Inventory

TITLE = "Kiểm kê tài liệu tồn đọng, tích đọng năm 2021 (tài liệu hình thành đến năm 2015)"
DEADLINE = datetime.date(2021, 7, 30)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
OPENED = datetime.datetime(2021, 6, 15, 8, 0, tzinfo=HANOI)
REVIEW_DELAY = datetime.timedelta(days=3, hours=2)


def _line(description, from_year, to_year, metres, boxes, dossiers, condition="good", location="", notes=""):
    return {
        "description": description, "from_year": from_year, "to_year": to_year, "shelf_metres": Decimal(metres),
        "boxes": boxes, "estimated_dossiers": dossiers, "condition": condition, "location": location, "notes": notes,
    }


# abbreviation: (lines, head username, what happens: (status, submitted on) or None)
PLAN = {
    "VP": ([
        _line("Công văn đi, đến của Ban", 2008, 2015, "18.5", 148, 1200, "fair", "Kho lưu trữ tầng 1"),
        _line("Hồ sơ tổ chức cán bộ", 2003, 2012, "6", 48, 320, "good", "Kho lưu trữ tầng 1"),
        _line("Tài liệu thi đua, khen thưởng", 1998, 2009, "3.5", 28, 140, "damaged", "Kho tầng trệt", "Ẩm mốc một phần"),
    ], "chanhvp", ("accepted", datetime.datetime(2021, 7, 20, 9, 30, tzinfo=HANOI))),
    "QLĐT": ([
        _line("Hồ sơ cấp giấy chứng nhận đầu tư", 2006, 2015, "22", 176, 950, "good", "Phòng làm việc và kho"),
        _line("Hồ sơ thẩm định dự án", 2001, 2010, "9.25", 74, 410, "fair", "Kho tầng 2"),
    ], "tp.qldt", ("accepted", datetime.datetime(2021, 7, 28, 15, 0, tzinfo=HANOI))),
    "QHXD": ([
        _line("Hồ sơ quy hoạch chi tiết", 1996, 2010, "14", 112, 380, "damaged", "Kho tầng 2", "Bản vẽ khổ lớn, giòn"),
        _line("Hồ sơ cấp phép xây dựng", 2005, 2015, "11.5", 92, 870, "good", "Tủ phòng"),
    ], "tp.qhxd", ("submitted", datetime.datetime(2021, 8, 5, 10, 15, tzinfo=HANOI))),  # late
    "QLDN": ([
        _line("Hồ sơ lao động nước ngoài", 2009, 2015, "5", 40, 600, "good", "Phòng làm việc"),
    ], "tp.qldn", ("returned", datetime.datetime(2021, 7, 29, 16, 40, tzinfo=HANOI))),
    "TNMT": ([
        _line("Hồ sơ đánh giá tác động môi trường", 2004, 2015, "7.75", 62, 290, "fair", "Kho tầng 2"),
    ], "tp.tnmt", None),  # a draft never submitted: missing
    "TTDV": ([
        _line("Hồ sơ hợp đồng dịch vụ", 2010, 2015, "4", 32, 220, "good", "Kho Trung tâm"),
    ], "gd.ttdv", ("submitted", datetime.datetime(2021, 7, 30, 23, 10, tzinfo=HANOI))),  # on the day: on time
    "KTTC": ([], "kt.ttdv", ("submitted", datetime.datetime(2021, 7, 26, 8, 0, tzinfo=HANOI))),  # declares none
    "BQLDA": ([], "gd.bqlda", None),  # nothing at all: missing
}


def seed(command, acting_user):
    if Campaign.objects.filter(title=TITLE).exists():
        return
    office = User.objects.get(username="vanthu")
    departments = {d.abbreviation: d for d in Department.objects.filter(abbreviation__in=PLAN)}
    campaign = services.campaign_open(
        acting_user=office,
        title=TITLE,
        scope_until_year=2015,
        deadline=DEADLINE,
        departments=[departments[a] for a in PLAN if a in departments],
        effort_norm=Decimal("10"),
    )
    for abbreviation, (lines, head_name, outcome) in PLAN.items():
        if abbreviation not in departments:
            continue
        inventory = Inventory.objects.get(campaign=campaign, department=departments[abbreviation])
        head = User.objects.get(username=head_name)
        if lines:
            services.inventory_save_lines(acting_user=head, inventory=inventory, lines=lines)
            inventory.refresh_from_db()
        if outcome is None:
            continue
        status, when = outcome
        services.inventory_submit(acting_user=head, inventory=inventory, declare_none=not lines, now=when)
        if status == "accepted":
            services.inventory_accept(acting_user=office, inventory=inventory)
            # Reviewed in 2021, a few days after it came in, not on the day the demo is seeded.
            Inventory.objects.filter(pk=inventory.pk).update(reviewed_at=when + REVIEW_DELAY)
        elif status == "returned":
            services.inventory_return(
                acting_user=office,
                inventory=inventory,
                reason="Thiếu số liệu hồ sơ doanh nghiệp giai đoạn 2005–2008; đề nghị bổ sung và ghi rõ nơi bảo quản.",
            )
            Inventory.objects.filter(pk=inventory.pk).update(reviewed_at=when + REVIEW_DELAY)
    services.campaign_record_deadline_misses(acting_user=office, campaign=campaign)
    # The campaign was opened in 2021 (its records say so), not on the seeding day.
    Campaign.objects.filter(pk=campaign.pk).update(created_at=OPENED)
    command.stdout.write(f"  backlog: {TITLE}")
