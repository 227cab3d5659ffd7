"""Receiving many packages: batches from an upload (files or a .zip) and from the inbound folder,
the progress the page polls, and a constant number of queries per package."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange import batches, services
from exchange.models import InboundPackage, ReceiveBatch, ReceiveBatchItem

from .conftest import hand_package, package_bytes, upload


def packages(count, start=1):
    return [package_bytes(number=str(n), subject=f"Văn bản thử số {n}") for n in range(start, start + count)]


def run(clerk, contents, names=None):
    names = names or [f"goi-{i}.edxml" for i in range(len(contents))]
    batch = batches.batch_create(acting_user=clerk, uploads=[upload(n, c) for n, c in zip(names, contents)])
    return batches.batch_run(batch_id=batch.pk)


@pytest.mark.django_db(transaction=True)
def test_a_batch_receives_the_good_packages_and_refuses_the_bad_one(exchange):
    good = packages(3)
    bad = hand_package(root='<edXML xmlns="http://example.org/x">')
    batch = run(exchange.clerk, [good[0], bad, good[1], good[2], good[0]])
    assert (batch.state, batch.total, batch.processed) == ("done", 5, 5)
    assert (batch.received, batch.refused, batch.duplicates) == (3, 1, 1)
    states = list(batch.items.order_by("position").values_list("state", flat=True))
    assert states == ["received", "refused", "received", "received", "already"]
    assert "không gian tên" in batch.items.get(position=2).message
    assert InboundPackage.objects.filter(state="pending").count() == 3
    # Running it again does nothing: the items are done.
    again = batches.batch_run(batch_id=batch.pk)
    assert again.processed == 5 and InboundPackage.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_zip_of_packages_is_one_batch(exchange):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, content in enumerate(packages(4)):
            archive.writestr(f"thu-muc/../goi-{index}.edxml", content)
    batch = run(exchange.clerk, [buffer.getvalue()], names=["lo-goi.zip"])
    assert (batch.total, batch.received) == (4, 4)
    assert sorted(batch.items.values_list("original_name", flat=True)) == [f"goi-{i}.edxml" for i in range(4)]


@pytest.mark.django_db(transaction=True)
def test_a_batch_larger_than_the_limit_is_refused_whole(exchange, settings, media):
    from .conftest import stored_files

    settings.EDXML_MAX_BATCH_PACKAGES = 2
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, content in enumerate(packages(3)):
            archive.writestr(f"goi-{index}.edxml", content)
    with pytest.raises(Exception, match="tối đa 2 gói"):
        batches.batch_create(acting_user=exchange.clerk, uploads=[upload("lo.zip", buffer.getvalue())])
    assert not ReceiveBatch.objects.exists() and stored_files(media) == []


def _queries(clerk, count, start) -> int:
    batch = batches.batch_create(acting_user=clerk, uploads=[upload(f"g{i}.edxml", c)
                                                                for i, c in enumerate(packages(count, start))])
    with CaptureQueriesContext(connection) as queries:
        batches.batch_run(batch_id=batch.pk)
    assert ReceiveBatch.objects.get(pk=batch.pk).received == count
    return len(queries)


@pytest.mark.django_db(transaction=True)
def test_each_package_of_a_batch_costs_the_same_queries(exchange):
    small = _queries(exchange.clerk, 3, start=100)
    large = _queries(exchange.clerk, 9, start=200)
    per_package = (large - small) / 6
    assert per_package == int(per_package), (small, large)  # linear: no query grows with the batch
    assert small - 3 * per_package <= 6  # a few for the batch itself
    assert per_package <= 20, per_package


@pytest.mark.django_db(transaction=True)
def test_the_inbound_folder_moves_each_package_out_and_a_refused_one_aside_with_its_reason(exchange, media):
    inbox = media / "inbox"
    inbox.mkdir()
    good = packages(2)
    (inbox / "a.edxml").write_bytes(good[0])
    (inbox / "b.edxml").write_bytes(b"<not-a-package/>")
    (inbox / "c.edxml").write_bytes(good[1])
    (inbox / "d.edxml.part").write_bytes(b"half written")  # a connector still writing
    batch = batches.inbox_scan()
    assert (batch.source, batch.received, batch.refused) == ("folder", 2, 1)
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["d.edxml.part"]
    refused = sorted(p.name for p in (inbox / "refused").iterdir())
    assert len(refused) == 2 and refused[0].endswith("_b.edxml") and refused[1].endswith("_b.edxml.txt")
    reason = (inbox / "refused" / refused[1]).read_text(encoding="utf-8")
    assert "<edXML>" in reason
    assert len(list((inbox / "received").iterdir())) == 2
    assert not list((inbox / "processing").iterdir())
    # The next scan finds nothing: a refused package is never read again.
    assert batches.inbox_scan() is None
    assert ReceiveBatchItem.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_task_scans_the_inbound_folder(exchange, media):
    from exchange.tasks import scan_inbox_task

    (media / "inbox").mkdir()
    (media / "inbox" / "x.edxml").write_bytes(packages(1)[0])
    result = scan_inbox_task.apply().get()
    assert result["processed"] == 1 and InboundPackage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_office_uploads_a_batch_and_the_page_polls_its_progress(exchange, login):
    client = login(exchange.clerk)
    response = client.post(reverse("exchange:inbox"), {"files": [upload("a.edxml", packages(1)[0]),
                                                                 upload("b.edxml", b"garbage")]})
    batch = ReceiveBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:batch", args=[batch.pk])
    page = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "Đã đọc 2/2 gói: 1 chờ đăng ký, 0 trùng, 1 bị từ chối." in page
    assert "không phải XML hợp lệ" in page
    # While a batch runs, its progress card asks to be polled; a finished one does not.
    ReceiveBatch.objects.filter(pk=batch.pk).update(state="running", processed=1)
    partial = client.get(reverse("exchange:batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode() and "HX-Refresh" not in partial
    ReceiveBatch.objects.filter(pk=batch.pk).update(state="done", processed=2)
    done = client.get(reverse("exchange:batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.content.decode() and done["HX-Refresh"] == "true"


@pytest.mark.django_db(transaction=True)
def test_an_unwritable_outbound_folder_holds_the_status_back_until_the_next_run(exchange, media, settings):
    blocked = media / "outbox-is-a-file"
    blocked.write_text("not a folder")
    settings.EDXML_OUTBOX_DIR = str(blocked / "sub")
    content = packages(1)[0]
    result = services.package_receive(acting_user=exchange.clerk, stream=io.BytesIO(content), name="a.edxml",
                                      source="upload", size=len(content))
    assert result.outcome == "received"  # the receipt committed, whatever the folder
    from exchange.models import OutboundPackage

    status = OutboundPackage.objects.get()
    assert status.written_at is None
    settings.EDXML_OUTBOX_DIR = str(media / "outbox")
    from exchange.tasks import scan_inbox_task

    assert scan_inbox_task.apply().get()["outbox_written"] == 1
    status.refresh_from_db()
    assert status.written_at is not None and (media / "outbox" / status.file_name).exists()
