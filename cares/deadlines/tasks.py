"""Nightly and daily deadline work. Tasks take ids or nothing, call one service and are
idempotent (a rerun after a crash completes the work and repeats nothing); the program's
delivery and retry policy is ``cares.base.toolkit.task``'s."""

from __future__ import annotations

import logging

from cares.base.toolkit import task
from cares.deadlines.reminders import send_reminders
from cares.deadlines.services import nightly_sweep

logger = logging.getLogger(__name__)


@task("cares.refresh_deadlines")
def refresh_deadlines_task() -> dict:
    """The nightly sweep (``services.nightly_sweep``): recomputes only what can have changed."""
    totals = nightly_sweep()
    logger.info("refresh_deadlines task: %s", totals)
    return totals


@task("cares.send_reminders")
def send_reminders_task() -> dict:
    result = send_reminders()
    logger.info("send_reminders task: %s", result)
    return result
