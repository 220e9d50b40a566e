"""Letter work is queued by task name (notices.queue), so the services never import the tasks
that call them; the names are the ones django-celery-beat stores and never change."""

from __future__ import annotations

import pytest
from celery import current_app
from django.db import transaction

from notices import queue, tasks

# As stored in the beat schedule and in queued messages: renaming one strands them.
NAMES = {"notices.draft_letter", "notices.render_letters", "notices.dispatch_letter",
         "notices.email_letter", "notices.draft_missing_letters", "notices.mailing_batch"}


def test_every_letter_task_is_registered_under_its_stored_name():
    assert {name for name in current_app.tasks if name.startswith("notices.")} == NAMES
    assert {queue.DRAFT_LETTER, queue.RENDER_LETTERS, queue.DISPATCH_LETTER,
            queue.EMAIL_LETTER, queue.DRAFT_MISSING_LETTERS, queue.MAILING_BATCH} == NAMES
    assert queue.registered(queue.DRAFT_LETTER) is tasks.letter_draft_task._get_current_object()


def test_the_retry_policy_is_the_toolkits():
    render = queue.registered(queue.RENDER_LETTERS)
    assert render.acks_late and render.max_retries == 5 and render.retry_backoff
    email = queue.registered(queue.EMAIL_LETTER)
    assert email.acks_late and email.reject_on_worker_lost and not email.autoretry_for


@pytest.mark.django_db(transaction=True)
def test_later_queues_once_the_transaction_commits(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.letter_dispatch_task, "delay", lambda *args: sent.append(args))
    with transaction.atomic():
        queue.later(queue.DISPATCH_LETTER, 7)
        assert sent == []
    assert sent == [(7,)]
    with pytest.raises(RuntimeError), transaction.atomic():
        queue.later(queue.DISPATCH_LETTER, 8)
        raise RuntimeError
    assert sent == [(7,)]
