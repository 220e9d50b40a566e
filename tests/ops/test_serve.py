"""Issue 19, serving: gunicorn serves the sign-in page and static files; PDF work has a queue
of its own, with time limits inside the Redis visibility timeout; the loopback-only trial is
honoured on loopback and refused anywhere else."""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]

# --- gunicorn ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served_database(django_db_setup, django_db_blocker, tmp_path) -> str:
    """A DATABASE_URL for gunicorn: the migrated test database (PostgreSQL), or a file copy of
    it (SQLite's test database lives in this process's memory)."""
    with django_db_blocker.unblock():
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            target = tmp_path / "served.sqlite3"
            copy = sqlite3.connect(target)
            connection.connection.backup(copy)
            copy.close()
            return f"sqlite:///{target}"
        db = connection.settings_dict
        password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
        return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}")


def _get(url: str, timeout: float = 5):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (http://127.0.0.1)
        return response.status, dict(response.headers), response.read().decode()


def _wait_for_page(url: str, server: subprocess.Popen, log: Path, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited ({server.returncode})\n{log.read_text()}")
        try:
            return _get(url)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer within {timeout} s\n{log.read_text()}")


@pytest.mark.worker
def test_gunicorn_serves_the_sign_in_page_and_static_files(served_database, tmp_path):
    port = _free_port()
    keep = {k: v for k, v in os.environ.items()
            if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "BIND", "HOST", "PORT",
                         "CARES_LOOPBACK_TRIAL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env = {**keep, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": served_database,
           "CARES_VAR_DIR": str(tmp_path / "var"), "ALLOWED_HOSTS": "127.0.0.1",
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "PYTHONPATH": str(BASE_DIR), "PYTHONUNBUFFERED": "1"}
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput",
                                "-v", "0"], cwd=BASE_DIR, env=env, capture_output=True,
                               text=True, timeout=120)
    assert collected.returncode == 0, collected.stderr
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        started = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:cares.gunicorn_conf",
             "cares.wsgi"], cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            status, headers, page = _wait_for_page(
                f"http://127.0.0.1:{port}/accounts/login/", server, log, timeout=90)
            ready = time.monotonic() - started
            css = re.search(r'href="(/static/css/[^"]+\.css)"', page)
            css_status, css_headers, _css = _get(f"http://127.0.0.1:{port}{css.group(1)}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    output = log.read_text()
    assert status == 200, output
    assert re.search(r'<form[^>]*method="post"', page) and 'name="username"' in page
    assert 'name="password"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "Content-Security-Policy" in headers
    assert css_status == 200 and "text/css" in css_headers["Content-Type"]  # whitenoise
    assert f"Listening at: http://127.0.0.1:{port}" in output
    assert output.count("Booting worker") == 2  # WEB_CONCURRENCY
    assert "Shutting down: Master" in output  # a clean stop on SIGTERM
    print(f"gunicorn answered the sign-in page {ready:.1f} s after it was started")


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    from cares import gunicorn_conf

    for name in ("BIND", "HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    conf = importlib.reload(gunicorn_conf)
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.workers == min(2 * (os.cpu_count() or 1) + 1, 8)
    assert conf.timeout == 45 and conf.graceful_timeout == 30
    assert conf.max_requests == 1000 and conf.max_requests_jitter == 100
    assert conf.accesslog is None and conf.errorlog == "-"
    monkeypatch.setenv("HOST", "::1")
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "1")
    conf = importlib.reload(gunicorn_conf)
    assert conf.bind == ["[::1]:9000"] and conf.workers == 3 and conf.accesslog == "-"
    monkeypatch.setenv("BIND", "unix:/run/cares/web.sock, 127.0.0.1:8001")
    assert importlib.reload(gunicorn_conf).bind == ["unix:/run/cares/web.sock",
                                                    "127.0.0.1:8001"]


def test_gunicorn_refuses_a_trial_bound_beyond_loopback(monkeypatch):
    """``--bind`` on the command line is checked too (gunicorn's final addresses)."""
    from cares import gunicorn_conf

    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "EMAIL_URL",
                 "CARES_MAIL_GATEWAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CARES_LOOPBACK_TRIAL", "1")
    gunicorn_conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(bind=["127.0.0.1:8000"])))
    with pytest.raises(ImproperlyConfigured, match="web bind 0.0.0.0:8000"):
        gunicorn_conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(bind=["0.0.0.0:8000"])))
    monkeypatch.delenv("CARES_LOOPBACK_TRIAL")
    gunicorn_conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(bind=["0.0.0.0:8000"])))


