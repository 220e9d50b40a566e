"""Issue 13, proven with real workers on Redis: ``kill -9`` the worker while it sends a
letter e-mail; after redelivery (a second worker) exactly one e-mail went out and the
delivery is marked sent once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cares.base.audit.models import Action, AuditEvent
from notices import services
from notices.models import Channel, DeliveryStatus, Letter, LetterDelivery
from notices.tasks import letter_email_task
from tests.factories import letter_ready_member, make_staff

BASE_DIR = Path(__file__).resolve().parents[2]


def _wait_for(check, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{log.read_text()}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
                    reason="runs in the PostgreSQL + Redis leg (real workers share the test "
                           "database and redeliver through Redis)")
def test_a_worker_killed_mid_send_leaves_exactly_one_email(tmp_path, monkeypatch):
    assert connection.vendor == "postgresql"
    # Nothing the setup does reaches the broker: only the task under test is published.
    from notices import tasks

    for task in (tasks.letter_draft_task, tasks.letters_render_task,
                 tasks.letter_dispatch_task, tasks.letter_email_task):
        monkeypatch.setattr(task, "delay", lambda *args: None)
    coordinator = make_staff("care_coordinator", phone="617-555-0142")
    member = letter_ready_member(coordinator)
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    services.letters_render([letter.pk])
    services.letter_release(letter=Letter.objects.get(pk=letter.pk))
    services.letter_dispatch(letter_id=letter.pk)  # the final PDF
    delivery = LetterDelivery.objects.get(letter=letter, channel=Channel.EMAIL)

    outbox = tmp_path / "outbox"
    outbox.mkdir()
    queue = f"fault-{uuid.uuid4().hex[:8]}"  # this test's messages only
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.notices.fault_worker_settings",
           "CARES_TEST_PRIVATE_DIR": settings.STORAGES["private"]["OPTIONS"]["location"],
           "CARES_TEST_OUTBOX": str(outbox), "DATABASE_URL": url,
           "PYTHONPATH": str(BASE_DIR), "PYTHONUNBUFFERED": "1"}

    def start(name: str, block: bool, log: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cares", "worker", "--pool=solo",
             "-Q", queue, "-l", "info", "-n", f"{name}-{uuid.uuid4().hex[:8]}@%h",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=tmp_path, env={**env, "CARES_TEST_BLOCK_SEND": "1" if block else "0"},
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)

    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start("first", True, first_log)
    second = None
    try:
        letter_email_task.apply_async(args=[delivery.pk], queue=queue)
        _wait_for(lambda: (tmp_path / "mid-send").exists(), 90, "the first worker to be "
                  "mid-send", first_log)
        # Claimed, but only inside the sending transaction: the row still reads pending.
        assert LetterDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING
        os.killpg(first.pid, signal.SIGKILL)  # kill -9, mid-send
        first.wait(timeout=30)
        assert list(outbox.iterdir()) == []  # nothing left
        second = start("second", False, second_log)
        _wait_for(lambda: LetterDelivery.objects.get(pk=delivery.pk).status
                  == DeliveryStatus.SENT, 90, "the redelivered task to send", second_log)
        time.sleep(3)  # a duplicate redelivery, if any, would send within this
    finally:
        (tmp_path / "release").write_text("")
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
    log = second_log.read_text()
    assert len(list(outbox.iterdir())) == 1, log
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.history.filter(status=DeliveryStatus.SENT).count() == 1
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="notices.LetterDelivery",
                                     object_id=str(delivery.pk)).count() == 1
    assert "succeeded" in log and "True" in log
