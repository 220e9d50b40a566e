"""Letter work queued for the Celery workers once the transaction commits.

The tasks (``notices.tasks``) call the services; the services queue tasks. So that the import
arrow points one way (tasks import services, never the reverse), a service names the task it
queues and ``later`` finds it in the Celery app's registry when the transaction commits.
``NoticesConfig.ready`` imports ``notices.tasks``, so every process (web, worker, beat, tests)
has them registered.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import current_app, group
from django.db import transaction

# The task names. django-celery-beat stores them in its schedule rows: never rename one.
DRAFT_LETTER = "notices.draft_letter"
RENDER_LETTERS = "notices.render_letters"
DISPATCH_LETTER = "notices.dispatch_letter"
EMAIL_LETTER = "notices.email_letter"
DRAFT_MISSING_LETTERS = "notices.draft_missing_letters"
MAILING_BATCH = "notices.mailing_batch"

# Letters rendered by one task, in one child process: big enough to amortise the fork, small
# enough to spread a batch over the workers (cares/program/demo/bench_letters.py measures it).
CHUNK_SIZE = 10


def registered(name: str):
    """The task called ``name`` (a ``KeyError`` if ``notices.tasks`` was never imported)."""
    return current_app.tasks[name]


def later(name: str, *args) -> None:
    """Queue task ``name`` with ``args`` once the current transaction commits (at once outside
    a transaction), so a worker never looks for a row that was rolled back."""
    transaction.on_commit(lambda: registered(name).delay(*args))


def render_in_chunks(letter_ids: Sequence[int], chunk_size: int = CHUNK_SIZE):
    """Spread rendering over the workers: a Celery group of chunks of letters."""
    ids = list(letter_ids)
    chunks = [ids[i:i + chunk_size] for i in range(0, len(ids), chunk_size)]
    render = registered(RENDER_LETTERS)
    return group(render.s(chunk) for chunk in chunks).apply_async()
