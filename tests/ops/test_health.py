"""Health endpoints for load balancers (issue 19): liveness answers without the database;
readiness checks the database, broker, result backend, document store, a worker and beat's
heartbeat, and tells an anonymous caller only "ok" or "failing" per check.

The broker and result backend are the real ones the settings chose (filesystem in the SQLite
leg, Redis when CELERY_BROKER_URL names it). No worker runs during these tests, so the worker
ping is replaced where a test needs everything up; an unreachable broker is a closed port
(never the shared Redis stopped)."""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cares.base.ops import health
from cares.base.ops.models import Heartbeat
from cares.base.ops.tasks import heartbeat
from cares.celery import app as celery_app

pytestmark = pytest.mark.django_db

CHECKS = ["database", "broker", "result_backend", "storage", "worker", "beat"]


@pytest.fixture
def worker_answers(monkeypatch):
    monkeypatch.setattr(health, "check_worker", lambda app, timeout: None)


@pytest.fixture
def fresh_heartbeat():
    return Heartbeat.objects.create(name="beat", beat_at=timezone.now())


@pytest.fixture
def closed_port_broker(monkeypatch):
    """The broker URL pointed at a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})


def _answer(response) -> dict:
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_liveness_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert _answer(response) == {"status": "ok"}
    assert client.get("/healthz").content == b"ok"  # the old probe still answers


def test_ready_when_everything_is_up(client, worker_answers, fresh_heartbeat):
    response = client.get("/health/ready")
    assert response.status_code == 200, response.content
    assert _answer(response) == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}


def test_storage_probe_leaves_no_file(client, worker_answers, fresh_heartbeat):
    from django.core.files.storage import storages

    storage = storages["private"]
    before = storage.listdir("")
    assert client.get("/health/ready").status_code == 200
    assert storage.listdir("") == before


def test_unhealthy_when_the_broker_is_unreachable(client, worker_answers, fresh_heartbeat,
                                                  closed_port_broker, caplog):
    started = time.monotonic()
    response = client.get("/health/ready")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    answer = _answer(response)
    assert answer["status"] == "unhealthy"
    assert answer["checks"]["broker"] == "failing"
    assert answer["checks"]["database"] == "ok"
    # The details are in the log, not in the answer.
    assert any("health check broker failing" in r.getMessage() for r in caplog.records)


def test_unhealthy_when_beat_heartbeat_is_stale(client, worker_answers, settings):
    settings.CARES_HEARTBEAT_MAX_AGE_SECONDS = 300
    Heartbeat.objects.create(name="beat", beat_at=timezone.now() - timedelta(minutes=6))
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert _answer(response)["checks"] == {**dict.fromkeys(CHECKS, "ok"), "beat": "failing"}


def test_unhealthy_before_beat_ever_ran(client, worker_answers):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert _answer(response)["checks"]["beat"] == "failing"


def test_unhealthy_when_no_worker_answers(client, fresh_heartbeat):
    response = client.get("/health/ready")  # no worker runs in the test suite
    assert response.status_code == 503
    assert _answer(response)["checks"]["worker"] == "failing"


def test_a_hanging_check_is_cut_off(client, worker_answers, fresh_heartbeat, monkeypatch,
                                    settings):
    settings.CARES_HEALTH_CHECK_TIMEOUT_SECONDS = 0.5
    monkeypatch.setattr(health, "check_broker", lambda app, timeout: time.sleep(10))
    started = time.monotonic()
    response = client.get("/health/ready")
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert _answer(response)["checks"]["broker"] == "failing"


def test_anonymous_answer_has_no_versions_or_exception_text(
        client, fresh_heartbeat, closed_port_broker, monkeypatch):
    def worker_fails(app, timeout):
        raise RuntimeError("Error 111 connecting to 127.0.0.1 secret-host celery 5.7")

    monkeypatch.setattr(health, "check_worker", worker_fails)
    response = client.get("/health/ready")
    answer = _answer(response)
    assert set(answer) == {"status", "checks"}
    assert list(answer["checks"]) == CHECKS
    assert set(answer["checks"].values()) <= {"ok", "failing"}
    body = response.content.decode()
    for leak in ("Error", "111", "127.0.0.1", "secret-host", "celery", "5.7", "redis",
                 "Traceback"):
        assert leak not in body
    assert "Server" not in response.headers or "/" not in response["Server"]


def test_health_paths_are_not_redirected_to_https(client, settings, fresh_heartbeat):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else is


def test_heartbeat_task_writes_one_row_and_is_idempotent():
    first = heartbeat.apply()
    assert first.successful(), first.traceback
    beat_at = Heartbeat.objects.get(name="beat").beat_at
    assert heartbeat.apply().successful()
    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get(name="beat").beat_at >= beat_at
    assert timezone.now() - beat_at < timedelta(minutes=1)


def test_beat_schedule_runs_the_heartbeat_every_minute():
    task = PeriodicTask.objects.get(task="cares.heartbeat")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (60, "seconds")
    assert task.expire_seconds == 60
    assert "cares.heartbeat" in celery_app.tasks
