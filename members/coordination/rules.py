"""Pure rules of care coordination, over plain values: the referral status pipeline (CLR), its
mapping to FHIR R4 Task status, the follow-up's due date (PS VI.D.2.b; the deadline rule book
``cares.deadlines.rules`` reads it from here) and the stale and likely-duplicate flags."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from members.coordination.models import ClosureReason, ReferralStatus

S = ReferralStatus

# Allowed moves (django-oscar's pipeline pattern); anything else is refused. A declined
# referral stays open until the loop is closed (usually "provider declined").
REFERRAL_PIPELINE: dict[str, tuple[str, ...]] = {
    S.PENDING: (S.ACCEPTED, S.DECLINED, S.CLOSED),
    S.ACCEPTED: (S.CLOSED,),
    S.DECLINED: (S.CLOSED,),
    S.CLOSED: (),
}

EXCEPTION_BEYOND_DAYS = 30  # PS VI.D.2.c: scheduled more than 30 days after the referral
STALE_AFTER = relativedelta(months=1)  # CLR: every referral status is updated at least monthly
FOLLOW_UP_WITHIN = timedelta(days=30)  # PS VI.D.2.b: 30 days from the scheduled service date


def can_move(current: str, new: str) -> bool:
    return new in REFERRAL_PIPELINE[current]


# --- FHIR R4 Task status (HL7 SDOH Clinical Care, "Gravity", TaskForReferralManagement) -----------

FHIR_TASK_STATUSES = ("requested", "accepted", "rejected", "in-progress", "on-hold", "failed",
                      "completed", "cancelled")

# The CLR closure reason -> Task.status of the closed referral.
CLOSURE_TASK_STATUS: dict[str, str] = {
    ClosureReason.SERVICES_RECEIVED: "completed",  # the task has been completed
    ClosureReason.MEMBER_DECLINED: "cancelled",  # the task was not completed
    ClosureReason.UNABLE_TO_REACH: "failed",  # attempted but not successful
    ClosureReason.PROVIDER_DECLINED: "rejected",  # the performer decided not to execute it
    ClosureReason.INELIGIBLE: "rejected",  # refused by the performer before any action
    ClosureReason.OTHER: "cancelled",
}


def fhir_task_status(status: str, closure_reason: str = "", *,
                     services_started: bool = False) -> str:
    """The FHIR R4 ``Task.status`` of a referral, for an export that needs no guesswork.

    pending -> ``requested`` (ready to be acted upon); accepted -> ``accepted`` (agreed, not
    yet started) or ``in-progress`` once a follow-up found services received but the loop is
    still open; declined -> ``rejected``; closed -> by closure reason (``CLOSURE_TASK_STATUS``).
    ``on-hold`` (started, then paused) has no CLR status and is never produced.
    """
    if status == S.PENDING:
        return "requested"
    if status == S.ACCEPTED:
        return "in-progress" if services_started else "accepted"
    if status == S.DECLINED:
        return "rejected"
    return CLOSURE_TASK_STATUS.get(closure_reason, "cancelled")


# --- Flags ----------------------------------------------------------------------------------------

def is_stale(status: str, last_change: date, on: date) -> bool:
    """An open referral whose status has not changed for a month (CLR)."""
    return status != S.CLOSED and on >= last_change + STALE_AFTER


def referral_follow_up_due(scheduled: date) -> date:
    """PS VI.D.2.b: the follow-up is due no later than 30 days after the scheduled date."""
    return scheduled + FOLLOW_UP_WITHIN


def follow_up_due(scheduled_on: date | None) -> date | None:
    """The follow-up's due date, from the one rule book (PS VI.D.2.b)."""
    return referral_follow_up_due(scheduled_on) if scheduled_on else None


def scheduled_beyond_30(referred_on: date, scheduled_on: date | None) -> bool:
    """PS VI.D.2.c applies: the service is set more than 30 days after the referral."""
    return scheduled_on is not None and (scheduled_on - referred_on).days > EXCEPTION_BEYOND_DAYS


def service_key(service: str) -> str:
    """Two referrals are for the same service when their names match ignoring case, spacing
    and punctuation."""
    return re.sub(r"[\W_]+", " ", service or "").casefold().strip()


def likely_duplicates(referrals: Iterable) -> dict[int, int]:
    """{referral id: id of the earlier open referral} for every open referral that is the
    second (or later) open referral of the same member for the same service (CLR FAQ,
    scenario 2: both are kept, and the second is shown as a likely duplicate)."""
    first: dict[tuple[int, str], int] = {}
    found: dict[int, int] = {}
    for r in sorted(referrals, key=lambda r: (r.referred_on, r.pk)):
        if r.status == S.CLOSED:
            continue
        key = (r.member_id, service_key(r.service))
        if key in first:
            found[r.pk] = first[key]
        else:
            first[key] = r.pk
    return found
