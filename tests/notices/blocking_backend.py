"""An e-mail backend for the worker fault test (tests/notices/test_worker_fault.py): each
message is written to a folder (the "mail gateway" the test counts). With
``CARES_TEST_BLOCK_SEND=1`` it first announces that it is mid-send (a signal file) and then
blocks, as a slow gateway would, so the test can kill the worker at that moment."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class BlockingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        outbox = Path(os.environ["CARES_TEST_OUTBOX"])
        if os.environ.get("CARES_TEST_BLOCK_SEND") == "1":
            (outbox.parent / "mid-send").write_text(str(os.getpid()))
            release = outbox.parent / "release"
            deadline = time.monotonic() + 120
            while not release.exists():  # killed here by the test
                if time.monotonic() > deadline:
                    raise TimeoutError("the fault test never killed this worker")
                time.sleep(0.05)
        for message in email_messages:
            (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
