"""The program's around-the-clock checks (issue 17), each a ``ProgramCheck`` like the staff
composition checks (``cares.base.staff.qualifications``): shown on the program dashboard and
sent in the daily digest to the program director and senior care managers.

One list, one order: a dedicated on-call number is on file and the line covers every minute
of the next 30 days (PS VI.B.1.b); a senior medical professional is available every business
day (PS IV.A.2); each active care coordinator had individual supervision in each of the last
4 weeks (PS IV.B.2.b.5)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from cares.base.staff.qualifications import ProgramCheck
from members.coverage.availability import availability_check
from members.coverage.line import on_call_number_check
from members.coverage.roster import on_call_check
from members.coverage.supervision import supervision_check


def coverage_checks(now: datetime | None = None) -> list[ProgramCheck]:
    """Every around-the-clock check as of ``now`` (default: this minute)."""
    now = now or timezone.now()
    found = [on_call_number_check(), on_call_check(now), availability_check(now),
             supervision_check(now)]
    return [check for check in found if check is not None]
