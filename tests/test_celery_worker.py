"""A real Celery worker round trip on the broker the settings chose.

With ``CELERY_BROKER_URL`` unset the broker is kombu's filesystem transport and results go to
``file://`` folders; the worker and this process are then pointed at a private temporary
directory (``CARES_VAR_DIR`` for the worker, ``app.conf`` here) so the test never shares var/
with a ``make run`` worker. With ``CELERY_BROKER_URL=redis://...`` both sides use Redis.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from cares.celery import app, ping

BASE_DIR = Path(__file__).resolve().parent.parent


def _expected_transport() -> str:
    """The kombu transport the environment asks for: filesystem unless CELERY_BROKER_URL says."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        return "filesystem"
    return urlsplit(url).scheme.split("+")[0]


def _reset_app_connections() -> None:
    """Drop the app's cached broker pool and result backend so new configuration is used."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app._backend_cache = None
    vars(app._local).pop("backend", None)


@contextlib.contextmanager
def _filesystem_broker_in(var_dir: Path) -> Iterator[dict[str, str]]:
    """Point this process at the broker and result folders settings derive from ``var_dir``.

    Yields the environment a worker needs to see the same folders (the layout is the one in
    cares/settings: var/broker/{queue,processed} and var/celery-results).
    """
    queue = var_dir / "broker" / "queue"
    processed = var_dir / "broker" / "processed"
    control = var_dir / "broker" / "control"
    results = var_dir / "celery-results"
    for folder in (queue, processed, control, results):
        folder.mkdir(parents=True, exist_ok=True)
    results_url = f"file://{results}"
    new = {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "control_folder": str(control),
            "store_processed": False,
        },
        "result_backend": results_url,
    }
    saved = {key: app.conf[key] for key in new}
    app.conf.update(new)
    _reset_app_connections()
    try:
        yield {"CARES_VAR_DIR": str(var_dir), "CELERY_RESULT_BACKEND": results_url}
    finally:
        pool = app._pool
        if pool is not None:
            pool.force_close_all()
        app.conf.update(saved)
        _reset_app_connections()


def _worker_log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else "(no worker output)"


def test_app_uses_the_broker_the_environment_names():
    expected = _expected_transport()
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    with app.connection_for_write() as conn:
        assert conn.transport.driver_type == expected
    if expected == "redis":
        assert app.conf.broker_url == os.environ["CELERY_BROKER_URL"]
        assert type(app.backend).__name__ == "RedisBackend"
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=3)
    elif expected == "filesystem":
        assert app.conf.broker_url.startswith("filesystem://")
        assert app.conf.result_backend.startswith("file://")


@pytest.mark.worker
def test_real_worker_answers_ping(tmp_path):
    worker_env = {
        **os.environ,
        # The settings this test run uses (tests.settings), whatever the ini file says.
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        # The worker runs in tmp_path (kombu's filesystem transport writes its exchange
        # tables to ./control unless told otherwise), so the project must be importable.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }

    with contextlib.ExitStack() as stack:
        if _expected_transport() == "filesystem":
            worker_env.update(stack.enter_context(_filesystem_broker_in(tmp_path / "var")))

        log_path = tmp_path / "worker.log"
        log = stack.enter_context(log_path.open("w"))
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cares",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-l",
                "info",
                "-n",
                f"pytest-{uuid.uuid4().hex[:8]}@%h",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=tmp_path,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            result = ping.delay()
            try:
                answer = result.get(timeout=60)
            except Exception as exc:
                pytest.fail(f"no answer from the worker ({exc!r}):\n{_worker_log(log_path)}")
            assert answer == "pong"

            # Warm shutdown: the worker finishes and exits on its own.
            worker.send_signal(signal.SIGTERM)
            try:
                code = worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pytest.fail(f"worker ignored SIGTERM:\n{_worker_log(log_path)}")
            assert code == 0, _worker_log(log_path)
            output = _worker_log(log_path)
            assert "ready." in output
            assert "Task cares.ping[" in output
            assert "Traceback" not in output, output
        finally:
            if worker.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