# --- Queues and time limits --------------------------------------------------------------------

PDF_TASKS = ["notices.render_letters", "notices.dispatch_letter", "notices.mailing_batch",
             "quality.make_record_packet"]
DEFAULT_TASKS = ["cares.refresh_deadlines", "cares.send_reminders", "notices.email_letter",
                 "notices.draft_letter", "notices.draft_missing_letters", "cares.ping",
                 "cares.heartbeat"]


def _registered_app():
    import cares.program.quality.tasks  # noqa: F401 (autodiscovered by workers)
    from cares.celery import app

    app.loader.import_default_modules()
    return app


def test_pdf_work_has_a_queue_of_its_own_and_reminders_never_wait_behind_it():
    app = _registered_app()
    for name in PDF_TASKS + DEFAULT_TASKS:
        assert name in app.tasks, f"{name} is routed by name but no longer exists"
    route = app.amqp.router.route
    assert {name: route({}, name)["queue"].name for name in PDF_TASKS} == dict.fromkeys(
        PDF_TASKS, "pdf")
    assert {name: route({}, name)["queue"].name for name in DEFAULT_TASKS} == dict.fromkeys(
        DEFAULT_TASKS, "celery")
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "celery"


def test_time_limits_cover_the_pdf_limits_and_fit_inside_the_visibility_timeout():
    from cares.program.quality.packets import build
    from notices import queue

    app = _registered_app()
    pdf = settings.CARES_PDF_TIMEOUT_SECONDS
    render = app.tasks["notices.render_letters"]
    assert render.soft_time_limit >= queue.CHUNK_SIZE * pdf  # every letter of a chunk
    assert render.time_limit > render.soft_time_limit
    assert app.tasks["notices.dispatch_letter"].soft_time_limit > pdf
    packet = app.tasks["quality.make_record_packet"]
    assert packet.soft_time_limit > build.RENDER_TIMEOUT_SECONDS
    assert packet.time_limit < build.STALE_AFTER.total_seconds()  # a live claim is kept
    # A message is held for at most its task's hard limit plus the longest retry countdown.
    longest_countdown = max(app.tasks[name].retry_backoff_max for name in PDF_TASKS)
    assert longest_countdown == 600
    for name in PDF_TASKS + DEFAULT_TASKS:
        task = app.tasks[name]
        assert task.acks_late and task.soft_time_limit < task.time_limit
        assert task.time_limit + longest_countdown < settings.CARES_VISIBILITY_TIMEOUT, name
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


_DUMP = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({"trial": s.LOOPBACK_TRIAL, "redirect": s.SECURE_SSL_REDIRECT,
                  "secure_cookies": s.SESSION_COOKIE_SECURE, "debug": s.DEBUG,
                  "transport": s.CELERY_BROKER_TRANSPORT_OPTIONS}))
