"""The outcome of the last `manage.py backup`, for /health/ and the admin home.

A backup runs in its own container (`docker compose run --rm backup`), often at night from cron,
whose log nobody reads: a failing backup must show where people look. Each run writes one small
JSON file, `.backup-status.json`, in MEDIA_ROOT: the one folder the web and backup containers
share. It is a file rather than a table so that a run that failed because the database was
unreachable is recorded too; a dot-file, so no backup ever contains it (backup.media_files).
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from django.conf import settings

STATUS_FILE = ".backup-status.json"
OK, DAMAGED, FAILED = "ok", "damaged", "failed"
# Derived states: no run recorded while backups are expected, or the last good one is too old.
MISSING, STALE = "missing", "stale"


def _path() -> Path:
    return Path(settings.MEDIA_ROOT) / STATUS_FILE


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def read() -> dict | None:
    try:
        return json.loads(_path().read_text())
    except (OSError, ValueError):
        return None


def record(*, status: str, started_at: datetime.datetime, archive: str = "", size: int = 0, damaged: int = 0,
           message: str = "") -> None:
    """Write the outcome of a run (replacing the previous one; the last success is carried on)."""
    previous = read() or {}
    finished = _now().isoformat(timespec="seconds")
    entry = {
        "status": status,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": finished,
        "archive": archive,
        "size": size,
        "damaged": damaged,
        "message": message[:2000],
        # The last run that wrote a whole backup: a damaged one is written too, but not whole.
        "last_success_at": finished if status == OK else previous.get("last_success_at", ""),
    }
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{STATUS_FILE}.{os.getpid()}")
    temporary.write_text(json.dumps(entry, ensure_ascii=False, indent=1))
    os.replace(temporary, path)


def _parse(moment) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return None


def _hours_since(moment: str, now: datetime.datetime) -> float | None:
    parsed = _parse(moment)
    return None if parsed is None else round((now - parsed).total_seconds() / 3600, 1)


def summary(now: datetime.datetime | None = None) -> dict | None:
    """The state of backups: None when none was ever run and none is expected (no
    BACKUP_MAX_AGE_HOURS: a development machine); else a dict whose `status` is ok, damaged,
    failed, stale (the last whole backup is older than BACKUP_MAX_AGE_HOURS) or missing."""
    now = now or _now()
    max_age = settings.BACKUP_MAX_AGE_HOURS
    last = read()
    if last is None:
        return {"status": MISSING, "max_age_hours": max_age} if max_age else None
    result = {
        "status": last.get("status", FAILED),
        "finished_at": last.get("finished_at", ""),
        "age_hours": _hours_since(last.get("finished_at"), now),
        "archive": last.get("archive", ""),
        "damaged": last.get("damaged", 0),
        "message": last.get("message", ""),
        "last_success_at": last.get("last_success_at", ""),
        "last_success_age_hours": _hours_since(last.get("last_success_at"), now),
        # For pages (shown in the reader's time zone); the JSON keeps the ISO strings.
        "finished": _parse(last.get("finished_at")),
        "last_success": _parse(last.get("last_success_at")),
    }
    if result["status"] == OK and max_age and (result["age_hours"] is None or result["age_hours"] > max_age):
        result["status"] = STALE
    return result
