"""The worklist: what a care coordinator or senior care manager has to do next, for the
members on their current care teams (break-glass access adds nobody), in a fixed number of
queries.

It lives beside the program dashboard rather than in ``members`` because it reads the same
stored deadlines with the same status predicates (``statuses.status_q``) and links each rule
to its form through the same map (``actions.RULE_FORMS``); ``members`` only provides the
records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Cast

from cares.base.access import MANAGE_QUALITY, may, staff_profile
from cares.deadlines.models import Deadline
from cares.deadlines.rules import OPEN, OVERDUE, RULES, referral_follow_up_due
from cares.deadlines.statuses import DUE_SOON_DAYS, status_q
from cares.program.dashboards.actions import (
    RECORD_RULES,
    REFERRAL_RULES,
    STAY_RULES,
    action_url,
    has_form,
)
from members.access import visible_members
from members.coordination.models import ReassessmentDecision
from members.models import (
    MAX_AGE,
    RENEWAL_LOOKAHEAD_DAYS,
    TRANSITION_FROM_AGE,
    CareTeamMember,
    Episode,
    HospitalStay,
    Member,
    ReferralFollowUp,
    ReleaseOfInformation,
    ReviewRequest,
    ServiceReferral,
)
from members.quality.requests import requests_due

SOON_DAYS = DUE_SOON_DAYS  # "due soon", defined once in the deadline engine
MONTH_DAYS = 30
RELEASE_DAYS = 30
# age -> look-ahead in days (21: from 20½, PS VI.C.5)
BIRTHDAYS = {TRANSITION_FROM_AGE: 90, MAX_AGE: 183}
LIMIT = 100  # rows shown per section; the CSV export has them all


def my_members(user) -> QuerySet[Member]:
    """The members on ``user``'s current care teams that ``user`` may see (no break-glass).
    Driven by the care-team index (a few dozen ids), then checked against
    ``visible_members``."""
    profile = staff_profile(user)
    if profile is None:
        return Member.objects.none()
    team = CareTeamMember.objects.filter(staff=profile, until__isnull=True).values("member_id")
    return visible_members(user, break_glass=False).filter(pk__in=team)


def _current_status(member_ref: str) -> Subquery:
    """The status of the member's current (latest) episode."""
    latest = Episode.objects.filter(member=OuterRef(member_ref)).order_by("-referral_date",
                                                                          "-pk")
    return Subquery(latest.values("status")[:1])


STILL_OPEN = ~Q(current_status__in=Episode.CLOSED)  # with current_status annotated


def working_members(user) -> QuerySet[Member]:
    """``my_members`` less those whose current episode closed before enrollment (reading 12):
    nothing more is owed to them, so they leave the worklist."""
    return my_members(user).annotate(current_status=_current_status("pk")).filter(
        Q(current_status__isnull=True)
        | ~Q(current_status__in=Episode.CLOSED_BEFORE_ENROLLMENT))


@dataclass(frozen=True)
class DeadlineItem:
    deadline: Deadline
    days: int  # days overdue (> 0) or days left (>= 0)
    url: str  # the form that satisfies it, or the member page's deadlines
    has_form: bool = False

    @property
    def title(self) -> str:
        return RULES[self.deadline.rule].title

    @property
    def citation(self) -> str:
        return RULES[self.deadline.rule].citation


SECTIONS = ("overdue", "week", "month")


def section_q(section: str, today: date) -> Q:
    if section == "overdue":
        return status_q(OVERDUE, today)
    if section == "week":
        return Q(status=OPEN, due__gte=today, due__lte=today + timedelta(days=SOON_DAYS))
    return Q(status=OPEN, due__gt=today + timedelta(days=SOON_DAYS),
             due__lte=today + timedelta(days=MONTH_DAYS))


def worklist_deadlines(user, today: date) -> QuerySet[Deadline]:
    """Deadlines of the user's members and the user's own (training) deadlines."""
    profile = staff_profile(user)
    mine = Q(member__in=working_members(user).values("pk"))
    if profile is not None:
        mine |= Q(staff=profile)
    return Deadline.objects.filter(mine)


