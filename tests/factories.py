import factory

from recordsportal.models import Department, User
from recordsportal.roles import Role

PASSWORD = "Test-pass-2026"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Phòng Quản lý số {n}")
    abbreviation = factory.Sequence(lambda n: f"P{n}")
    kind = Department.Kind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    department = factory.SubFactory(DepartmentFactory)
    position = "Chuyên viên"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        roles = extracted if extracted is not None else [Role.OFFICER]
        self.groups.set(Group.objects.filter(name__in=roles))
        if Role.ADMIN in roles:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
        self.__dict__.pop("roles", None)
