"""The documents demo is seeded once: a second run finds the registers by the key of the first
document the first run wrote (an equality on the unique `import_key`; migration 0019 dropped the
LIKE copy of its index that the earlier prefix search could use) and adds nothing."""

import io
from types import SimpleNamespace

import pytest

from documents import demo
from documents.models import Document
from recordsportal.management.commands.seed_demo import seed_organisation
from recordsportal.models import User

pytestmark = pytest.mark.django_db


def test_seeding_the_documents_demo_a_second_time_adds_no_document():
    seed_organisation()
    admin = User.objects.get(username="admin")
    command = SimpleNamespace(stdout=io.StringIO())
    demo.seed(command, admin)
    assert Document.all_objects.filter(import_key=demo.SEEDED_KEY).exists()
    count = Document.all_objects.count()
    assert count > 300
    demo.seed(command, admin)
    assert Document.all_objects.count() == count
    assert "already present" in command.stdout.getvalue()
