import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recordsportal.models import Agency, Department, User
from recordsportal.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_realistic_agency_and_is_idempotent(capsys):
    call_command("seed_demo", force=True)
    counts = (Department.objects.count(), User.objects.count())
    call_command("seed_demo", force=True)
    assert (Department.objects.count(), User.objects.count()) == counts

    assert Agency.load().abbreviation == "BQL"
    assert Department.objects.filter(kind=Department.Kind.OFFICE, abbreviation="VP").exists()
    assert Department.objects.count() >= 6
    assert User.objects.count() >= 30
    for role in Role.values:
        assert User.objects.with_role(role).exists(), role
    # Every department has a head, recorded on the department.
    assert not Department.objects.filter(head__isnull=True).exists()
    out = capsys.readouterr().out
    assert "truongban" in out and "vanthu" in out and "Demo@2026" in out


def test_seed_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
