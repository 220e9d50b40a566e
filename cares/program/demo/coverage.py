"""Around-the-clock records of the demo program (issue 17): the 24/7 number, an on-call
roster with one visible gap, the senior medical professional's consultation hours, weekly
supervision, a medical training session and a past leave covered by a backup. Fictional.

Everything goes through the members/coverage services (the same checks as the pages), as the
demo staff at work; the one exception is said where it is made. Safe to run again: each part
is skipped when its records exist (supervision: per coordinator and week), so a second run on
the same day creates nothing. Members, episodes and deadlines are not touched."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cares.base.calendar import is_business_day
from cares.base.staff.models import Program, Role, StaffProfile
from cares.program.demo.accounts import DEMO_DOMAIN
from members.coverage.availability import hours_add
from members.coverage.backup import coverage_add, leave_add
from members.coverage.models import (
    AvailabilityHours,
    LeaveReason,
    MedicalTrainingSession,
    OnCallShift,
    StaffLeave,
    Supervision,
    Weekday,
)
from members.coverage.roster import LONGEST_SHIFT, shift_add, utc
from members.coverage.supervision import (
    active_coordinators,
    medical_training_record,
    supervision_record,
    weeks_before,
)

ON_CALL_PHONE = "(617) 555-0199"
# Who takes calls, in the order of the weekly rotation (DEMO_STAFF keys); each week's backup
# is the next one in the rotation. The roster's first week is the week of the demo leave
# (``leave_span``), so the colleague on leave comes last: not on call nor backup while away.
ROTATION = ("scm.rn", "coordinator2", "scm.sw", "coordinator")
SUPERVISORS = ("scm.rn", "scm.sw")
ON_LEAVE, COVERING = "coordinator", "coordinator2"
MEDICAL = "medical"
HANDOVER = time(8)  # shifts change on Monday at 08:00, America/New_York
SUPERVISION_WEEKS = 6


@dataclass
class Seeded:
    """What one run created (all zero on a second run the same day)."""

    on_call_phone: bool = False
    shifts: int = 0
    hours: int = 0
    supervisions: int = 0
    trainings: int = 0
    leaves: int = 0
    coverages: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.on_call_phone or self.shifts or self.hours or self.supervisions
                    or self.trainings or self.leaves or self.coverages)

    def words(self) -> str:
        if not self.anything:
            return "Around the clock: nothing new (already seeded)."
        return (f"Around the clock: {self.shifts} on-call shifts, {self.hours} consultation-hour "
                f"blocks, {self.supervisions} supervision sessions, {self.trainings} medical "
                f"training, {self.leaves} past leave with {self.coverages} backup coverage "
                f"created now" + ("; on-call number " + ON_CALL_PHONE if self.on_call_phone
                                  else "") + ".")


def local(day: date, at: time) -> datetime:
    """``day`` at ``at`` in the program's time zone (aware; DST handled by the zone)."""
    return timezone.make_aware(datetime.combine(day, at))


def _staff(*keys: str) -> dict[str, StaffProfile]:
    found = StaffProfile.objects.filter(key__in=keys, active=True).select_related("user")
    return {p.key: p for p in found}


def _actor(key: str):
    profile = _staff(key).get(key)
    return profile.user if profile else None


def leave_span(today: date) -> tuple[datetime, datetime]:
    """The demo vacation: Monday 08:00 to Friday 18:00 of the week two weeks back (about
    20 to 14 days ago), so it has ended and gives nobody access now."""
    monday = weeks_before(today, 2)[0].monday
    return local(monday, HANDOVER), local(monday + timedelta(days=4), time(18))


# --- The 24/7 line ------------------------------------------------------------------------------

def gap_span(today: date) -> tuple[datetime, datetime]:
    """The ONE gap left in the demo roster on purpose, so that the dashboard check shows what a
    gap looks like (and the director can fill it): 20:00 to 08:00, about 10 days ahead."""
    return local(today + timedelta(days=10), time(20)), local(today + timedelta(days=11), HANDOVER)


def roster_spans(today: date) -> list[tuple[int, datetime, datetime]]:
    """(week number, start, end) of the demo shifts: Monday 08:00 to the next Monday 08:00 from
    14 days ago until past 30 days ahead, less the gap. A week across the fall-back change lasts
    169 hours and the roster rightly refuses shifts over 7 days, so such a week is two shifts of
    the same person (split on Thursday 08:00)."""
    first = today - timedelta(days=14)
    first -= timedelta(days=first.weekday())
    weeks = math.ceil(((today + timedelta(days=31)) - first).days / 7)
    gap_start, gap_end = gap_span(today)
    spans: list[tuple[int, datetime, datetime]] = []
    for week in range(weeks):
        monday = first + timedelta(weeks=week)
        start, end = local(monday, HANDOVER), local(monday + timedelta(weeks=1), HANDOVER)
        pieces = [(start, end)]
        if start < gap_end and gap_start < end:
            pieces = [(a, b) for a, b in ((start, gap_start), (gap_end, end)) if a < b]
        for a, b in pieces:
            if utc(b) - utc(a) > LONGEST_SHIFT:
                middle = local(monday + timedelta(days=3), HANDOVER)
                spans += [(week, a, middle), (week, middle, b)]
            else:
                spans.append((week, a, b))
    return spans


