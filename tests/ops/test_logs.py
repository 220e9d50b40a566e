"""Structured logs (issue 19): one JSON object per line, one line per request and per task,
with the request id and the task id, never member identifiers."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import signals

from cares.base.logfilters import RedactSecrets
from cares.base.ops.logs import JsonFormatter
from cares.base.ops.tasks import heartbeat
from tests.factories import sign_in

BASE_DIR = Path(__file__).resolve().parent.parent.parent
MASSHEALTH_ID = "100200300400"


@pytest.fixture
def json_lines():
    """The JSON lines the production console handler would write (same formatter, same
    redact filter), as a function returning the parsed objects so far."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()], stream
    finally:
        root.removeHandler(handler)


def _lines(json_lines, logger: str) -> list[dict]:
    read, _ = json_lines
    return [line for line in read() if line["logger"] == logger]


@pytest.mark.django_db
def test_one_json_line_per_request_without_member_identifiers(client, coordinator, json_lines):
    sign_in(client, coordinator.user)
    response = client.get(f"/members/?q={MASSHEALTH_ID}")
    assert response.status_code == 200
    missing = client.get(f"/members/{MASSHEALTH_ID}/")
    assert missing.status_code == 404

    first, second = _lines(json_lines, "cares.request")[-2:]
    assert first["request_id"] == response["X-Request-ID"]
    assert second["request_id"] == missing["X-Request-ID"] != first["request_id"]
    assert first["method"] == "GET" and first["path"] == "/members/"
    assert first["status"] == 200 and isinstance(first["duration_ms"], int | float)
    assert first["user_id"] == coordinator.user.pk
    assert second["path"] == "/members/[redacted]/" and second["status"] == 404
    assert {"time", "level", "message", "task_id"} <= set(first)
    # The 404 warning Django logs inside the request carries the same request id.
    warnings = _lines(json_lines, "django.request")
    assert warnings and warnings[-1]["request_id"] == missing["X-Request-ID"]
    _, stream = json_lines
    assert MASSHEALTH_ID not in stream.getvalue()


@pytest.mark.django_db
def test_anonymous_request_line_has_no_user(client, json_lines):
    client.get("/accounts/login/")
    line = _lines(json_lines, "cares.request")[-1]
    assert line["user_id"] is None and line["status"] == 200


def test_a_sane_incoming_request_id_is_kept_anything_else_replaced(client):
    kept = client.get("/health/live", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c21-0001"
    for bad in ("<script>alert(1)</script>", "x", MASSHEALTH_ID, "a" * 300):
        replaced = client.get("/health/live", HTTP_X_REQUEST_ID=bad)
        assert replaced["X-Request-ID"] != bad
        assert len(replaced["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_one_line_per_task_with_its_id(json_lines):
    assert heartbeat.apply(task_id="test-task-0001").successful()
    line = _lines(json_lines, "cares.task")[-1]
    assert line["task_id"] == "test-task-0001"
    assert line["task_name"] == "cares.heartbeat"
    assert line["state"] == "SUCCESS"
    assert line["duration_ms"] >= 0
    assert line["request_id"] is None


def test_every_line_inside_a_task_carries_the_task_id(json_lines):
    class Task:
        name = "cares.example"

    signals.task_prerun.send(sender=Task, task_id="test-task-0002", task=Task, args=(),
                             kwargs={})
    logging.getLogger("notices.example").warning("while the task runs")
    signals.task_postrun.send(sender=Task, task_id="test-task-0002", task=Task, args=(),
                              kwargs={}, retval=None, state="FAILURE")
    logging.getLogger("notices.example").warning("after the task")
    inside, finished, after = [
        line for line in json_lines[0]() if line["logger"] in ("notices.example", "cares.task")]
    assert inside["task_id"] == finished["task_id"] == "test-task-0002"
    assert finished["state"] == "FAILURE"
    assert after["task_id"] is None


def test_extras_that_could_hold_phi_are_left_out(json_lines):
    class Request:
        def __str__(self):
            return f"<WSGIRequest: GET '/members/?q={MASSHEALTH_ID}'>"

    logging.getLogger("django.request").warning(
        "Not Found: %s", f"/members/{MASSHEALTH_ID}/", extra={
            "request": Request(), "status_code": 404,
            "data": {"args": [MASSHEALTH_ID]}, "name_of_child": "Ada"})
    read, stream = json_lines
    line = read()[-1]
    assert line["message"] == "Not Found: /members/[redacted]/"
    assert line["status_code"] == 404
    assert not {"request", "data", "name_of_child"} & set(line)
    assert MASSHEALTH_ID not in stream.getvalue()


def test_exceptions_are_one_json_line(json_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("cares.example").exception("failed")
    read, stream = json_lines
    assert len(stream.getvalue().strip().splitlines()) == 1
    assert "ValueError: boom" in read()[-1]["exception"]


def test_log_format_json_configures_the_console(tmp_path):
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('cares.example').warning('hello %s', 'there')")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "HOME": str(tmp_path), "DEBUG": "1", "CARES_VAR_DIR": str(tmp_path / "var"),
           "DJANGO_SETTINGS_MODULE": "cares.settings", "CARES_LOG_FORMAT": "json"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = json.loads(proc.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there"
    assert line["level"] == "WARNING" and line["logger"] == "cares.example"
    assert line["request_id"] is None and line["task_id"] is None
    assert line["time"].endswith("Z")
