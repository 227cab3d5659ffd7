"""Celery tasks: thin, idempotent wrappers over the exchange services."""

from celery import shared_task


@shared_task(name="exchange.receive_batch", acks_late=True)
def receive_batch_task(batch_id: int) -> dict:
    """Receive the waiting packages of a batch (resumable: done items stay done)."""
    from . import batches

    batch = batches.batch_run(batch_id=batch_id)
    return {"batch": batch.pk, "processed": batch.processed, "refused": batch.refused}


@shared_task(name="exchange.scan_inbox", acks_late=True)
def scan_inbox_task() -> dict:
    """Beat: receive what a connector dropped into the inbound folder, and write the outbound
    packages the outbound folder could not take before."""
    from . import batches, services

    written = services.outbox_flush()  # packages a full or unmounted outbound folder held back
    batch = batches.inbox_scan()
    result = {"outbox_written": written}
    if batch:
        result.update(batch=batch.pk, processed=batch.processed, refused=batch.refused)
    return result


@shared_task(name="exchange.write_status", acks_late=True, autoretry_for=(OSError,), retry_backoff=30,
             max_retries=5)
def write_status_task(inbound_id: int, code: str, acting_user_id: int | None = None, description: str = "") -> int:
    """Build one status package for the sender of a received package (once, whatever the retries)."""
    from . import services

    return services.status_write(inbound_id=inbound_id, code=code, acting_user_id=acting_user_id,
                                 description=description).pk


@shared_task(name="exchange.outbox_write", acks_late=True, autoretry_for=(OSError,), retry_backoff=30,
             max_retries=5)
def outbox_write_task(outbound_id: int) -> None:
    """Copy one outbound package into the outbound folder (skipped when already written)."""
    from . import services
    from .models import OutboundPackage

    row = OutboundPackage.objects.filter(pk=outbound_id).first()
    if row is not None:
        services.outbox_write(row)
