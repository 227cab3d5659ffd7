from celery import shared_task


@shared_task(name="recordsportal.ping")
def ping() -> str:
    """Answers "pong": lets operations (and the integration tests) see that a worker is consuming."""
    return "pong"
