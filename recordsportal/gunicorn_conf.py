"""gunicorn's configuration: `gunicorn -c python:recordsportal.gunicorn_conf …` (docker-compose.yml
and the Dockerfile's default command).

gunicorn writes its own lines ("Starting gunicorn", "Booting worker", a worker timeout, a worker
killed) through the loggers `gunicorn.error` and `gunicorn.access`, with plain-text handlers of its
own; the portal's LOGGING only takes effect inside a worker, once Django starts. Here gunicorn's
loggers get the portal's handler and formatter, so with LOG_FORMAT=json every line on stderr, the
master's included, is one JSON object (tests/recordsportal/test_logging.py runs gunicorn to check).

Importing the settings module only reads environment variables; it does not start Django.

Each worker's garbage collector is tuned once the portal is loaded (`post_worker_init`): Python's
cyclic collector ran a collection every 700 new container objects and, every so often, a full
collection walking every object of the process — the hundreds of thousands that Django, the
portal's modules and the URLconf leave alive from start to end. A register page for a head reads
thousands of ids (one tuple each) and paid 4-8 ms of its ~40 ms of CPU in collections
(docs/benchmarks.md, "CPU per page: the collector"). `gc.freeze()` moves the objects alive after
start-up out of the collector's sight (they live as long as the worker anyway) and a collection
runs every `GC_THRESHOLD` new objects: garbage made of reference cycles is still collected, a
little later. Reference counting, which frees nearly everything a request made, is untouched.
"""

import gc

from recordsportal.settings import LOGGING

# The youngest generation's threshold (Python's default: 700); the older two keep theirs.
GC_THRESHOLD = 10_000

logconfig_dict = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        # gunicorn switches its access log on whenever logconfig_dict is set; its INFO lines are
        # dropped here because recordsportal.requests already logs each request once, with the
        # request id and the user (recordsportal/request_log.py).
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}


def post_worker_init(worker):
    """In each worker, after it has loaded the portal: the URLconf (and so every view module)
    imported, then everything alive frozen out of the collector's walks (see the docstring)."""
    from django.urls import get_resolver

    try:
        len(get_resolver().url_patterns)
    except Exception:  # noqa: BLE001 - the first request reports a broken URLconf, as before
        pass
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
