"""A synthetic CARES program of N members, each with a whole history, for the demo and for
``make bench``: episodes through the lifecycle, eligibility and consent, care teams,
guardians, releases of information, assessments and reassessments, ICP versions and their
deliveries, referrals and follow-ups, monitoring reviews (some asking for an ICP update),
contacts, hospital stays and their follow-ups (``coordination``), transition plans, removals
and letters; then the stored deadlines.

Fictional people only: names are drawn from short lists of common given and family names
and combined at random; MassHealth IDs start with 9 and count up; e-mail addresses end in
``.example``. Written with bulk inserts, in chunks, so 20,000 members take a minute or two
(row history of django-simple-history is not written for synthetic rows).

Deterministic and idempotent: member ``i`` has key ``demo-m000i`` and is generated from a
random generator seeded with ``i``; running again creates only the members still missing.
Like the demo staff, refused unless DEBUG is on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from careplans.models import Assessment, AssessmentKind, CarePlan, CarePlanStatus
from cares.base.staff.models import Role
from cares.deadlines.services import refresh_deadlines
from cares.program.demo.accounts import FIRST, LAST, ProgramStaff, ensure_program_staff
from cares.program.demo.batch import Batch, insert
from cares.program.demo.coordination import Coordination, ensure_facilities
from members.models import (
    TRANSITION_FROM_AGE,
    CareTeamMember,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Guardian,
    Member,
    MonitoringReview,
    ReleaseOfInformation,
    Removal,
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter, LetterKind, LetterStatus

KEY_PREFIX = "demo-m"
CHUNK = 1000

LANGUAGES = (("en", 60), ("es", 18), ("pt", 6), ("ht", 6), ("vi", 4), ("zh-Hans", 3),
             ("zh-Hant", 3))
SCENARIOS = (("referred", 5), ("eligible", 2), ("ineligible", 3), ("closed_unenrolled", 3),
             ("consented", 2),
             ("enrolled", 70), ("removal_initiated", 3), ("terminated", 14),
             ("re_referred", 1))
CLOSINGS = (("declined", "Synthetic record: the family chose to stay with their PCP's nurse."),
            ("withdrew", "Synthetic record: the family withdrew after the evaluation."),
            ("unreachable", "Synthetic record: three calls and a letter, no answer."))
SERVICES = ("Pediatric pulmonology", "Physical therapy", "Occupational therapy",
            "Speech therapy", "Durable medical equipment", "Behavioral health counseling",
            "Early intervention", "Nutrition services", "Home nursing", "Pediatric cardiology",
            "Respite care", "Transportation assistance", "Housing support", "Dental care")
REASONS = ("family_declined", "goals_met", "moved_out_of_state", "conditions_resolved",
           "needs_met_without_cares", "lost_masshealth")
SOURCES = ("pcp", "specialist", "hospital", "managed_care", "school", "family", "cares_team")


def _rng(seed: str) -> random.Random:
    """A seeded generator: the same synthetic data on every run (not for secrets)."""
    return random.Random(seed)  # noqa: S311


def member_key(i: int) -> str:
    return f"{KEY_PREFIX}{i:06d}"


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([k for k, _w in pairs], weights=[w for _k, w in pairs])[0]


# --- Members ------------------------------------------------------------------------------------

ENROLLED = ("enrolled", "removal_initiated", "terminated")


@dataclass
class EpisodePlan:
    """What one episode's dependent rows need once it has an id."""

    status: str
    evaluated: date
    consent: date
    effective: date
    moves: list = field(default_factory=list)  # (from status, to status, on)
    closing: tuple[str, str] | None = None  # (closure reason, note) before enrollment
    removal: Removal | None = None
    termination: date | None = None

    @property
    def enrolled(self) -> bool:
        return self.status in ENROLLED

    @property
    def was_evaluated(self) -> bool:
        return self.status not in ("referred", "closed_unenrolled") or bool(
            self.closing and self.closing[0] == "withdrew")


