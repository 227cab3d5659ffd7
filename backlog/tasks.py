"""Celery tasks: thin, idempotent wrappers over the services (they take ids, not objects)."""

from celery import shared_task
from django.db import DatabaseError

from recordsportal.models import User

from . import services
from .models import Campaign


@shared_task(name="backlog.send_reminders", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminders(campaign_id: int, acting_user_id: int | None = None) -> int:
    """Remind the heads of the departments that have not submitted. Retried on a mail server
    failure; a retry may re-send a reminder, which is harmless."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    acting_user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    return services.campaign_send_reminders(acting_user=acting_user, campaign=campaign)


@shared_task(name="backlog.daily")
def daily() -> dict:
    """Record late and missing inventories once deadlines pass; remind before deadlines."""
    return services.campaigns_daily()


@shared_task(name="backlog.import_inventory", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=10,
             max_retries=5)
def import_inventory(inventory_import_id: int) -> str:
    """Read, check and save an uploaded inventory template, writing its progress row as it goes.
    Runs twice without harm (a finished import is left alone; the lines are saved in one
    transaction with the import's final state); retried while the database is away."""
    record = services.inventory_import_run(inventory_import_id=inventory_import_id)
    return record.state if record is not None else "missing"
