"""In the PostgreSQL + Redis leg, a real Celery worker renders letters: one letter through
the render task, and a batch spread as a Celery group of chunks."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from pypdf import PdfReader

from cares.celery import app as celery_app
from notices.models import Letter
from notices.tasks import letters_render_task, render_in_chunks
from tests.factories import letter_ready_member, make_staff

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
                    reason="runs in the PostgreSQL + Redis leg (the worker shares the test "
                           "database, which SQLite's in-memory test database cannot)")
def test_a_real_worker_renders_letters(tmp_path):
    assert connection.vendor == "postgresql"
    private = tmp_path / "private"  # the worker's private storage (worker_settings)
    private.mkdir()
    coordinator = make_staff("care_coordinator", phone="617-555-0142")
    members = [letter_ready_member(coordinator) for _ in range(3)]
    # Drafts made directly, so no render task is queued before the ones under test.
    letters = [Letter.objects.create(member=m, episode=m.episodes.get(), kind="enrollment")
               for m in members]
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.notices.worker_settings",
           "CARES_TEST_PRIVATE_DIR": str(private), "DATABASE_URL": url,
           "PYTHONPATH": str(BASE_DIR), "PYTHONUNBUFFERED": "1"}
    # Tasks an earlier run queued and no worker took would reach this worker first.
    celery_app.control.purge()
    with celery_app.connection_for_write() as conn:  # and the pdf queue (CELERY_TASK_ROUTES)
        conn.default_channel.queue_purge("pdf")
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        # Prefork, as in production: each worker process warms WeasyPrint when it starts.
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cares", "worker", "--pool=prefork",
             "--concurrency=2", "-Q", "celery,pdf", "-l", "info",
             "-n", f"letters-{uuid.uuid4().hex[:8]}@%h",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            one = letters_render_task.delay([letters[0].pk]).get(timeout=120)
            chunks = render_in_chunks([letters[1].pk, letters[2].pk], chunk_size=1)
            results = chunks.get(timeout=120)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    output = log_path.read_text()
    assert one == {"rendered": 1}, output
    assert results == [{"rendered": 1}, {"rendered": 1}], output
    assert "fonts are subset with HarfBuzz" in output
    for letter, member in zip(letters, members, strict=True):
        letter = Letter.objects.get(pk=letter.pk)
        data = (private / letter.document.file.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == letter.document.sha256
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        flat = "".join(text.split())  # pypdf may split a kerned pair ("T aylor")
        assert "".join(member.legal_last_name.split()) in flat
        assert "Your designated care manager is" in text
