"""Receiving many packages at once: a batch (files, the packages of a .zip, or a run over the
inbound folder) kept as items in storage, read one by one by a Celery task that keeps the counts
the page polls. Each package is received by `services.package_receive`, in its own transaction.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.models import User
from recordsportal.services import DomainError

from . import conf, edxml
from .models import ReceiveBatch, ReceiveBatchItem, Source
from .services import _require_office, package_receive

logger = logging.getLogger(__name__)




def _item_problem(name: str, size: int) -> str | None:
    limit = conf.max_package_bytes()
    if size > limit:
        return _("Tệp “%(name)s” quá lớn (%(size).1f MB); giới hạn là %(limit)d MB.") % {
            "name": name, "size": size / 1024 / 1024, "limit": limit // 1024 // 1024}
    return None


def _zip_members(upload) -> list[zipfile.ZipInfo]:
    """The packages inside an uploaded .zip, checked before anything is extracted."""
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile as exc:
        raise DomainError(_("Tệp “%(name)s” không phải tệp .zip hợp lệ.") % {"name": upload.name}, field="files") from exc
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > conf.max_batch_packages():
        raise DomainError(_("Tệp “%(name)s” chứa %(count)d tệp; mỗi lần nhận tối đa %(limit)d gói.")
                          % {"name": upload.name, "count": len(members), "limit": conf.max_batch_packages()},
                          field="files")
    return members


def batch_create(*, acting_user: User | None, uploads=(), source: str = Source.UPLOAD,
                 inbox_files: list[Path] = ()) -> ReceiveBatch:
    """Keep the packages of one submission (files, the packages inside .zip files, or files taken
    from the inbound folder) as the items of a batch, in storage under generated names; the
    batch task reads them. Each file is bounded before it is stored; a refused submission leaves
    no row and no file."""
    _require_office(acting_user)
    items: list[ReceiveBatchItem] = []
    try:
        return _batch_create(acting_user, uploads, source, inbox_files, items)
    except Exception:
        for item in items:
            if item.file.name:
                item.file.storage.delete(item.file.name)
        raise


@transaction.atomic
def _batch_create(acting_user, uploads, source, inbox_files, items) -> ReceiveBatch:
    batch = ReceiveBatch.objects.create(source=source, created_by=acting_user)
    limit = conf.max_package_bytes()

    total = 0

    def add(name, handle, size, inbox_name=""):
        nonlocal total
        total += size
        if total > conf.max_batch_bytes():
            raise DomainError(_("Các tệp của một lần nhận vượt quá %(limit)d MB; hãy chia thành nhiều lần.")
                              % {"limit": conf.max_batch_bytes() // 1024 // 1024}, field="files")
        item = ReceiveBatchItem(batch=batch, position=len(items) + 1, original_name=edxml.safe_file_name(
            name, "goi.edxml")[:255], size=size, inbox_name=inbox_name)
        problem = _item_problem(item.original_name, size)
        if problem:
            item.state, item.message = ReceiveBatchItem.State.REFUSED, problem
            item.file.name = ""
        else:
            item.file.save("item.edxml", File(handle), save=False)
        items.append(item)

    for upload in uploads:
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if head == b"PK\x03\x04":
            members = _zip_members(upload)  # first: it refuses a damaged .zip with a message
            archive = zipfile.ZipFile(upload)
            for info in members:
                if len(items) >= conf.max_batch_packages():
                    break
                if info.file_size > limit:
                    add(info.filename, None, info.file_size)
                    continue
                with archive.open(info) as member, tempfile.SpooledTemporaryFile(4 * 1024 * 1024) as copy:
                    # The declared size may lie: read one byte past the cap at most.
                    data_read = 0
                    for chunk in iter(lambda: member.read(1024 * 1024), b""):
                        data_read += len(chunk)
                        if data_read > limit:
                            break
                        copy.write(chunk)
                    copy.seek(0)
                    add(info.filename, copy, data_read)
        else:
            add(upload.name, upload, upload.size)
    for path in inbox_files:
        with open(path, "rb") as handle:
            add(path.name, handle, path.stat().st_size, inbox_name=path.name)
    if len(items) > conf.max_batch_packages():
        raise DomainError(_("Mỗi lần nhận tối đa %(limit)d gói.") % {"limit": conf.max_batch_packages()}, field="files")
    if not items:
        raise DomainError(_("Chọn ít nhất một tệp gói .edxml (hoặc tệp .zip chứa các gói)."), field="files")
    ReceiveBatchItem.objects.bulk_create(items)
    refused = sum(1 for item in items if item.state == ReceiveBatchItem.State.REFUSED)
    ReceiveBatch.objects.filter(pk=batch.pk).update(total=len(items), processed=refused, refused=refused)
    batch.refresh_from_db()
    return batch


OUTCOME_STATE = {"received": ReceiveBatchItem.State.RECEIVED, "duplicate": ReceiveBatchItem.State.DUPLICATE,
                 "already": ReceiveBatchItem.State.ALREADY, "status": ReceiveBatchItem.State.RECEIVED}
OUTCOME_COUNTER = {"received": "received", "duplicate": "duplicates", "already": "duplicates", "status": "received"}


def batch_run(*, batch_id: int) -> ReceiveBatch:
    """Receive the waiting items of a batch, one transaction each, keeping the counts current.
    Resumable: a worker killed half-way leaves the done items done, and a second run takes the
    rest. Each package costs the same few queries, whatever the batch's size."""
    batch = ReceiveBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state == ReceiveBatch.State.DONE:
        return batch
    ReceiveBatch.objects.filter(pk=batch.pk).update(state=ReceiveBatch.State.RUNNING,
                                                    started_at=batch.started_at or timezone.now())
    user = batch.created_by
    waiting = list(batch.items.filter(state=ReceiveBatchItem.State.WAITING).order_by("position"))
    for item in waiting:
        _batch_item_run(batch, item, user)
    ReceiveBatch.objects.filter(pk=batch.pk).update(state=ReceiveBatch.State.DONE, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def _batch_item_run(batch: ReceiveBatch, item: ReceiveBatchItem, user: User | None) -> None:
    package = None
    try:
        with item.file.open("rb") as handle:
            result = package_receive(acting_user=user, stream=handle, name=item.original_name, size=item.size,
                                     source=batch.source, stored_name=item.file.name)
        state, message, counter, package = (OUTCOME_STATE[result.outcome], result.message,
                                            OUTCOME_COUNTER[result.outcome], result.package)
    except DomainError as error:
        state, message, counter = ReceiveBatchItem.State.REFUSED, error.message, "refused"
    except Exception:  # never loop on a package: an unexpected failure refuses it, with the log
        logger.exception("Package %s of batch %s could not be received", item.pk, batch.pk)
        state, message, counter = (ReceiveBatchItem.State.REFUSED,
                                   _("Lỗi không mong đợi khi đọc gói; quản trị xem nhật ký hệ thống."), "refused")
    ReceiveBatchItem.objects.filter(pk=item.pk).update(state=state, message=message[:2000],
                                                       package=package if package and package.pk else None)
    ReceiveBatch.objects.filter(pk=batch.pk).update(processed=F("processed") + 1, **{counter: F(counter) + 1})
    if item.inbox_name:
        _inbox_move(item.inbox_name, state, message)


# --- the inbound folder ------------------------------------------------------------------------------------------

PROCESSING, RECEIVED_DIR, REFUSED_DIR = "processing", "received", "refused"
INBOX_SUFFIXES = (".edxml", ".xml")


def inbox_scan() -> ReceiveBatch | None:
    """Take the packages a connector dropped into the inbound folder (the ones fully written: a
    connector writes `x.edxml.part` and renames it) and receive them as one batch. Each file is
    first moved into `processing/`, so a package is never read twice; after reading it goes to
    `received/`, or to `refused/` beside a `.txt` that gives the reason."""
    folder = conf.inbox_dir()
    if folder is None or not folder.is_dir():
        return None
    taken = []
    (folder / PROCESSING).mkdir(exist_ok=True)
    for path in sorted(folder.iterdir()):
        if len(taken) >= min(conf.inbox_scan_limit(), conf.max_batch_packages()):
            break
        if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in INBOX_SUFFIXES:
            continue
        target = folder / PROCESSING / path.name
        try:
            os.replace(path, target)  # atomic: two scans never take the same file
        except FileNotFoundError:
            continue
        taken.append(target)
    if not taken:
        return None
    batch = batch_create(acting_user=None, source=Source.FOLDER, inbox_files=taken)
    for item in batch.items.filter(state=ReceiveBatchItem.State.REFUSED):
        _inbox_move(item.inbox_name, item.state, item.message)
    return batch_run(batch_id=batch.pk)


def _inbox_move(name: str, state: str, message: str) -> None:
    folder = conf.inbox_dir()
    if folder is None:
        return
    source = folder / PROCESSING / name
    if not source.exists():
        return
    refused = state == ReceiveBatchItem.State.REFUSED
    target_dir = folder / (REFUSED_DIR if refused else RECEIVED_DIR)
    target_dir.mkdir(exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = target_dir / f"{stamp}_{name}"
    os.replace(source, target)
    if refused:
        target.with_name(target.name + ".txt").write_text(message + "\n", encoding="utf-8")