def _record_id(model=ServiceReferral) -> Subquery:
    """The referral (or hospital stay) behind a referral (or discharge) deadline: its ``ref``
    is the record's import key, or its id when it has none (``cares.deadlines.facts``).
    Compared as text, so it reads the same on SQLite and PostgreSQL."""
    return Subquery(model.objects.annotate(pk_text=Cast("pk", CharField()))
                    .filter(Q(key=OuterRef("ref")) | Q(key__isnull=True,
                                                       pk_text=OuterRef("ref")),
                            member=OuterRef("member"))
                    .values("pk")[:1])


def deadline_section(user, section: str, today: date, *,
                     limit: int | None = LIMIT) -> list[DeadlineItem]:
    qs = (worklist_deadlines(user, today).filter(section_q(section, today))
          .select_related("member")
          .annotate(referral_id=_record_id(),
                    stay_id=Case(When(rule__in=STAY_RULES, then=_record_id(HospitalStay))))
          .order_by("due", "pk"))
    out = []
    for d in (qs[:limit] if limit else qs):
        record = d.referral_id if d.rule in REFERRAL_RULES else \
            d.stay_id if d.rule in STAY_RULES else None
        url = action_url(d.rule, d.member_id, record)
        form = has_form(d.rule) and (d.rule not in RECORD_RULES or record is not None)
        out.append(DeadlineItem(d, abs((today - d.due).days), url, form))
    return out


def section_counts(user, today: date) -> dict[str, int]:
    return worklist_deadlines(user, today).aggregate(
        **{s: Count("pk", filter=section_q(s, today)) for s in SECTIONS})


@dataclass(frozen=True)
class ReferralItem:
    referral: ServiceReferral
    due: date
    days: int  # days left (>= 0) or overdue (< 0)


def referrals_waiting(user, today: date, *, limit: int | None = LIMIT) -> list[ReferralItem]:
    """Referrals whose scheduled service date has passed with no follow-up recorded and no
    documented exception (PS VI.D.2.b), for members whose episode is still open."""
    qs = (ServiceReferral.objects.filter(member__in=my_members(user).values("pk"),
                                         scheduled_on__lte=today, exception_reason="")
          .filter(~Exists(ReferralFollowUp.objects.filter(referral=OuterRef("pk"))))
          .annotate(current_status=_current_status("member")).filter(STILL_OPEN)
          .select_related("member").order_by("scheduled_on", "pk"))
    rows = qs[:limit] if limit else qs
    out = []
    for r in rows:
        due = referral_follow_up_due(r.scheduled_on)
        out.append(ReferralItem(r, due, (due - today).days))
    return out


def born_between(years: int, first: date, last: date) -> tuple[date, date]:
    """The dates of birth whose ``years``-th birthday falls in ``first``..``last``.
    ``dob + relativedelta(years=...)`` is monotonic in ``dob``, so step the edges."""
    step = relativedelta(years=years)
    lo = first - step
    while lo + step < first:
        lo += timedelta(days=1)
    while lo - timedelta(days=1) + step >= first:
        lo -= timedelta(days=1)
    hi = last - step
    while hi + timedelta(days=1) + step <= last:
        hi += timedelta(days=1)
    while hi + step > last:
        hi -= timedelta(days=1)
    return lo, hi


@dataclass(frozen=True)
class BirthdayItem:
    member: Member
    age: int
    on: date
    days: int

    @property
    def transition_starts(self) -> bool:
        """Turning 16: transition-to-adulthood planning starts (else: turning 21)."""
        return self.age == TRANSITION_FROM_AGE

    @property
    def citation(self) -> str:
        return "PS VI.C" if self.transition_starts else "PS VI.C.5"


def birthdays_soon(user, today: date, *, limit: int | None = LIMIT) -> list[BirthdayItem]:
    """Members turning 16 (transition planning starts, PS VI.C) within 90 days or 21
    (transfer to adult care, PS VI.C.5; flagged from 20½) within six months, whose episode
    is still open, soonest first."""
    ranges = {age: born_between(age, today, today + timedelta(days=days))
              for age, days in BIRTHDAYS.items()}
    when = Q()
    for lo, hi in ranges.values():
        when |= Q(date_of_birth__gte=lo, date_of_birth__lte=hi)
    qs = (my_members(user).filter(when).annotate(current_status=_current_status("pk"))
          .filter(STILL_OPEN)
          .order_by("-date_of_birth", "pk"))
    out = []
    for m in (qs[:limit * 2] if limit else qs):
        for age, (lo, hi) in ranges.items():
            if lo <= m.date_of_birth <= hi:
                on = m.date_of_birth + relativedelta(years=age)
                out.append(BirthdayItem(m, age, on, (on - today).days))
    out.sort(key=lambda b: (b.on, b.member.pk))
    return out[:limit] if limit else out


