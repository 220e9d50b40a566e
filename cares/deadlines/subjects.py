"""A staff member's deadlines, for the stored rows (``services``) and the report (``report``)."""

from __future__ import annotations

from datetime import date

from cares.base.staff.models import StaffProfile
from cares.deadlines.facts import consult_facts, staff_facts
from cares.deadlines.rules import Deadline, compute_consults, compute_staff


def staff_deadlines(profile: StaffProfile, as_of: date) -> list[Deadline]:
    """A staff member's deadlines. ``profile`` comes from ``staff_with_records``."""
    return deadlines_from_facts(staff_facts(profile), consult_facts(profile), as_of)


def deadlines_from_facts(training, consults, as_of: date) -> list[Deadline]:
    """A staff member's deadlines from their facts (one record's or ``staff_facts_in_bulk``'s):
    training (PS V) and, for a senior medical professional, the answers to consultation
    requests (PS IV.A.2)."""
    return [*compute_staff(training, as_of), *compute_consults(consults, as_of)]
