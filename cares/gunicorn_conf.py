"""gunicorn's configuration (``gunicorn -c python:cares.gunicorn_conf cares.wsgi``), read from
the environment:

- ``BIND`` (comma-separated, e.g. ``127.0.0.1:8000`` or ``unix:/run/cares/web.sock``), else
  ``HOST``:``PORT`` (default 127.0.0.1:8000: put a TLS proxy or load balancer in front).
- ``WEB_CONCURRENCY``: worker processes (default 2 x CPUs + 1, at most 8).
- ``GUNICORN_THREADS``: threads per worker (default 1: sync workers; more: gthread).
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is killed and replaced
  (default 60); ``GUNICORN_GRACEFUL_TIMEOUT``: seconds to finish requests on a restart or stop
  (default 30); ``GUNICORN_KEEPALIVE`` (default 5).
- ``GUNICORN_MAX_REQUESTS`` / ``GUNICORN_MAX_REQUESTS_JITTER``: a worker is replaced after
  about that many requests (default 1000, jitter 100), so slow leaks never grow; 0 turns it off.
- ``GUNICORN_ACCESS_LOG=1``: gunicorn's own access log on stdout (off by default: Django logs
  each request). The error log is always on stderr; ``GUNICORN_LOG_LEVEL`` (default info).
"""

from __future__ import annotations

import os
from pathlib import Path

from cares.deploy.loopback import asked, off_loopback, refuse_off_loopback, web_binds

_env = os.environ
_cpus = os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    value = _env.get(name, "").strip()
    return int(value) if value else default


bind = web_binds(_env)
workers = _int("WEB_CONCURRENCY", min(2 * _cpus + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
accesslog = "-" if _env.get("GUNICORN_ACCESS_LOG", "").lower() in ("1", "true", "yes") else None
errorlog = "-"
loglevel = _env.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "cares-web"
# Workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice).
if Path("/dev/shm").is_dir():  # noqa: S108 (gunicorn's own heartbeat files, not data)
    worker_tmp_dir = "/dev/shm"  # noqa: S108


def on_starting(server):
    """The loopback trial again, on gunicorn's final addresses (``--bind`` included)."""
    if asked(_env):
        refuse_off_loopback(off_loopback(_env, binds=server.cfg.bind))