def releases_expiring(user, today: date, *,
                      limit: int | None = LIMIT) -> list[ReleaseOfInformation]:
    """Releases of information in force today that expire within 30 days (PS VIII)."""
    qs = (ReleaseOfInformation.objects
          .filter(member__in=working_members(user).values("pk"), revoked_on__isnull=True,
                  signed_on__lte=today, expires_on__gte=today,
                  expires_on__lte=today + timedelta(days=RELEASE_DAYS))
          .select_related("member").order_by("expires_on", "pk"))
    return list(qs[:limit] if limit else qs)


@dataclass(frozen=True)
class RenewalItem:
    member: Member
    on: date
    days: int  # days left (>= 0) or, passed, days ago (< 0)

    @property
    def passed_days(self) -> int:
        return -self.days if self.days < 0 else 0


def renewals_due(user, today: date, *, limit: int | None = LIMIT) -> list[RenewalItem]:
    """MassHealth renewals of the user's members in the next 60 days, and those whose date
    has passed without a new one recorded (confirm the renewal), soonest first, for members
    whose episode is still open (PS VI.B.1.h)."""
    qs = (working_members(user).filter(STILL_OPEN).filter(
        masshealth_renewal_date__lte=today + timedelta(days=RENEWAL_LOOKAHEAD_DAYS))
        .order_by("masshealth_renewal_date", "pk"))
    return [RenewalItem(m, m.masshealth_renewal_date, (m.masshealth_renewal_date - today).days)
            for m in (qs[:limit] if limit else qs)]


@dataclass(frozen=True)
class StayItem:
    stay: HospitalStay
    days: int  # days since the admission (in hospital) or since the discharge


def _stays_of(user) -> QuerySet[HospitalStay]:
    """Stays of the user's members whose episode is still open."""
    return (HospitalStay.objects.filter(member__in=my_members(user).values("pk"))
            .annotate(current_status=_current_status("member")).filter(STILL_OPEN)
            .select_related("member", "facility"))


def stays_in_progress(user, today: date, *, limit: int | None = LIMIT) -> list[StayItem]:
    """Members in hospital or in the emergency department now (no discharge recorded yet,
    PS VI.B.1.i), the longest first."""
    qs = _stays_of(user).filter(discharged_on__isnull=True).order_by("admitted_on", "pk")
    return [StayItem(s, (today - s.admitted_on).days) for s in (qs[:limit] if limit else qs)]


def reassessments_suggested(user, today: date, *,
                            limit: int | None = LIMIT) -> list[StayItem]:
    """Discharges whose suggested significant-change reassessment (PS VI.A.1.b.2) is neither
    started nor dismissed yet, the oldest discharge first."""
    qs = (_stays_of(user).filter(discharged_on__isnull=False,
                                 reassessment=ReassessmentDecision.PENDING)
          .order_by("discharged_on", "pk"))
    return [StayItem(s, (today - s.discharged_on).days) for s in (qs[:limit] if limit else qs)]


@dataclass(frozen=True)
class RequestItem:
    request: ReviewRequest
    days: int  # days overdue (> 0), or days left (<= 0: minus the days left)

    @property
    def overdue(self) -> bool:
        return self.days > 0

    @property
    def days_left(self) -> int:
        return -self.days if self.days < 0 else 0


def review_requests_due(user, today: date, *,
                        limit: int | None = LIMIT) -> list[RequestItem] | None:
    """For the program director and senior care managers (``MANAGE_QUALITY``): the open
    review and documentation requests from MassHealth or its designee that are overdue or
    due within ``SOON_DAYS`` (PS VII.C, VII.D), the earliest first. ``None`` for anyone else
    (the section is not shown). One query."""
    if not may(user, MANAGE_QUALITY):
        return None
    qs = requests_due(today, SOON_DAYS)
    return [RequestItem(r, (today - r.due_on).days) for r in (qs[:limit] if limit else qs)]
