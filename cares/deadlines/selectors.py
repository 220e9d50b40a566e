"""Reads of stored deadlines for pages (one query each)."""

from __future__ import annotations

from cares.deadlines.models import Deadline

ORDER = {"overdue": 0, "open": 1, "late": 2, "met": 3, "excepted": 4}


def member_deadline_rows(member) -> list[Deadline]:
    """The member's stored deadlines: overdue and open first (by due date), then the rest."""
    rows = list(Deadline.objects.filter(member=member))
    return sorted(rows, key=lambda d: (ORDER.get(d.status, 9), d.due))
