"""Care coordination in a synthetic member's history (``cares.program.demo.program``):
contacts (PS VI.B.1.a, deadlines.md reading 13), hospital stays and emergency visits with
their follow-ups (PS VI.B.1.i, reading 14), and monitoring reviews that ask for an ICP update
followed by the new ICP version (PS VI.D.1.c, reading 15).

Drawn from a generator of its own (seeded with the member's number), so the rest of the
member's history is the same as without it. Nothing is dated after ``today``; contacts take
place on weekdays in Massachusetts business hours, before ``today``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from careplans.models import CarePlan, CarePlanStatus
from members.models import Contact, HospitalStay, Provider, ProviderKind

if TYPE_CHECKING:
    from cares.program.demo.program import MemberHistory

MASSACHUSETTS = ZoneInfo("America/New_York")

FACILITIES = ("Example Children's Hospital", "Example Medical Center",
              "Example Community Hospital")

# (mode, with whom, summary): what a contact between two visits can be.
BETWEEN = (
    ("phone", "family", "Called the parent to confirm the specialist appointment."),
    ("phone", "family", "Phone call about the prior authorization for equipment."),
    ("phone", "family", "Checked in by phone after the therapy evaluation."),
    ("message", "family", "Portal message with the appointment reminders for the month."),
    ("message", "family", "Text exchange about transportation to the clinic."),
    ("phone", "provider", "Called the PCP's office to coordinate the referrals."),
    ("message", "provider", "Sent the updated medication list to the specialist."),
    ("phone", "school", "Spoke with the school nurse about the health plan at school."),
    ("phone", "agency", "Called the state agency service coordinator about respite hours."),
)
VISITS = {
    "in_person": ("Home visit: reviewed the care plan goals and upcoming appointments.",
                  "Clinic visit with the family: went over medications and equipment.",
                  "Home visit: checked the feeding plan and home nursing hours."),
    "telehealth": ("Video visit: reviewed progress on the ICP goals and school supports.",
                   "Video check-in with the family about the therapy schedule.",
                   "Video visit: talked through the upcoming specialist visits."),
}
REASONS = {
    "emergency": ("Respiratory distress", "Fever and dehydration", "G-tube dislodged",
                  "Seizure", "Fall with head injury"),
    "inpatient": ("Pneumonia", "Planned spinal surgery", "Respiratory infection, on oxygen",
                  "Shunt revision", "Seizure management", "Feeding intolerance"),
}
FOLLOW_UP_NOTES = (
    "Called the family after discharge: medications reconciled, appointments booked.",
    "Home visit after discharge: discharge instructions reviewed with the parent.",
    "Video visit after discharge: equipment in place, PCP visit scheduled.",
)
DISMISSED = ("Short emergency visit; needs unchanged.",
             "Planned procedure; the ICP already covers the recovery.",
             "Back to baseline at the follow-up; no change in needs.")
UPDATE_NOTES = ("Needs changed since the last ICP: new equipment and therapy hours.",
                "Services not adequate: home nursing hours to be increased.",
                "New diagnosis to add to the health summary and the emergency plan.")


def ensure_facilities() -> list[Provider]:
    """The demo hospitals in the provider directory (created once)."""
    return [Provider.objects.get_or_create(organization=name, defaults={
        "kind": ProviderKind.HEALTH_SYSTEM, "phone": "617-555-0100"})[0] for name in FACILITIES]


class Coordination:
    """The coordination rows of one enrolled episode of a synthetic member."""

    def __init__(self, history: MemberHistory, facilities: list[Provider]):
        self.h, self.facilities = history, facilities
        self.member, self.today = history.member, history.today
        self.rng = random.Random(f"cares-demo-coordination-{history.i}")  # noqa: S311

    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def build(self, effective: date, end: date, ongoing: bool) -> None:
        """Contacts and stays from the enrollment ``effective`` to ``end`` (the termination
        or today); ``ongoing``: still enrolled today."""
        self.contacts(effective, min(end, self.today - timedelta(days=1)))
        if self.chance(0.25):  # the sicker members
            self.hospital_stays(effective, end, ongoing)

    # --- Contacts (reading 13) ------------------------------------------------------------

    def at(self, day: date) -> datetime:
        """A time in business hours on ``day``, moved back to Friday from a weekend."""
        day -= timedelta(days=max(day.weekday() - 4, 0))
        return datetime(day.year, day.month, day.day, self.rng.randint(9, 16),
                        self.rng.choice((0, 15, 30, 45)), tzinfo=MASSACHUSETTS)

    def contacts(self, effective: date, last: date) -> None:
        """Mostly a visit in person or by video every 3-5 weeks, calls and messages in
        between; some families have gaps of 2-3 months."""
        gappy = self.chance(0.15)
        anchor = effective
        while True:
            gap = self.days(60, 90) if gappy and self.chance(0.15) else \
                self.days(21, 30) if self.chance(0.75) else self.days(28, 35)
            visit = self.at(anchor + gap)
            if visit.date() > last:
                break
            for _n in range(self.rng.choices((0, 1, 2), weights=(45, 40, 15))[0]):
                self.between(self.at(anchor + self.days(3, gap.days - 3)))
            mode = "in_person" if self.chance(0.6) else "telehealth"
            self.contact(visit, mode, "family", self.rng.choice(VISITS[mode]))
            anchor = visit.date()

    def between(self, when: datetime) -> None:
        mode, party, summary = self.rng.choice(BETWEEN)
        self.contact(when, mode, party, summary)

    def contact(self, when: datetime, mode: str, party: str, summary: str) -> None:
        member = self.member
        family = party == "family"
        adult = (when.date() - member.date_of_birth).days >= 18 * 365
        interpreted = family and mode != "message" and member.interpreter_needed \
            and self.chance(0.9)
        minutes = {"in_person": (45, 90), "telehealth": (30, 60), "phone": (10, 30)}
        self.h.batch.add(Contact, Contact(
            member=member, contact_at=when, contact_mode=mode,
            with_member=family and (adult or (mode == "in_person" and self.chance(0.5))),
            with_guardian=family and (not adult or self.chance(0.4)),
            with_provider=party == "provider", with_school=party == "school",
            with_agency=party == "agency", staff=self.h.coordinator,
            recorded_by_id=self.h.coordinator.user_id,
            duration_minutes=self.rng.randint(*minutes[mode]) if mode in minutes else None,
            interpreter_used=interpreted,
            interpreter_language=member.primary_language if interpreted else "",
            summary=summary))

    # --- Hospital stays (reading 14) ------------------------------------------------------

    def hospital_stays(self, effective: date, end: date, ongoing: bool) -> None:
        """0-3 stays a year while enrolled; sometimes one still going on today."""
        stays: list[HospitalStay] = []
        limit = end
        if ongoing and self.chance(0.08):
            stays.append(self.stay(self.today - self.days(0, 6), current=True))
            limit = stays[0].admitted_on - timedelta(days=1)
        year = effective
        while year < limit:
            starts = sorted(year + self.days(0, 364) for _n in range(self.rng.randint(0, 3)))
            for admitted in starts:
                stay = self.stay(admitted)
                previous = max((s.discharged_on for s in stays if s.discharged_on),
                               default=None)
                if stay.discharged_on <= limit and (previous is None or admitted > previous):
                    stays.append(stay)
            year += timedelta(days=365)
        for number, stay in enumerate(sorted(stays, key=lambda s: s.admitted_on), 1):
            stay.key = f"{self.member.key}-h{number}"
            self.follow_up(stay, end)
            self.h.batch.add(HospitalStay, stay)

    def stay(self, admitted: date, current: bool = False) -> HospitalStay:
        setting = "inpatient" if current or self.chance(0.45) else "emergency"
        inpatient = setting == "inpatient"
        length = self.days(2, 10) if inpatient else self.days(0, 1)
        return HospitalStay(
            member=self.member, setting=setting, facility=self.rng.choice(self.facilities),
            admitted_on=admitted, discharged_on=None if current else admitted + length,
            reason=self.rng.choice(REASONS[setting]),
            discharge_planning=inpatient and self.chance(0.7),
            team_on_site=inpatient and self.chance(0.3),
            recorded_by_id=self.h.coordinator.user_id)

    def follow_up(self, stay: HospitalStay, end: date) -> None:
        """Mostly within 1-7 days of the discharge, some late, a few never; a decision on
        the suggested reassessment once the stay is a few weeks old."""
        if stay.discharged_on is None or self.chance(0.05):
            return
        on = stay.discharged_on + (self.days(8, 20) if self.chance(0.12) else self.days(1, 7))
        if on <= end:
            stay.follow_up_on = on
            stay.follow_up_notes = self.rng.choice(FOLLOW_UP_NOTES)
        if stay.discharged_on + timedelta(days=21) > self.today:
            return
        reassessed = next((a for a in self.h.reassessed if a.hospital_stay is None
                           and 0 <= (a.completed_on - stay.discharged_on).days <= 45), None)
        if reassessed is not None:
            stay.reassessment = "accepted"
            reassessed.hospital_stay = stay
        elif self.chance(0.9):
            stay.reassessment = "dismissed"
            stay.reassessment_reason = self.rng.choice(DISMISSED)

    # --- ICP updates (reading 15) ---------------------------------------------------------

    def icp_updates(self, reviews: list, plans: list[CarePlan], deliveries: dict,
                    end: date) -> None:
        """About one review in four finds the ICP must change; mostly a new version follows
        within 2-6 weeks. ``plans`` (finalized, in order) and ``deliveries`` (by index) are
        rebuilt with the new versions in date order: numbered 1..n, each superseded by the
        next."""
        added = []
        for review in reviews:
            if not self.chance(0.25):
                continue
            review.icp_update_needed, review.changes_reflected = True, False
            review.participants = "Parent, care coordinator"
            review.notes = self.rng.choice(UPDATE_NOTES)
            on = review.reviewed_on + (self.days(31, 42) if self.chance(0.2) else
                                       self.days(14, 30))
            if self.chance(0.9) and on <= end:
                plan = CarePlan(member=self.member, status=CarePlanStatus.FINALIZED,
                                finalized_on=on)
                review.new_care_plan = plan
                delivered = on + self.days(0, 5)
                added.append((plan, [("en", "paper", delivered)]
                              if delivered <= self.today else []))
        if not added:
            return
        merged = sorted([*((p, deliveries.get(n, [])) for n, p in enumerate(plans)), *added],
                        key=lambda pair: pair[0].finalized_on)
        plans[:] = [p for p, _d in merged]
        deliveries.clear()
        for n, (plan, rows) in enumerate(merged):
            plan.version = n + 1
            plan.status = CarePlanStatus.SUPERSEDED if n < len(merged) - 1 else \
                CarePlanStatus.FINALIZED
            if rows:
                deliveries[n] = rows

