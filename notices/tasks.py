"""Letter work in Celery workers. Tasks take ids, call one service, use acks_late and are
idempotent: a rerun after a crash completes the work and repeats nothing (a released letter
is never re-rendered, an e-mail is claimed before it is sent)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence

from celery import group, shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)

# Worth a retry: the network, the mail gateway, a busy or restarting database.
TRANSIENT = (ConnectionError, TimeoutError, OSError, OperationalError)
# Letters rendered by one task, in one child process: big enough to amortise the fork, small
# enough to spread a batch over the workers (cares/program/demo/bench_letters.py measures it).
CHUNK_SIZE = 10


@shared_task(name="notices.draft_letter", acks_late=True, autoretry_for=TRANSIENT,
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def letter_draft_task(episode_id: int, kind: str) -> int | None:
    """Task arguments are checked like form input (anyone who can reach the broker can
    queue a task): ``episode_id`` an integer naming an episode, ``kind`` a ``LetterKind``.
    Otherwise, or when the service refuses, nothing is drafted and a warning names the
    problem, never the values (no PHI in logs)."""
    from members.models import Episode
    from notices.models import LetterKind
    from notices.services import LetterError, letter_draft

    problems = []
    if type(episode_id) is not int:
        problems.append("episode id is not an integer")
    if not isinstance(kind, str) or kind not in LetterKind.values:
        problems.append("kind is not a letter kind")
    episode = None
    if not problems:
        episode = Episode.objects.select_related("member").filter(pk=episode_id).first()
        if episode is None:
            problems.append("no such episode")
    if problems:
        logger.warning("notices.draft_letter refused: %s", "; ".join(problems))
        return None
    try:
        return letter_draft(episode=episode, kind=kind).pk
    except LetterError as exc:
        logger.warning("notices.draft_letter refused for episode %s: %d reason(s)",
                       episode_id, len(exc.messages))
        return None


@shared_task(name="notices.render_letters", acks_late=True, autoretry_for=TRANSIENT,
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def letters_render_task(letter_ids: list[int]) -> dict:
    from cares.base.pdf import PDFRenderError
    from notices.services import letter_render_failed, letters_render

    try:
        return letters_render(letter_ids)
    except PDFRenderError as exc:
        for letter_id in letter_ids:
            letter_render_failed(letter_id, str(exc))
        raise


def render_in_chunks(letter_ids: Sequence[int], chunk_size: int = CHUNK_SIZE):
    """Spread rendering over the workers: a Celery group of chunks of letters."""
    ids = list(letter_ids)
    chunks = [ids[i:i + chunk_size] for i in range(0, len(ids), chunk_size)]
    return group(letters_render_task.s(chunk) for chunk in chunks).apply_async()


@shared_task(name="notices.dispatch_letter", acks_late=True, autoretry_for=TRANSIENT,
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def letter_dispatch_task(letter_id: int) -> dict:
    from notices.services import letter_dispatch

    return letter_dispatch(letter_id=letter_id)


# acks_late + reject_on_worker_lost: a worker killed mid-send leaves the message to be
# redelivered; the send's claim rolled back with its connection (tests/notices/test_worker_fault).
@shared_task(bind=True, name="notices.email_letter", acks_late=True,
             reject_on_worker_lost=True, max_retries=5)
def letter_email_task(self, delivery_id: int) -> bool:
    from notices.delivery import letter_email_failed, letter_email_send

    try:
        return letter_email_send(delivery_id=delivery_id)
    except (smtplib.SMTPException, *TRANSIENT) as exc:
        if self.request.retries >= self.max_retries:
            letter_email_failed(delivery_id, f"{type(exc).__name__}: {exc}")
            logger.warning("letter e-mail %s failed after %s tries", delivery_id,
                           self.request.retries + 1)
            return False
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc


@shared_task(name="notices.draft_missing_letters", acks_late=True, autoretry_for=TRANSIENT,
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def draft_missing_letters_task() -> dict:
    from notices.services import draft_missing_letters

    counts = draft_missing_letters()
    logger.info("draft_missing_letters: %s", counts)
    return counts


@shared_task(name="notices.mailing_batch", acks_late=True, autoretry_for=TRANSIENT,
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def mailing_batch_task(actor_id: int | None = None) -> int | None:
    from django.contrib.auth import get_user_model

    from notices.delivery import mailing_batch_create

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    batch = mailing_batch_create(actor=actor)
    return batch.pk if batch else None