class MemberHistory:
    """One synthetic member and everything that happened to them, from a seeded generator."""

    def __init__(self, i: int, today: date, staff: ProgramStaff, batch: Batch,
                 facilities: list | None = None):
        self.i, self.today, self.batch = i, today, batch
        self.facilities = facilities or []
        self.reassessed: list[Assessment] = []  # for a discharge that suggested one
        self.rng = _rng(f"cares-demo-member-{i}")
        self.coordinator = staff.coordinators[i % len(staff.coordinators)]
        self.manager = staff.managers[i % len(staff.managers)]
        self.family = staff.family[i % len(staff.family)]
        self.staff = staff

    # small helpers
    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def known(self, day: date | None) -> date | None:
        """A date that has not happened yet is not recorded."""
        return day if day is not None and day <= self.today else None

    def build(self) -> None:
        rng, today = self.rng, self.today
        language = _weighted(rng, LANGUAGES)
        age_days = rng.randint(200, 21 * 365 - 40)
        born = today - timedelta(days=age_days)
        self.member = Member(
            key=member_key(self.i), legal_first_name=rng.choice(FIRST),
            legal_last_name=rng.choice(LAST), date_of_birth=born,
            masshealth_id=f"9{self.i:011d}", primary_language=language,
            preferred_written_language=language, interpreter_needed=language != "en",
            electronic_contact_available=self.chance(0.7), city="Boston", state="MA",
            address_line1=f"{rng.randint(1, 999)} Example Street", postal_code="02110",
            sex_gender=rng.choice(("female", "male", "")))
        self.batch.members.append(self)
        scenario = _weighted(rng, SCENARIOS)
        lived = age_days - 30
        if lived < 120 and scenario not in ("referred", "eligible", "ineligible",
                                            "closed_unenrolled"):
            scenario = "referred"
        self.scenario = scenario
        self.episodes_plan: list[tuple[str, date]] = []
        if scenario == "re_referred" and lived < 800:
            scenario = "enrolled"
        if scenario == "re_referred":
            first = today - self.days(800, min(lived, 4 * 365))
            self.episodes_plan = [("terminated", first), ("referred", today - self.days(0, 20))]
        elif scenario in ("referred", "eligible", "consented"):
            self.episodes_plan = [(scenario, today - self.days(0, 25))]
        elif scenario in ("ineligible", "closed_unenrolled"):
            self.episodes_plan = [(scenario, today - self.days(10, min(lived, 700)))]
        else:
            self.episodes_plan = [(scenario, today - self.days(45, min(lived, 4 * 365)))]

    def guardians(self, member: Member) -> None:
        rng = self.rng
        for n in range(1 + (rng.random() < 0.4)):
            self.batch.add(Guardian, Guardian(
                member=member, name=f"{rng.choice(FIRST)} {member.legal_last_name}",
                relationship=("mother", "father", "grandmother", "aunt")[n + rng.randint(0, 2)],
                phone=f"617-555-{rng.randint(1000, 9999)}",
                email=f"family{self.i}-{n}@family.example",
                preferred_language=member.primary_language, receives_letters=n == 0))

    def episode_rows(self, member: Member, status: str, referred: date, last: bool,
                     ) -> tuple[Episode, Callable]:
        """The episode, and a callable that makes its dependent rows once it has an id."""
        episode = Episode(member=member, referral_date=referred, status=status,
                          referral_source=self.rng.choice(SOURCES),
                          referring_entity="Example Pediatrics")
        evaluated = referred + self.days(1, 6)
        consent = evaluated + self.days(0, 7)
        plan = EpisodePlan(status, evaluated, consent, effective=consent + self.days(0, 10),
                           moves=[("", EpisodeStatus.REFERRED, referred)])
        self.evaluation(episode, plan)
        if plan.enrolled:
            episode.effective_date = plan.effective
            episode.primary_contact = self.coordinator
            plan.moves.append(("consented", "enrolled", plan.effective))
        if status in ("removal_initiated", "terminated"):
            self.removal(episode, plan, last)
        return episode, partial(self.episode_dependents, plan)

    def evaluation(self, episode: Episode, plan: EpisodePlan) -> None:
        """Closed before enrollment (PS VIII, reading 12): found not eligible at the
        evaluation, or (closed_unenrolled) declined, withdrew or could not be reached."""
        status, evaluated = plan.status, plan.evaluated
        if status == "closed_unenrolled":
            plan.closing = self.rng.choice(CLOSINGS)
            episode.closed_on = min(evaluated + self.days(5, 40), self.today)
            episode.closure_reason, episode.closure_note = plan.closing
        if plan.was_evaluated:
            ok = status != "ineligible"
            plan.moves.append(("referred", "eligible" if ok else "ineligible", evaluated))
        if status == "ineligible":
            episode.closed_on, episode.closure_reason = evaluated, "ineligible"
        if plan.closing:
            before = "eligible" if plan.closing[0] == "withdrew" else "referred"
            plan.moves.append((before, "closed_unenrolled", episode.closed_on))
        if status in ("consented", *ENROLLED):
            plan.moves.append(("eligible", "consented", plan.consent))

    def removal(self, episode: Episode, plan: EpisodePlan, last: bool) -> None:
        """Removal initiated (PS IX), and for a terminated episode its termination date."""
        today, effective = self.today, plan.effective
        if plan.status == "terminated":
            latest = today - timedelta(days=5 if last else 60)
            span = max((latest - effective).days, 60)
            termination = min(effective + self.days(60, span), latest)
            initiated = termination - self.days(14, 45)
        else:
            initiated = today - self.days(0, 25)
            termination = None
        initiated = max(initiated, effective + timedelta(days=1))
        plan.moves.append(("enrolled", "removal_initiated", initiated))
        planned = termination or initiated + self.days(20, 60)
        complete = plan.status == "terminated" or self.chance(0.3)
        plan_done = (termination - self.days(1, 10)) if termination else \
            self.known(initiated + self.days(1, 20))
        plan.removal = Removal(
            initiated_on=initiated, reason=self.rng.choice(REASONS),
            planned_termination_date=planned,
            consent_signed_on=initiated if complete else None,
            consent_signed_by="Parent Example" if complete else "",
            recommendations="Continue the home program." if complete else "",
            referrals="None needed" if complete else "",
            services_in_place="PCP follow-up every 3 months." if complete else "",
            medications="As listed by the PCP." if complete else "",
            plan_completed_on=max(plan_done, initiated) if complete and plan_done else None)
        if termination:
            plan.termination = episode.termination_date = termination
            plan.moves.append(("removal_initiated", "terminated", termination))

    def episode_dependents(self, plan: EpisodePlan, saved: Episode) -> None:
        """The rows that need the episode's id: status changes, evaluation, engagement,
        removal, and an enrolled member's history."""
        status = plan.status
        for before, after, on in plan.moves:
            self.batch.add(EpisodeStatusChange, EpisodeStatusChange(
                episode=saved, from_status=before, to_status=after, on=on))
        if plan.was_evaluated:
            self.batch.add(EligibilityEvaluation, EligibilityEvaluation(
                episode=saved, evaluated_on=plan.evaluated, evaluator=self.coordinator,
                criteria=["under_21", "masshealth", "medical_complexity"],
                eligible=status != "ineligible",
                rationale="Synthetic record: meets the criteria."
                if status != "ineligible" else "Synthetic record: criteria not met."))
        if status in ("consented", *ENROLLED):
            self.batch.add(Engagement, Engagement(
                episode=saved, educated_on=plan.evaluated, education_mode="face_to_face",
                rights_given_on=plan.consent, choice_explained_on=plan.consent,
                consent_on=plan.consent, consent_by="Parent Example",
                consent_relationship="mother"))
        if plan.removal is not None:
            plan.removal.episode = saved
            self.batch.add(Removal, plan.removal)
        if plan.enrolled:
            self.enrolled_history(saved, plan.effective, plan.termination)

    def care_team(self, member: Member, since: date) -> None:
        """The coordinator who took the referral, and sometimes family support staff and a
        senior care manager; a team ends when the member is found not eligible or the
        referral closes before enrollment."""
        if self.episodes_plan[-1][0] in ("ineligible", "closed_unenrolled"):
            self.batch.add(CareTeamMember, CareTeamMember(
                member=member, staff=self.coordinator, role=Role.CARE_COORDINATOR, since=since,
                until=since + timedelta(days=7)))
            return
        self.batch.add(CareTeamMember, CareTeamMember(
            member=member, staff=self.coordinator, role=Role.CARE_COORDINATOR, since=since))
        if self.chance(0.3):
            self.batch.add(CareTeamMember, CareTeamMember(
                member=member, staff=self.family, role=Role.FAMILY_SUPPORT, since=since))
        if self.chance(0.1):
            self.batch.add(CareTeamMember, CareTeamMember(
                member=member, staff=self.manager, role=Role.SENIOR_CARE_MANAGER, since=since))

    def late(self, on_time: tuple[int, int], late: tuple[int, int], p_late: float) -> timedelta:
        return self.days(*late) if self.chance(p_late) else self.days(*on_time)

    def enrolled_history(self, episode: Episode, effective: date,
                         termination: date | None) -> None:
        end = min(termination or self.today, self.today)
        # Enrollment letter (PS VIII): 30 days.
        self.letter(episode, LetterKind.ENROLLMENT, effective)
        self.coordination = Coordination(self, self.facilities)
        finalized = self.assessments_and_plans(episode.referral_date, end)
        self.coordination.build(effective, end, ongoing=termination is None)
        if finalized is None:
            return
        self.service_referrals(finalized, end, termination)
        self.transition_plan(effective, end)
        self.release_of_information(effective, termination)
        if termination:
            self.letter(episode, LetterKind.TERMINATION, termination)

    def assessments_and_plans(self, referred: date, end: date) -> date | None:
        """The initial assessment and ICP, monitoring and reassessments; the first ICP's
        finalization date (``None`` when there is none yet: nothing follows it)."""
        member = self.member
        # Initial assessment and the first ICP (PS VI.A.1, VIII): 60 days from referral.
        assessed = referred + self.late((15, 50), (61, 100), 0.1) if self.chance(0.97) \
            else None
        assessed = self.known(assessed) if assessed and assessed <= end else None
        self.batch.add(Assessment, Assessment(
            member=member, kind=AssessmentKind.INITIAL, completed_on=assessed,
            completed_by=self.coordinator if assessed else None))
        if assessed is None:
            return None
        finalized = self.known(assessed + self.days(0, 12))
        if finalized is None or finalized > end:
            self.batch.plans.append(
                ([CarePlan(member=member, version=1, status=CarePlanStatus.DRAFT)], {}))
            return None
        plans = [CarePlan(member=member, version=1, status=CarePlanStatus.FINALIZED,
                          finalized_on=finalized)]
        deliveries = {0: self.deliveries(finalized)}
        reviews = self.monitoring_reviews(finalized, end)
        self.reassessments(assessed, end, plans, deliveries)
        self.coordination.icp_updates(reviews, plans, deliveries, end)
        self.batch.plans.append((plans, deliveries))
        return finalized

    def monitoring_reviews(self, finalized: date, end: date) -> list[MonitoringReview]:
        """Monitoring every six months (PS VI.D.1), from the finalized ICP."""
        anchor, reviews = finalized, []
        while True:
            if self.chance(0.04):
                break  # a review never made: the chain stops (overdue, or excepted at T)
            nxt = anchor + self.late((110, 180), (190, 240), 0.1)
            if nxt > end:
                break
            reviews.append(MonitoringReview(
                member=self.member, reviewed_on=nxt, services_per_icp=True,
                services_adequate=True, changes_reflected=True, icp_update_needed=False))
            self.batch.add(MonitoringReview, reviews[-1])
            anchor = nxt
        return reviews

    def reassessments(self, assessed: date, end: date, plans: list, deliveries: dict) -> None:
        """Annual reassessment (PS VI.A.1.b), each followed by a new ICP version."""
        member, anchor = self.member, assessed
        while True:
            if self.chance(0.03):
                break
            nxt = anchor + self.late((300, 364), (370, 420), 0.08)
            if nxt > end:
                break
            kind = _weighted(self.rng, ((AssessmentKind.ANNUAL, 80),
                                        (AssessmentKind.ABBREVIATED, 12),
                                        (AssessmentKind.SIGNIFICANT_CHANGE, 8)))
            self.reassessed.append(Assessment(member=member, kind=kind, completed_on=nxt,
                                              completed_by=self.coordinator))
            self.batch.add(Assessment, self.reassessed[-1])
            new_on = self.known(nxt + self.days(0, 14))
            if new_on and new_on <= end:
                plans[-1].status = CarePlanStatus.SUPERSEDED
                plans.append(CarePlan(member=member, version=len(plans) + 1,
                                      status=CarePlanStatus.FINALIZED, finalized_on=new_on))
                delivered = self.known(new_on + self.days(0, 5))
                deliveries[len(plans) - 1] = [("en", "paper", delivered)] if delivered else []
            anchor = nxt

    def service_referrals(self, finalized: date, end: date, termination: date | None) -> None:
        """Referrals to services and their 30-day follow-ups (PS VI.D.2)."""
        rng = self.rng
        months = max((end - finalized).days // 30, 1)
        for _n in range(rng.randint(0, max(1, months // 5))):
            referred_on = finalized + self.days(0, max((end - finalized).days, 0))
            scheduled = None if self.chance(0.05) else referred_on + self.days(3, 40)
            exception = ""
            follow_up = None
            if scheduled and self.chance(0.03):
                exception = "Family travelling abroad (unexpected circumstance)."
            elif scheduled and not self.chance(0.06):
                follow_up = self.known(scheduled + self.late((5, 28), (31, 70), 0.1))
                if follow_up and termination and follow_up > termination:
                    follow_up = None
            self.batch.referrals.append((ServiceReferral(
                member=self.member, service=rng.choice(SERVICES), referred_on=referred_on,
                scheduled_on=scheduled, exception_reason=exception), follow_up))

    def transition_plan(self, effective: date, end: date) -> None:
        """Transition-to-adulthood plan from 16 (PS VI.C)."""
        sixteen = self.member.date_of_birth + relativedelta(years=TRANSITION_FROM_AGE)
        if sixteen <= end and not self.chance(0.05):
            recorded = self.known(max(sixteen, effective) + self.late((10, 55), (65, 120), 0.1))
            if recorded and recorded <= end:
                self.batch.add(TransitionPlan, TransitionPlan(member=self.member,
                                                              recorded_on=recorded))

    def release_of_information(self, effective: date, termination: date | None) -> None:
        """Release of information: renewed every year, the current one on file (PS VIII)."""
        signed = effective
        while signed + relativedelta(years=1) <= self.today:
            signed += relativedelta(years=1)
        if termination is None:
            self.batch.add(ReleaseOfInformation, ReleaseOfInformation(
                member=self.member, party=self.rng.choice(("Example Public Schools",
                                                           "Example Children's Hospital",
                                                           "Example Home Nursing")),
                purpose="Care coordination", scope="Care plan and assessments",
                signed_on=signed, signed_by="Parent Example",
                expires_on=signed + relativedelta(years=1) - timedelta(days=1)))

    def deliveries(self, finalized: date) -> list[tuple[str, str, date]]:
        """ICP copies (PS VIII): English paper and electronic, and the same in the primary
        language when it is not English."""
        out = []
        languages = ["en"] if self.member.primary_language == "en" else \
            ["en", self.member.primary_language]
        for language in languages:
            if self.chance(0.03):
                continue
            for medium in ("paper", "electronic"):
                on = self.known(finalized + self.late((0, 10), (20, 60), 0.08))
                if on:
                    out.append((language, medium, on))
        return out

    def letter(self, episode: Episode, kind: str, start: date) -> None:
        """The letter due 30 days after ``start`` (PS VIII, IX.C): usually sent in time,
        sometimes late, sometimes still a draft."""
        sent = None if self.chance(0.05) else self.known(
            start + self.late((2, 28), (31, 60), 0.08))
        if sent is None and start + timedelta(days=10) > self.today and self.chance(0.5):
            return  # not drafted yet
        self.batch.add(Letter, Letter(
            member=self.member, episode=episode, kind=kind,
            language=self.member.primary_language,
            status=LetterStatus.SENT if sent else LetterStatus.DRAFT, sent_on=sent))


def seed_demo_members(n: int, *, today: date | None = None,
                      progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Make sure the synthetic members ``0..n-1`` exist; returns the ids created. Running it
    again creates nothing. Refused unless DEBUG is on."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo data is created only with DEBUG on.")
    today = today or timezone.localdate()
    existing = set(Member.objects.filter(key__startswith=KEY_PREFIX)
                   .values_list("key", flat=True))
    wanted = [i for i in range(n) if member_key(i) not in existing]
    if not wanted:
        return []
    staff = ensure_program_staff(n, today)
    facilities = ensure_facilities()
    created: list[int] = []
    for start in range(0, len(wanted), CHUNK):
        batch = Batch()
        for i in wanted[start:start + CHUNK]:
            MemberHistory(i, today, staff, batch, facilities).build()
        with transaction.atomic():
            insert(batch)
        created.extend(h.member.pk for h in batch.members)
        if progress:
            progress(len(created), len(wanted))
    refresh_deadlines(as_of=today, member_ids=created)
    return created