def seed_roster(today: date, seeded: Seeded) -> None:
    """Weekly shifts rotating among the demo staff who take calls, each with a backup; the
    colleague on leave is not rostered during it."""
    if OnCallShift.objects.exists():
        return
    people = _staff(*ROTATION)
    rotation = [people[k] for k in ROTATION if k in people]
    if len(rotation) < 2:
        return
    away_from, away_until = leave_span(today)
    actor = _actor("director")
    for week, start, end in roster_spans(today):
        here = [p for p in rotation
                if not (p.key == ON_LEAVE and start < away_until and away_from < end)]
        shift_add(staff=here[week % len(here)], backup=here[(week + 1) % len(here)],
                  starts_at=start, ends_at=end, actor=actor)
        seeded.shifts += 1


def seed_on_call_phone(seeded: Seeded) -> None:
    program = Program.objects.order_by("pk").first()
    if program is not None and not program.on_call_phone:
        seeded.on_call_phone = bool(
            Program.objects.filter(pk=program.pk, on_call_phone="")
            .update(on_call_phone=ON_CALL_PHONE))


# --- Consultation hours, leave and backup -------------------------------------------------------

def seed_hours(today: date, seeded: Seeded) -> None:
    """Mon-Fri 09:00-17:00 consultation hours of the demo senior medical professional from 60
    days ago (none when the demo has no such person)."""
    medical = _staff(MEDICAL).get(MEDICAL)
    if medical is None or AvailabilityHours.objects.filter(staff=medical).exists():
        return
    actor = _actor("director")
    for weekday in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY,
                    Weekday.FRIDAY):
        hours_add(staff=medical, weekday=weekday, starts=time(9), ends=time(17),
                  valid_from=today - timedelta(days=60), actor=actor)
        seeded.hours += 1


def seed_leave(today: date, seeded: Seeded) -> None:
    """A care coordinator's past vacation covered by the other coordinator (history only)."""
    people = _staff(ON_LEAVE, COVERING)
    away, cover = people.get(ON_LEAVE), people.get(COVERING)
    if away is None or cover is None or StaffLeave.objects.filter(staff=away).exists():
        return
    start, end = leave_span(today)
    actor = _actor("director")
    leave = leave_add(staff=away, starts_at=start, ends_at=end, reason=LeaveReason.VACATION,
                      note="Family vacation (demo)", actor=actor)
    coverage_add(covered=away, backup=cover, role=Role.CARE_COORDINATOR, starts_at=start,
                 ends_at=end, leave=leave, actor=actor)
    seeded.leaves += 1
    seeded.coverages += 1


# --- Supervision and medical training -----------------------------------------------------------

def demo_coordinators() -> list[StaffProfile]:
    """Every active demo care coordinator (the named logins and any synthetic ones)."""
    return list(active_coordinators().filter(user__email__endswith=f"@{DEMO_DOMAIN}")
                .order_by("user__last_name", "pk"))


def _session_day(monday: date) -> date:
    """The Wednesday of the week, or the next business day of it after a holiday."""
    days = [monday + timedelta(days=n) for n in (2, 3, 4, 1, 0)]
    return next((d for d in days if is_business_day(d)), days[0])


def seed_supervision(today: date, seeded: Seeded) -> None:
    """Each demo coordinator supervised by a demo senior care manager in each of the last 6
    complete weeks (none in a week they were away: that week is excused by the leave)."""
    managers = list(_staff(*SUPERVISORS).values())
    if not managers:
        return
    coordinators = demo_coordinators()
    weeks = weeks_before(today, SUPERVISION_WEEKS)
    on_file = Supervision.objects.filter(coordinator__in=coordinators,
                                         held_on__gte=weeks[0].monday)
    held = {(pk, day - timedelta(days=day.weekday()))
            for pk, day in on_file.values_list("coordinator_id", "held_on")}
    away_from, away_until = leave_span(today)
    for i, coordinator in enumerate(coordinators):
        supervisor = managers[i % len(managers)]
        for week in weeks:
            day = _session_day(week.monday)
            away = coordinator.key == ON_LEAVE and away_from <= local(day, time(12)) < away_until
            if (coordinator.pk, week.monday) in held or away or day < coordinator.hire_date:
                continue
            supervision_record(coordinator=coordinator, supervisor=supervisor, held_on=day,
                               notes="Caseload review; priorities for the coming week.",
                               actor=supervisor.user)
            seeded.supervisions += 1


def seed_training(today: date, seeded: Seeded) -> None:
    """One ongoing medical training session three weeks ago, attended by every demo
    coordinator, led by the demo nurse senior care manager."""
    leader = _staff(SUPERVISORS[0]).get(SUPERVISORS[0])
    coordinators = demo_coordinators()
    if leader is None or not coordinators or MedicalTrainingSession.objects.exists():
        return
    medical_training_record(
        topic="Seizure action plans and rescue medication at home and school",
        held_on=today - timedelta(days=21), led_by=leader, attendees=coordinators,
        notes="Case examples; when to call 911; documenting in the ICP.", actor=leader.user)
    seeded.trainings += 1


@transaction.atomic
def seed_demo_coverage(today: date | None = None) -> Seeded:
    """Seed the demo program's around-the-clock records (see the module's docstring)."""
    today = today or timezone.localdate()
    seeded = Seeded()
    seed_on_call_phone(seeded)
    seed_roster(today, seeded)
    seed_hours(today, seeded)
    seed_leave(today, seeded)
    seed_supervision(today, seeded)
    seed_training(today, seeded)
    return seeded
