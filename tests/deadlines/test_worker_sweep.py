"""In the PostgreSQL + Redis leg, a real Celery worker runs the nightly sweep."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cares.celery import app as celery_app
from cares.deadlines.computations import forget
from cares.deadlines.models import Deadline
from cares.deadlines.tasks import refresh_deadlines_task
from tests.factories import enrolled_member, make_staff

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
                    reason="runs in the PostgreSQL + Redis leg (the worker shares the test "
                           "database, which SQLite's in-memory test database cannot)")
def test_real_worker_runs_the_sweep(tmp_path):
    assert connection.vendor == "postgresql"
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator)
    Deadline.objects.all().delete()
    forget(member_ids=[member.pk])  # changed outside the services: marked for the next sweep
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
           "DATABASE_URL": url, "PYTHONPATH": str(BASE_DIR), "PYTHONUNBUFFERED": "1"}
    # Tasks an earlier run queued and no worker took would reach this worker first.
    celery_app.control.purge()
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cares", "worker", "--pool=solo",
             "--concurrency=1", "-l", "info", "-n", f"sweep-{uuid.uuid4().hex[:8]}@%h",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            totals = refresh_deadlines_task.delay().get(timeout=90)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    assert totals["created"] >= 3, log_path.read_text()
    assert Deadline.objects.filter(member=member).count() >= 3
