"""Demo data: a realistic Economic Zone Management Board, its departments and people.

Idempotent: run it again and it updates the same rows (users are found by username,
departments by abbreviation). Each app adds its own demo data in `<app>/demo.py`, a function
`seed(command, acting_user)` called in INSTALLED_APPS order (documents before dossiers).
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from recordsportal import services
from recordsportal.models import Department, User
from recordsportal.roles import Role

DEMO_PASSWORD = "Demo@2026"

AGENCY = {
    "name": "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh",
    "parent_name": "Ủy ban nhân dân tỉnh Hà Tĩnh",
    "abbreviation": "BQL",
    "identifier_code": "000.00.31.H09",
    "place_name": "Hà Tĩnh",
}

# (abbreviation, name, kind, parent abbreviation)
DEPARTMENTS = [
    ("VP", "Văn phòng", Department.Kind.OFFICE, None),
    ("QLĐT", "Phòng Quản lý Đầu tư", Department.Kind.DEPARTMENT, None),
    ("QHXD", "Phòng Quản lý Quy hoạch và Xây dựng", Department.Kind.DEPARTMENT, None),
    ("QLDN", "Phòng Quản lý Doanh nghiệp và Lao động", Department.Kind.DEPARTMENT, None),
    ("TNMT", "Phòng Quản lý Tài nguyên và Môi trường", Department.Kind.DEPARTMENT, None),
    ("TTDV", "Trung tâm Dịch vụ tổng hợp", Department.Kind.UNIT, None),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng công trình", Department.Kind.UNIT, None),
    ("KTTC", "Phòng Kế toán – Tài chính", Department.Kind.DEPARTMENT, "TTDV"),
]

# (username, full name, department, position, roles)
USERS = [
    ("admin", "Nguyễn Văn Quản", "VP", "Chuyên viên công nghệ thông tin", [Role.ADMIN, Role.OFFICER]),
    ("truongban", "Trần Đình Hải", None, "Trưởng ban", [Role.LEADERSHIP]),
    ("photruongban1", "Lê Thị Thu Hằng", None, "Phó Trưởng ban", [Role.LEADERSHIP]),
    ("photruongban2", "Phạm Quốc Dũng", None, "Phó Trưởng ban", [Role.LEADERSHIP]),
    ("chanhvp", "Hoàng Minh Đức", "VP", "Chánh Văn phòng", [Role.DEPARTMENT_HEAD, Role.OFFICE]),
    ("vanthu", "Nguyễn Thị Lan", "VP", "Văn thư", [Role.OFFICE, Role.OFFICER]),
    ("vanthu2", "Đặng Thị Mai", "VP", "Văn thư", [Role.OFFICE, Role.OFFICER]),
    ("luutru", "Bùi Thị Ngọc Ánh", "VP", "Lưu trữ viên", [Role.OFFICE, Role.OFFICER]),
    ("cb.vp1", "Võ Văn Thành", "VP", "Chuyên viên tổng hợp", [Role.OFFICER]),
    ("tp.qldt", "Ngô Thị Hồng Nhung", "QLĐT", "Trưởng phòng", [Role.DEPARTMENT_HEAD, Role.OFFICER]),
    ("cb.qldt1", "Phan Văn Long", "QLĐT", "Chuyên viên", [Role.OFFICER]),
    ("cb.qldt2", "Đỗ Thị Thanh Tâm", "QLĐT", "Chuyên viên", [Role.OFFICER]),
    ("cb.qldt3", "Hồ Sỹ Nguyên", "QLĐT", "Chuyên viên chính", [Role.OFFICER]),
    ("tp.qhxd", "Dương Văn Khánh", "QHXD", "Trưởng phòng", [Role.DEPARTMENT_HEAD, Role.OFFICER]),
    ("cb.qhxd1", "Trịnh Thị Hoa", "QHXD", "Chuyên viên", [Role.OFFICER]),
    ("cb.qhxd2", "Lý Văn Tuấn", "QHXD", "Chuyên viên", [Role.OFFICER]),
    ("cb.qhxd3", "Mai Thị Phương", "QHXD", "Chuyên viên", [Role.OFFICER]),
    ("tp.qldn", "Vũ Thị Kim Oanh", "QLDN", "Trưởng phòng", [Role.DEPARTMENT_HEAD, Role.OFFICER]),
    ("cb.qldn1", "Chu Văn Bình", "QLDN", "Chuyên viên", [Role.OFFICER]),
    ("cb.qldn2", "Tạ Thị Huyền", "QLDN", "Chuyên viên", [Role.OFFICER]),
    ("cb.qldn3", "Kiều Văn Sơn", "QLDN", "Chuyên viên", [Role.OFFICER]),
    ("tp.tnmt", "Nguyễn Hữu Thắng", "TNMT", "Trưởng phòng", [Role.DEPARTMENT_HEAD, Role.OFFICER]),
    ("cb.tnmt1", "Lương Thị Yến", "TNMT", "Chuyên viên", [Role.OFFICER]),
    ("cb.tnmt2", "Hà Văn Quang", "TNMT", "Chuyên viên", [Role.OFFICER]),
    ("gd.ttdv", "Phùng Văn Hiếu", "TTDV", "Giám đốc Trung tâm", [Role.DEPARTMENT_HEAD, Role.OFFICER]),
    ("cb.ttdv1", "Đinh Thị Thúy", "TTDV", "Viên chức", [Role.OFFICER]),
    ("cb.ttdv2", "Cao Văn Lực", "TTDV", "Viên chức", [Role.OFFICER]),
    ("kt.ttdv", "Tô Thị Nga", "KTTC", "Kế toán trưởng", [Role.DEPARTMENT_HEAD, Role.OFFICER]),
    ("cb.kttc1", "Lâm Văn Phúc", "KTTC", "Kế toán viên", [Role.OFFICER]),
    ("gd.bqlda", "Nguyễn Đình Tùng", "BQLDA", "Giám đốc Ban", [Role.DEPARTMENT_HEAD, Role.OFFICER]),
    ("cb.bqlda1", "Trần Thị Bích", "BQLDA", "Viên chức", [Role.OFFICER]),
    ("cb.bqlda2", "Huỳnh Văn Trí", "BQLDA", "Viên chức", [Role.OFFICER]),
    ("cb.bqlda3", "Quách Thị Liên", "BQLDA", "Viên chức", [Role.OFFICER]),
]

PROJECT_APPS = ("documents", "dossiers", "backlog", "reports")


def app_seeders():
    for config in apps.get_app_configs():
        if config.name in PROJECT_APPS and find_spec(f"{config.name}.demo"):
            yield import_module(f"{config.name}.demo").seed


class Command(BaseCommand):
    help = "Fill the database with a realistic demo agency (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo accounts share a known password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password; run it with DEBUG=1 or --force."
            )
        with transaction.atomic():
            seed_organisation()
            acting_user = User.objects.get(username="admin")
            for seed in app_seeders():
                seed(self, acting_user)
        self.print_logins()

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo account's password: {DEMO_PASSWORD}"))
        for username, full_name, _department, position, roles in USERS:
            labels = ", ".join(str(Role(role).label) for role in roles)
            self.stdout.write(f"  {username:<15} {full_name:<26} {position:<32} {labels}")


def seed_organisation() -> None:
    services.agency_update(acting_user=None, **AGENCY)
    departments = {}
    for order, (abbreviation, name, kind, parent) in enumerate(DEPARTMENTS):
        department = Department.objects.filter(abbreviation=abbreviation).first() or Department(
            abbreviation=abbreviation
        )
        department.name, department.kind, department.order = name, kind, order
        department.parent = departments.get(parent)
        department.is_active = True
        departments[abbreviation] = services.department_save(acting_user=None, department=department)

    for username, full_name, department_code, position, roles in USERS:
        # The Board's leadership belongs to no department: they oversee all of them.
        department = departments.get(department_code)
        fields = {"full_name": full_name, "department": department, "position": position, "email": f"{username}@bql.example.vn"}
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(acting_user=None, username=username, roles=roles, password=DEMO_PASSWORD, **fields)
        else:
            services.user_update(acting_user=None, user=user, roles=roles, password=DEMO_PASSWORD, is_active=True, **fields)
        if Role.DEPARTMENT_HEAD in roles and department and department.head_id != user.pk:
            department.head = user
            services.department_save(acting_user=None, department=department)
    # The Head of the Board approves retention lists; no deputy is delegated in the demo.
    services.agency_update(acting_user=None, agency_head=User.objects.get(username="truongban"))
