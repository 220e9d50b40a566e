"""Letter work in Celery workers. Tasks take ids, call one service and are idempotent: a rerun
after a crash completes the work and repeats nothing (a released letter is never re-rendered,
an e-mail is claimed before it is sent). The retry policy is ``cares.base.toolkit.task``'s;
the services queue these tasks by name (``notices.queue``), so only this module imports
both."""

from __future__ import annotations

import logging
import smtplib

from cares.base.pdf import PDFRenderError
from cares.base.staff.models import User
from cares.base.toolkit import TRANSIENT, Refusal, task
from members.models import Episode
from notices import queue
from notices.delivery import letter_email_failed, letter_email_send, mailing_batch_create
from notices.models import LetterKind
from notices.queue import CHUNK_SIZE as CHUNK_SIZE  # re-exported (cares.program.demo)
from notices.queue import render_in_chunks as render_in_chunks  # re-exported (ditto)
from notices.services import (
    draft_missing_letters,
    letter_dispatch,
    letter_draft,
    letter_render_failed,
    letters_render,
)

logger = logging.getLogger(__name__)


@task(queue.DRAFT_LETTER)
def letter_draft_task(episode_id: int, kind: str) -> int | None:
    """Task arguments are checked like form input (anyone who can reach the broker can
    queue a task): ``episode_id`` an integer naming an episode, ``kind`` a ``LetterKind``.
    Otherwise, or when the service refuses, nothing is drafted and a warning names the
    problem, never the values (no PHI in logs)."""
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
    except Refusal as exc:
        logger.warning("notices.draft_letter refused for episode %s: %d reason(s)",
                       episode_id, len(exc.messages))
        return None


@task(queue.RENDER_LETTERS)
def letters_render_task(letter_ids: list[int]) -> dict:
    try:
        return letters_render(letter_ids)
    except PDFRenderError as exc:
        for letter_id in letter_ids:
            letter_render_failed(letter_id, str(exc))
        raise


@task(queue.DISPATCH_LETTER)
def letter_dispatch_task(letter_id: int) -> dict:
    return letter_dispatch(letter_id=letter_id)


# reject_on_worker_lost: a worker killed mid-send leaves the message to be redelivered; the
# send's claim rolled back with its connection (tests/notices/test_worker_fault). Retried by
# hand, not automatically: after the last try the copy is marked failed for a person to see.
@task(queue.EMAIL_LETTER, bind=True, reject_on_worker_lost=True, autoretry_for=())
def letter_email_task(self, delivery_id: int) -> bool:
    try:
        return letter_email_send(delivery_id=delivery_id)
    except (smtplib.SMTPException, *TRANSIENT) as exc:
        if self.request.retries >= self.max_retries:
            letter_email_failed(delivery_id, f"{type(exc).__name__}: {exc}")
            logger.warning("letter e-mail %s failed after %s tries", delivery_id,
                           self.request.retries + 1)
            return False
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc


@task(queue.DRAFT_MISSING_LETTERS)
def draft_missing_letters_task() -> dict:
    counts = draft_missing_letters()
    logger.info("draft_missing_letters: %s", counts)
    return counts


@task(queue.MAILING_BATCH)
def mailing_batch_task(actor_id: int | None = None) -> int | None:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    batch = mailing_batch_create(actor=actor)
    return batch.pk if batch else None
