"""Nightly and daily deadline work. Tasks take ids or nothing, call one service, are
idempotent (a rerun after a crash completes the work and repeats nothing) and use acks_late."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)

TRANSIENT = (ConnectionError, TimeoutError, OSError)


@shared_task(name="cares.refresh_deadlines", acks_late=True, autoretry_for=TRANSIENT,
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def refresh_deadlines_task() -> dict:
    from cares.deadlines.services import refresh_deadlines

    totals = refresh_deadlines()
    logger.info("refresh_deadlines task: %s", totals)
    return totals


@shared_task(name="cares.send_reminders", acks_late=True, autoretry_for=TRANSIENT,
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_reminders_task() -> dict:
    from cares.deadlines.reminders import send_reminders

    result = send_reminders()
    logger.info("send_reminders task: %s", result)
    return result
