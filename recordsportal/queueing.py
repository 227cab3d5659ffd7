"""Queue background work from a web request, and tell the user when the queue is down.

Every view that hands work to Celery goes through `enqueue_for_user`, so that a Redis outage
gives the same answer everywhere: the page still responds within about a second (the broker and
result-store timeouts in settings bound the wait), the user reads in Vietnamese that the work was
not queued and what to do, and the failure is logged with its traceback for the administrators.
Tasks that queue other tasks inside Celery keep calling `.delay()`: a worker has its own retries.
"""

import logging

from django.contrib import messages
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def task_named(name: str):
    """A registered task by its name ("dossiers.recompute_due_dates"): the core queues an app's
    task without importing the app (arrows point from the apps to recordsportal, never back)."""
    from .celery import app

    return app.tasks[name]


def enqueue(task, *args, **kwargs) -> bool:
    """Publish `task(*args, **kwargs)` to the broker; False when it could not be queued. `task`
    is a task or a task's registered name.

    Call it once the records the task reads are committed (services commit their own
    transactions). In the embedded default (eager mode) the task runs here and its own errors
    propagate as before: only a failure to *queue* is turned into False.
    """
    if isinstance(task, str):
        task = task_named(task)
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # kombu OperationalError, redis errors, the result store's RuntimeError...
        logger.exception("Could not queue task %s: the broker is unavailable", task.name)
        return False
    return True


def enqueue_for_user(request, task, *args, queued: str, not_queued: str, **kwargs) -> bool:
    """`enqueue`, then a message for the user: `queued` on success; otherwise that the background
    queue is down, followed by `not_queued` (what did not happen and what to do)."""
    if enqueue(task, *args, **kwargs):
        messages.success(request, queued)
        return True
    messages.error(request, _("Hàng đợi xử lý nền đang không hoạt động: %(consequence)s") % {"consequence": not_queued})
    return False
