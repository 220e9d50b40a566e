"""Structured logs for a log shipper: one JSON object per line (``CARES_LOG_FORMAT=json``, the
default in production), every line with the request id or the Celery task id it belongs to;
one line per request and one per task.

Never PHI: a request line has the method, the path without its query string and with secret
segments and MassHealth IDs redacted (cares.base.logfilters.redact), the status, the duration
and the signed-in user's id, nothing else. A task line has the task's name, id, state and
duration, never its arguments. Extra fields other code attaches to a record are copied only
when they are numbers, or text under a name listed in TEXT_FIELDS (Django's ``request`` extra
would print the query string; Celery's ``data`` extra holds task arguments).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from celery import signals
from django.conf import settings
from django.core.signals import request_finished as finished

from cares.base.logfilters import redact

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cares_request_id", default=None)
task_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cares_task_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming request id is kept when it is a plain token (a proxy's UUID or hex id).
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{7,127}")
HEALTH_PATHS = ("/health/", "/healthz")

request_logger = logging.getLogger("cares.request")
task_logger = logging.getLogger("cares.task")

_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName"}
TEXT_FIELDS = frozenset({"method", "path", "task_name", "state", "check"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    task_id, then the allowed extra fields, then the exception's traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
            "task_id": task_id_var.get(),
        }
        for key, value in vars(record).items():
            if key in _RECORD_FIELDS or key in entry or key.startswith("_"):
                continue
            if value is None or isinstance(value, bool | int | float) or (
                    isinstance(value, str) and key in TEXT_FIELDS):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def incoming_request_id(value: str | None) -> str:
    """The caller's request id when it is a sane token (and no MassHealth ID), else a new one."""
    if value and _SANE_REQUEST_ID.fullmatch(value) and redact(value) == value:
        return value
    return uuid.uuid4().hex


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)  # the lazy user: NoStoreMiddleware resolved it
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    """Gives every request an id (the caller's ``X-Request-ID`` if sane, else a new UUID),
    keeps it in a context variable for every log line of the request, returns it in the
    response's ``X-Request-ID`` and logs one line per request. Health probes are logged at
    DEBUG (a load balancer asks every few seconds).

    The id is forgotten when the response is closed (``request_finished``), not when this
    middleware returns: Django logs a 4xx ("Not Found: ...") after every middleware ran."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        request_id_var.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        self.log(request, response.status_code, started)
        return response

    @staticmethod
    def log(request, status: int, started: float) -> None:
        path = redact(request.path)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        level = logging.DEBUG if path.startswith(HEALTH_PATHS) else logging.INFO
        request_logger.log(
            level, "%s %s %s %sms", request.method, path, status, duration_ms,
            extra={"method": request.method, "path": path, "status": status,
                   "duration_ms": duration_ms, "user_id": _user_id(request)})


def request_finished(**kwargs) -> None:
    """The response was sent: later lines of this thread belong to no request."""
    request_id_var.set(None)


# --- Celery -------------------------------------------------------------------------------

_running: dict[str, tuple[contextvars.Token, float]] = {}


def task_started(task_id=None, task=None, **kwargs) -> None:
    """task_prerun: every log line inside the task carries its id."""
    if task_id:
        _running[task_id] = (task_id_var.set(task_id), time.monotonic())


def task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    """task_postrun: one line per task (name, id, state, duration), then forget the id."""
    token, started = _running.pop(task_id, (None, None))
    if started is None:
        return
    duration_ms = round((time.monotonic() - started) * 1000, 1)
    name = getattr(task, "name", "?")
    task_logger.info("%s %s %sms", name, state, duration_ms, extra={
        "task_name": name, "state": state or "", "duration_ms": duration_ms})
    try:
        task_id_var.reset(token)
    except ValueError:  # finished in another context than it started in
        task_id_var.set(None)


def keep_django_logging(**kwargs) -> None:
    """setup_logging: with a receiver connected Celery leaves the logging configuration alone,
    so worker and beat write the same JSON lines as the web processes."""


def connect_signals() -> None:
    finished.connect(request_finished, dispatch_uid="cares.ops.request_finished")
    signals.task_prerun.connect(task_started, dispatch_uid="cares.ops.task_started")
    signals.task_postrun.connect(task_finished, dispatch_uid="cares.ops.task_finished")
    if getattr(settings, "CARES_LOG_FORMAT", "plain") == "json":
        signals.setup_logging.connect(keep_django_logging, dispatch_uid="cares.ops.logging")
