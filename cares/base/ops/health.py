"""Readiness: is every part the program needs answering? The database, the broker, the result
backend, the private document store (writable), a worker (it answers a ping) and beat (its
heartbeat is fresh).

Each check either returns or raises; the answer per check is only "ok" or "failing". What went
wrong (the exception's class and text) goes to the log, never into the HTTP answer.

Time is bounded: the checks that talk over the network or to the disk run in daemon threads
that all share one deadline (``CARES_HEALTH_CHECK_TIMEOUT_SECONDS``, 2 s by default); a check
that has not answered by then (plus half a second to collect the answers) is failing, and its
thread is left to finish on its own. The worker ping waits for answers half that time (a
polling transport such as the embedded filesystem broker takes up to a second more). The two
database checks run in the request's own thread (its connection, its transaction) and are
bounded by the database's connect timeout.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from cares.base.ops.models import Heartbeat
from cares.base.ops.tasks import BEAT

logger = logging.getLogger("cares.health")

OK = "ok"
FAILING = "failing"
# The order of the answer's "checks".
CHECKS = ("database", "broker", "result_backend", "storage", "worker", "beat")
PROBE_TASK_ID = "cares-health-probe"
GRACE_SECONDS = 0.5


class Stale(Exception):
    """Beat's heartbeat is missing or older than CARES_HEARTBEAT_MAX_AGE_SECONDS."""


def timeout_seconds() -> float:
    return float(getattr(settings, "CARES_HEALTH_CHECK_TIMEOUT_SECONDS", 2))


def heartbeat_max_age() -> timedelta:
    return timedelta(seconds=getattr(settings, "CARES_HEARTBEAT_MAX_AGE_SECONDS", 300))


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_beat() -> None:
    beat_at = Heartbeat.objects.filter(name=BEAT).values_list("beat_at", flat=True).first()
    if beat_at is None:
        raise Stale("no heartbeat recorded yet")
    age = timezone.now() - beat_at
    if age > heartbeat_max_age():
        raise Stale(f"last heartbeat {age.total_seconds():.0f} s ago")


def check_broker(app, timeout: float) -> None:
    with app.connection_for_write(connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                               interval_max=0, timeout=timeout)


def check_result_backend(backend) -> None:
    client = getattr(backend, "client", None)
    if callable(getattr(client, "ping", None)):  # Redis
        client.ping()
    else:  # any other backend: a read of a result that never exists
        backend.get_task_meta(PROBE_TASK_ID)


def check_storage(storage) -> None:
    name = storage.save(f"health-probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    storage.delete(name)


def check_worker(app, timeout: float) -> None:
    if not app.control.ping(timeout=timeout):
        raise RuntimeError(f"no worker answered a ping within {timeout:g} s")


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _run_inline(check: Callable[[], None]) -> str | None:
    """None when ``check`` passed, else what went wrong (for the log)."""
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - any failure means "failing"
        return _describe(exc)
    return None


class _Probe(threading.Thread):
    def __init__(self, name: str, check: Callable[[], None]):
        super().__init__(name=f"health-{name}", daemon=True)
        self.check = check
        self.problem: str | None = None

    def run(self) -> None:
        self.problem = _run_inline(self.check)


def run_checks(app) -> dict[str, str]:
    """Every check's answer, "ok" or "failing", in the order of CHECKS. ``app`` is the
    program's Celery app (the caller's: a thread of its own would see Celery's default app)."""
    limit = timeout_seconds()
    backend, storage = app.backend, storages["private"]
    probes = [
        _Probe("broker", lambda: check_broker(app, limit)),
        _Probe("result_backend", lambda: check_result_backend(backend)),
        _Probe("storage", lambda: check_storage(storage)),
        _Probe("worker", lambda: check_worker(app, limit / 2)),
    ]
    deadline = time.monotonic() + limit + GRACE_SECONDS
    for probe in probes:
        probe.start()
    problems = {"database": _run_inline(check_database)}
    problems["beat"] = (_run_inline(check_beat) if problems["database"] is None
                        else "database failing")
    for probe in probes:
        probe.join(max(0.0, deadline - time.monotonic()))
        problems[probe.name.removeprefix("health-")] = (
            f"no answer within {limit:g} s" if probe.is_alive() else probe.problem)
    for name in CHECKS:
        if problems[name] is not None:
            logger.warning("health check %s failing: %s", name, problems[name],
                           extra={"check": name})
    return {name: OK if problems[name] is None else FAILING for name in CHECKS}
