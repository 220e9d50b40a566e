"""A synthetic CARES program of N members, each with a whole history, for the demo and for
``make bench``: episodes through the lifecycle, eligibility and consent, care teams,
guardians, releases of information, assessments and reassessments, ICP versions and their
deliveries, referrals and follow-ups, monitoring reviews, transition plans, removals and
letters; then the stored deadlines.

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

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from careplans.models import (
    Assessment,
    AssessmentKind,
    CarePlan,
    CarePlanDelivery,
    CarePlanStatus,
)
from cares.base.staff.models import (
    Role,
)
from cares.program.demo.accounts import FIRST, LAST, ProgramStaff, ensure_program_staff
from members.models import (
    CareTeamMember,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Guardian,
    Member,
    MonitoringReview,
    ReferralFollowUp,
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

@dataclass
class Batch:
    """The rows of a chunk of members, in the order they must be inserted."""

    members: list = field(default_factory=list)
    episodes: list = field(default_factory=list)  # (member, Episode)
    after_episode: list = field(default_factory=list)  # callables(episode) -> rows
    rows: dict = field(default_factory=dict)  # model -> list of rows with saved parents
    plans: list = field(default_factory=list)  # (member, [CarePlan v1, v2, ...], deliveries)
    referrals: list = field(default_factory=list)  # (ServiceReferral, follow-up date | None)

    def add(self, model, row) -> None:
        self.rows.setdefault(model, []).append(row)


class MemberHistory:
    """One synthetic member and everything that happened to them, from a seeded generator."""

    def __init__(self, i: int, today: date, staff: ProgramStaff, batch: Batch):
        self.i, self.today, self.batch = i, today, batch
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
        rng, today = self.rng, self.today
        episode = Episode(member=member, referral_date=referred, status=status,
                          referral_source=rng.choice(SOURCES),
                          referring_entity="Example Pediatrics")
        moves = [("", EpisodeStatus.REFERRED, referred)]
        evaluated = referred + self.days(1, 6)
        consent = evaluated + self.days(0, 7)
        effective = consent + self.days(0, 10)
        enrolled = status in ("enrolled", "removal_initiated", "terminated")
        termination = None
        # Closed before enrollment (PS VIII, reading 12): found not eligible at the
        # evaluation, or (closed_unenrolled) declined, withdrew or could not be reached.
        closing = None
        if status == "closed_unenrolled":
            closing = rng.choice(CLOSINGS)
            episode.closed_on = min(evaluated + self.days(5, 40), today)
            episode.closure_reason, episode.closure_note = closing
        if status not in ("referred", "closed_unenrolled") or (
                closing and closing[0] == "withdrew"):
            ok = status != "ineligible"
            moves.append(("referred", "eligible" if ok else "ineligible", evaluated))
        if status == "ineligible":
            episode.closed_on, episode.closure_reason = evaluated, "ineligible"
        if closing:
            before = "eligible" if closing[0] == "withdrew" else "referred"
            moves.append((before, "closed_unenrolled", episode.closed_on))
        if status in ("consented", *("enrolled", "removal_initiated", "terminated")):
            moves.append(("eligible", "consented", consent))
        if enrolled:
            episode.effective_date = effective
            episode.primary_contact = self.coordinator
            moves.append(("consented", "enrolled", effective))
        removal = None
        if status in ("removal_initiated", "terminated"):
            if status == "terminated":
                latest = today - timedelta(days=5 if last else 60)
                span = max((latest - effective).days, 60)
                termination = min(effective + self.days(60, span), latest)
                initiated = termination - self.days(14, 45)
            else:
                initiated = today - self.days(0, 25)
                termination = None
            initiated = max(initiated, effective + timedelta(days=1))
            moves.append(("enrolled", "removal_initiated", initiated))
            planned = termination or initiated + self.days(20, 60)
            complete = status == "terminated" or self.chance(0.3)
            plan_done = (termination - self.days(1, 10)) if termination else \
                self.known(initiated + self.days(1, 20))
            removal = Removal(
                initiated_on=initiated, reason=rng.choice(REASONS),
                planned_termination_date=planned,
                consent_signed_on=initiated if complete else None,
                consent_signed_by="Parent Example" if complete else "",
                recommendations="Continue the home program." if complete else "",
                referrals="None needed" if complete else "",
                services_in_place="PCP follow-up every 3 months." if complete else "",
                medications="As listed by the PCP." if complete else "",
                plan_completed_on=max(plan_done, initiated) if complete and plan_done else None)
            if termination:
                episode.termination_date = termination
                moves.append(("removal_initiated", "terminated", termination))

        def dependents(saved: Episode) -> None:
            for before, after, on in moves:
                self.batch.add(EpisodeStatusChange, EpisodeStatusChange(
                    episode=saved, from_status=before, to_status=after, on=on))
            if status not in ("referred", "closed_unenrolled") or (
                    closing and closing[0] == "withdrew"):
                self.batch.add(EligibilityEvaluation, EligibilityEvaluation(
                    episode=saved, evaluated_on=evaluated, evaluator=self.coordinator,
                    criteria=["under_21", "masshealth", "medical_complexity"],
                    eligible=status != "ineligible",
                    rationale="Synthetic record: meets the criteria."
                    if status != "ineligible" else "Synthetic record: criteria not met."))
            if status in ("consented", "enrolled", "removal_initiated", "terminated"):
                self.batch.add(Engagement, Engagement(
                    episode=saved, educated_on=evaluated, education_mode="face_to_face",
                    rights_given_on=consent, choice_explained_on=consent, consent_on=consent,
                    consent_by="Parent Example", consent_relationship="mother"))
            if removal is not None:
                removal.episode = saved
                self.batch.add(Removal, removal)
            if enrolled:
                self.enrolled_history(saved, effective, termination, removal)

        return episode, dependents

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

    def enrolled_history(self, episode: Episode, effective: date, termination: date | None,
                         removal: Removal | None) -> None:
        member, rng = self.member, self.rng
        end = min(termination or self.today, self.today)
        referred = episode.referral_date
        # Enrollment letter (PS VIII): 30 days.
        self.letter(episode, LetterKind.ENROLLMENT, effective)
        # Initial assessment and the first ICP (PS VI.A.1, VIII): 60 days from referral.
        assessed = referred + self.late((15, 50), (61, 100), 0.1) if self.chance(0.97) \
            else None
        assessed = self.known(assessed) if assessed and assessed <= end else None
        self.batch.add(Assessment, Assessment(
            member=member, kind=AssessmentKind.INITIAL, completed_on=assessed,
            completed_by=self.coordinator if assessed else None))
        if assessed is None:
            return
        plans = []
        finalized = self.known(assessed + self.days(0, 12))
        if finalized is None or finalized > end:
            plans.append(CarePlan(member=member, version=1, status=CarePlanStatus.DRAFT))
            self.batch.plans.append((plans, {}))
            return
        plans.append(CarePlan(member=member, version=1, status=CarePlanStatus.FINALIZED,
                              finalized_on=finalized))
        deliveries = {0: self.deliveries(finalized)}
        # Monitoring every six months (PS VI.D.1), from the finalized ICP.
        anchor = finalized
        while True:
            if self.chance(0.04):
                break  # a review never made: the chain stops (overdue, or excepted at T)
            nxt = anchor + self.late((110, 180), (190, 240), 0.1)
            if nxt > end:
                break
            self.batch.add(MonitoringReview, MonitoringReview(
                member=member, reviewed_on=nxt, services_per_icp=True, services_adequate=True,
                changes_reflected=True, icp_update_needed=False))
            anchor = nxt
        # Annual reassessment (PS VI.A.1.b), each followed by a new ICP version.
        anchor = assessed
        while True:
            if self.chance(0.03):
                break
            nxt = anchor + self.late((300, 364), (370, 420), 0.08)
            if nxt > end:
                break
            kind = _weighted(rng, ((AssessmentKind.ANNUAL, 80),
                                   (AssessmentKind.ABBREVIATED, 12),
                                   (AssessmentKind.SIGNIFICANT_CHANGE, 8)))
            self.batch.add(Assessment, Assessment(member=member, kind=kind, completed_on=nxt,
                                                  completed_by=self.coordinator))
            new_on = self.known(nxt + self.days(0, 14))
            if new_on and new_on <= end:
                plans[-1].status = CarePlanStatus.SUPERSEDED
                plans.append(CarePlan(member=member, version=len(plans) + 1,
                                      status=CarePlanStatus.FINALIZED, finalized_on=new_on))
                deliveries[len(plans) - 1] = [("en", "paper", new_on + self.days(0, 5))]
            anchor = nxt
        self.batch.plans.append((plans, deliveries))
        # Referrals to services and their 30-day follow-ups (PS VI.D.2).
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
                member=member, service=rng.choice(SERVICES), referred_on=referred_on,
                scheduled_on=scheduled, exception_reason=exception), follow_up))
        # Transition-to-adulthood plan from 16 (PS VI.C).
        sixteen = member.date_of_birth + relativedelta(years=16)
        if sixteen <= end and not self.chance(0.05):
            recorded = self.known(max(sixteen, effective) + self.late((10, 55), (65, 120), 0.1))
            if recorded and recorded <= end:
                self.batch.add(TransitionPlan, TransitionPlan(member=member,
                                                              recorded_on=recorded))
        # Release of information: renewed every year, the current one on file (PS VIII).
        signed = effective
        while signed + relativedelta(years=1) <= self.today:
            signed += relativedelta(years=1)
        if termination is None:
            self.batch.add(ReleaseOfInformation, ReleaseOfInformation(
                member=member, party=rng.choice(("Example Public Schools",
                                                 "Example Children's Hospital",
                                                 "Example Home Nursing")),
                purpose="Care coordination", scope="Care plan and assessments",
                signed_on=signed, signed_by="Parent Example",
                expires_on=signed + relativedelta(years=1) - timedelta(days=1)))
        if termination:
            self.letter(episode, LetterKind.TERMINATION, termination)

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


def _insert(batch: Batch) -> None:
    """Insert a chunk's rows, parents before children."""
    Member.objects.bulk_create([h.member for h in batch.members], batch_size=500)
    dependents = []
    episodes = []
    for history in batch.members:
        member = history.member
        history.guardians(member)
        plan = history.episodes_plan
        for n, (status, referred) in enumerate(plan):
            episode, make = history.episode_rows(member, status, referred, n == len(plan) - 1)
            episodes.append(episode)
            dependents.append((episode, make))
        history.care_team(member, plan[-1][1])
    Episode.objects.bulk_create(episodes, batch_size=500)
    for episode, make in dependents:
        make(episode)
    for model in (EpisodeStatusChange, EligibilityEvaluation, Engagement, Removal,
                  CareTeamMember, Guardian, Assessment, MonitoringReview, TransitionPlan,
                  ReleaseOfInformation, Letter):
        model.objects.bulk_create(batch.rows.get(model, []), batch_size=500)
    depth = max((len(plans) for plans, _d in batch.plans), default=0)
    for level in range(depth):
        level_plans = []
        for plans, _d in batch.plans:
            if level < len(plans):
                if level:
                    plans[level].previous = plans[level - 1]
                level_plans.append(plans[level])
        CarePlan.objects.bulk_create(level_plans, batch_size=500)
    CarePlanDelivery.objects.bulk_create(
        [CarePlanDelivery(care_plan=plans[level], language=language, medium=medium,
                          delivered_on=on, recipient="Parent Example")
         for plans, deliveries in batch.plans for level, rows in deliveries.items()
         for language, medium, on in rows], batch_size=500)
    ServiceReferral.objects.bulk_create([r for r, _f in batch.referrals], batch_size=500)
    ReferralFollowUp.objects.bulk_create(
        [ReferralFollowUp(referral=r, followed_up_on=f, with_whom="Parent Example",
                          services_received=True, met_need=True)
         for r, f in batch.referrals if f is not None], batch_size=500)


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
    created: list[int] = []
    for start in range(0, len(wanted), CHUNK):
        batch = Batch()
        for i in wanted[start:start + CHUNK]:
            MemberHistory(i, today, staff, batch).build()
        with transaction.atomic():
            _insert(batch)
        created.extend(h.member.pk for h in batch.members)
        if progress:
            progress(len(created), len(wanted))
    from cares.deadlines.services import refresh_deadlines

    refresh_deadlines(as_of=today, member_ids=created)
    return created
