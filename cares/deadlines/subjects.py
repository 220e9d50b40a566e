"""A staff member's deadlines, for the stored rows (``services``) and the report (``report``)."""

from __future__ import annotations

from datetime import date

from cares.base.staff.models import StaffProfile
from cares.deadlines.facts import consult_facts, staff_facts
from cares.deadlines.rules import Deadline, compute_consults, compute_staff


def staff_deadlines(profile: StaffProfile, as_of: date) -> list[Deadline]:
    """A staff member's deadlines: training (PS V) and, for a senior medical professional,
    the answers to consultation requests (PS IV.A.2). ``profile`` comes from
    ``staff_with_records``."""
    return [*compute_staff(staff_facts(profile), as_of),
            *compute_consults(consult_facts(profile), as_of)]
