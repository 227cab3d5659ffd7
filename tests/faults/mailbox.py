"""An e-mail backend for the fault tests, loaded by a real Celery worker through EMAIL_BACKEND:
each message the "mail server" accepts is one file in TEST_MAILBOX_DIR (written whole, then
renamed, so a file is a delivered message and nothing else). With TEST_MAILBOX_BLOCK_AT=n the n-th
message of the process blocks before it is accepted: the file `blocked-<pid>` says the worker is
in the middle of a send, and it waits there until the test kills it."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_seen = {"n": 0}


class BlockingMailbox(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["TEST_MAILBOX_DIR"])
        block_at = int(os.environ.get("TEST_MAILBOX_BLOCK_AT", "0"))
        sent = 0
        for message in email_messages:
            _seen["n"] += 1
            if _seen["n"] == block_at:
                (directory / f"blocked-{os.getpid()}").write_text(message.extra_headers.get("Message-ID", ""))
                while True:  # the connection hangs: only a kill ends it
                    time.sleep(1)
            name = uuid.uuid4().hex
            (directory / f".{name}.tmp").write_bytes(message.message().as_bytes())
            os.rename(directory / f".{name}.tmp", directory / f"{name}.eml")
            sent += 1
        return sent


def delivered(directory: Path) -> list:
    """The messages the mailbox accepted, parsed."""
    from email import message_from_bytes

    return [message_from_bytes(path.read_bytes()) for path in sorted(directory.glob("*.eml"))]