"""


def _settings(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                          "DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "BIND", "HOST",
                          "PORT", "EMAIL_URL", "CARES_MAIL_GATEWAY", "CARES_ENV",
                          "CARES_LOOPBACK_TRIAL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run([sys.executable, "-c", _DUMP], cwd=BASE_DIR, capture_output=True,
                          text=True, timeout=120,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "cares.settings",
                               "CARES_VAR_DIR": str(tmp_path), **env})


def test_redis_gets_the_visibility_timeout(tmp_path):
    proc = _settings(tmp_path, DEBUG="1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert proc.returncode == 0, proc.stderr
    transport = json.loads(proc.stdout.splitlines()[-1])["transport"]
    assert transport == {"visibility_timeout": settings.CARES_VISIBILITY_TIMEOUT}


# --- The loopback-only trial -------------------------------------------------------------------

TRIAL_ENV = {
    "CARES_ENV": "production",
    "CARES_LOOPBACK_TRIAL": "1",
    "SECRET_KEY": "a-trial-key-that-is-long-enough-for-the-deploy-check-0123456789",
    "DATABASE_URL": "postgres://cares@127.0.0.1:5432/cares",
    "CELERY_BROKER_URL": "redis://localhost:6379/0",
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "HOST": "127.0.0.1",
    "PORT": "8000",
}


@pytest.mark.parametrize("override", [
    {},
    {"BIND": "127.0.0.1:8000,[::1]:8000,unix:/tmp/cares.sock"},
    {"HOST": "localhost", "EMAIL_URL": "smtp://127.0.0.1:1025",
     "CARES_MAIL_GATEWAY": "smtp://localhost:1025", "CELERY_RESULT_BACKEND": "redis://[::1]/1"},
    {"DATABASE_URL": "postgres://cares@/cares"},  # a Unix socket
])
def test_the_trial_runs_production_without_tls_on_loopback(tmp_path, override):
    proc = _settings(tmp_path, **{**TRIAL_ENV, **override})
    assert proc.returncode == 0, proc.stderr
    dumped = json.loads(proc.stdout.splitlines()[-1])
    assert dumped["trial"] is True and dumped["redirect"] is False
    # Only TLS and the redirect are relaxed: DEBUG stays off, cookies stay Secure.
    assert dumped["debug"] is False and dumped["secure_cookies"] is True
    assert "CARES_LOOPBACK_TRIAL=1: a loopback-only trial" in proc.stderr


@pytest.mark.parametrize(("override", "named"), [
    ({"HOST": "0.0.0.0"}, "web bind 0.0.0.0:8000"),  # noqa: S104
    ({"BIND": "127.0.0.1:8000,10.1.2.3:8000"}, "web bind 10.1.2.3:8000"),
    ({"BIND": "[::]:8000"}, "web bind [::]:8000"),
    ({"DATABASE_URL": "postgres://cares@db.example.org:5432/cares"}, "DATABASE_URL"),
    ({"CELERY_BROKER_URL": "redis://10.0.0.7:6379/0"}, "CELERY_BROKER_URL"),
    ({"CELERY_RESULT_BACKEND": "redis://redis.example.org:6379/1"}, "CELERY_RESULT_BACKEND"),
    ({"EMAIL_URL": "smtp://mail.example.org:25"}, "EMAIL_URL"),
    ({"CARES_MAIL_GATEWAY": "smtp://gateway.example.org:25"}, "CARES_MAIL_GATEWAY"),
])
def test_the_trial_is_refused_unless_everything_is_on_loopback(tmp_path, override, named):
    proc = _settings(tmp_path, **{**TRIAL_ENV, **override})
    assert proc.returncode != 0
    assert "CARES_LOOPBACK_TRIAL=1 is honoured only when everything is on this machine" in (
        proc.stderr)
    assert f"not on loopback: {named}" in proc.stderr
    assert "example.org:25" not in proc.stderr.split("not on loopback")[1]  # names, not URLs


@pytest.mark.parametrize(("override", "message"), [
    ({"CARES_LOOPBACK_TRIAL": ""}, "TLS to PostgreSQL"),  # without it, TLS is required
    ({"DEBUG": "1"}, "DEBUG must be off"),
    ({"DATABASE_URL": "sqlite:///trial.sqlite3"}, "PostgreSQL"),
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
])
def test_the_trial_relaxes_nothing_else(tmp_path, override, message):
    proc = _settings(tmp_path, **{**TRIAL_ENV, **override})
    assert proc.returncode != 0
    assert message in proc.stderr


def test_the_trial_means_nothing_outside_production(tmp_path):
    proc = _settings(tmp_path, DEBUG="1", CARES_LOOPBACK_TRIAL="1",
                     HOST="0.0.0.0")  # noqa: S104
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["trial"] is False


# --- The Procfiles and `make serve` ------------------------------------------------------------


def _procfile(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line and not line.startswith("#"))


def test_the_production_profile_runs_one_beat_and_a_worker_per_queue():
    processes = _procfile(BASE_DIR / "cares" / "deploy" / "Procfile.production")
    assert sorted(processes) == ["beat", "pdf", "web", "worker"]  # exactly one beat
    assert "gunicorn --config python:cares.gunicorn_conf cares.wsgi" in processes["web"]
    assert "--pool=prefork" in processes["worker"] and "--queues=celery " in processes["worker"]
    assert "${CELERY_CONCURRENCY:-2}" in processes["worker"]
    assert "--queues=pdf " in processes["pdf"] and "--prefetch-multiplier=1" in processes["pdf"]
    # `make run`: one worker on the filesystem broker takes both queues.
    assert "--queues=celery,pdf" in _procfile(BASE_DIR / "Procfile")["worker"]


@pytest.mark.parametrize("missing", ["DATABASE_URL", "CELERY_BROKER_URL"])
def test_make_serve_says_what_is_missing(missing):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    env.update({"DATABASE_URL": "postgres://cares@127.0.0.1/cares",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0", "SECRET_KEY": "x" * 50,
                "ALLOWED_HOSTS": "localhost"})
    env.pop(missing)
    proc = subprocess.run(["make", "-o", "install", "-o", "system-deps", "serve"],
                          cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert f"make serve: {missing} is not set" in proc.stderr
