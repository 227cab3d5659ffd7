"""gunicorn's configuration: `gunicorn -c python:recordsportal.gunicorn_conf …` (docker-compose.yml
and the Dockerfile's default command).

gunicorn writes its own lines ("Starting gunicorn", "Booting worker", a worker timeout, a worker
killed) through the loggers `gunicorn.error` and `gunicorn.access`, with plain-text handlers of its
own; the portal's LOGGING only takes effect inside a worker, once Django starts. Here gunicorn's
loggers get the portal's handler and formatter, so with LOG_FORMAT=json every line on stderr, the
master's included, is one JSON object (tests/recordsportal/test_logging.py runs gunicorn to check).

Importing the settings module only reads environment variables; it does not start Django.
"""

from recordsportal.settings import LOGGING

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
