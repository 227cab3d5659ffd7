"""Issue 17, item 12: demo data that looks real — each received symbol comes from the issuer it
names (594/SXD-QLXD from Sở Xây dựng), summaries are whole, outgoing letters carry their file
copies ("bản lưu") and number of copies; the 2021 inventories were reviewed in 2021."""

import io
import re
from types import SimpleNamespace

import pytest

from backlog import demo as backlog_demo
from backlog.models import Campaign, Inventory
from documents import demo
from documents.choices import Direction
from documents.models import Document
from recordsportal.management.commands.seed_demo import seed_organisation
from recordsportal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seed_organisation()
    admin = User.objects.get(username="admin")
    command = SimpleNamespace(stdout=io.StringIO())
    demo.seed(command, admin)
    backlog_demo.seed(command, admin)


def test_every_received_symbol_comes_from_the_issuer_it_names(seeded):
    received = Document.all_objects.filter(direction=Direction.INCOMING).values_list("number_symbol", "issuer")
    assert received
    for symbol, issuer in received:
        assert issuer == demo.ISSUER_OF_SUFFIX[symbol.split("/", 1)[1]], (symbol, issuer)


def test_summaries_are_whole(seeded):
    for summary in Document.all_objects.values_list("summary", flat=True).distinct():
        assert not re.search(r"\b(năm|quý|tháng)$", summary), summary


def test_outgoing_letters_carry_their_file_copies_and_number_of_copies(seeded):
    outgoing = Document.all_objects.filter(direction=Direction.OUTGOING)
    assert outgoing.exists()
    assert not outgoing.filter(file_copy_keeper="").exists() and not outgoing.filter(copies__isnull=True).exists()
    letter = outgoing.select_related("department").first()
    assert letter.file_copy_keeper == f"VT, {letter.department.abbreviation}"
    assert letter.copies == len(letter.recipients.split(";")) + 2


def test_the_2021_inventories_were_opened_and_reviewed_in_2021(seeded):
    assert Campaign.objects.get().created_at.year == 2021
    reviewed = Inventory.objects.exclude(reviewed_at=None)
    assert reviewed.exists() and {i.reviewed_at.year for i in reviewed} == {2021}
    for inventory in reviewed:
        assert inventory.reviewed_at > inventory.submitted_at
