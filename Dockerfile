# One image for web, worker and beat (docker-compose.yml picks the command).
# An exact Python release on Debian bookworm, not a floating tag: the same base every build
# (README, "Reproducible builds"; a digest could not be checked where this file was written).
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango; fonts with full Vietnamese coverage; gettext for compilemessages;
# postgresql-client (bookworm's 15, as the postgres:15 service) for `manage.py backup` and `restore`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-core fonts-liberation2 gettext poppler-utils postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, from the lock file: exact versions, each file checked against its SHA-256
# (pip refuses anything else), the build backend included. This layer changes only with the lock.
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --require-hashes -r requirements/lock.txt

# The code. .dockerignore keeps .env, backups/, media/, databases and .venv out of the build
# context, so no secret and no backup archive ends up in an image layer.
COPY . .
# The portal itself, without resolving anything again: its dependencies are the locked ones.
RUN pip install --no-deps --no-build-isolation .

# collectstatic needs settings but no database; the key below exists only during the build.
RUN SECRET_KEY=build-only-key python manage.py collectstatic --no-input \
 && useradd --create-home --uid 10001 portal \
 && mkdir -p /data/media /data/edxml/inbox /data/edxml/outbox && chown -R portal /data

USER portal
ENV MEDIA_ROOT=/data/media STATIC_ROOT=/app/staticfiles
EXPOSE 8000
CMD ["gunicorn", "recordsportal.wsgi:application", "--config", "python:recordsportal.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "180"]
