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
from django.db.models.functions import Cast, Coalesce

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


@dataclass(frozen=True)
class Caseload:
    """``my_members`` read once, with each member's current episode status (one query), so
    the worklist's sections filter on the ids instead of working out again in every query
    whom the user may see. Pass one to the functions below to share it within a request."""

    profile_id: int | None
    mine: tuple[int, ...]  # my_members
    # less those whose current episode closed before enrollment (reading 12): nothing more
    # is owed to them, so they leave the worklist
    working: tuple[int, ...]
    still_open: tuple[int, ...]  # with a current episode that is not closed


def caseload_of(user) -> Caseload:
    profile = staff_profile(user)
    rows = list(my_members(user).annotate(current_status=_current_status("pk")).order_by()
                .values_list("pk", "current_status"))
    return Caseload(
        profile_id=profile.pk if profile is not None else None,
        mine=tuple(pk for pk, _status in rows),
        working=tuple(pk for pk, status in rows
                      if status is None or status not in Episode.CLOSED_BEFORE_ENROLLMENT),
        still_open=tuple(pk for pk, status in rows
                         if status is not None and status not in Episode.CLOSED))


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


def worklist_deadlines(user, today: date, *,
                       caseload: Caseload | None = None) -> QuerySet[Deadline]:
    """Deadlines of the user's members and the user's own (training) deadlines."""
    caseload = caseload or caseload_of(user)
    mine = Q(member__in=caseload.working)
    if caseload.profile_id is not None:
        mine |= Q(staff=caseload.profile_id)
    return Deadline.objects.filter(mine)


def _record_id(model=ServiceReferral) -> Subquery:
    """The referral (or hospital stay) behind a referral (or discharge) deadline: its ``ref``
    is the record's import key, or its id when it has none (``cares.deadlines.facts``), so
    the key or else the id as text (the same on SQLite and PostgreSQL) is compared. Read by
    the member's index; in the model's order without its first column, the member (one
    member here: no join for its name)."""
    order = ("referred_on", "pk") if model is ServiceReferral else ("admitted_on", "pk")
    return Subquery(model.objects.annotate(record_ref=Coalesce("key", Cast("pk", CharField())))
                    .filter(member=OuterRef("member"), record_ref=OuterRef("ref"))
                    .order_by(*order).values("pk")[:1])


def _items(qs: QuerySet[Deadline], today: date, limit: int | None = None
           ) -> list[DeadlineItem]:
    rows = (qs.select_related("member")
            .annotate(referral_id=Case(When(rule__in=REFERRAL_RULES, then=_record_id())),
                      stay_id=Case(When(rule__in=STAY_RULES, then=_record_id(HospitalStay))))
            .order_by("due", "pk"))
    out = []
    for d in (rows[:limit] if limit else rows):
        record = d.referral_id if d.rule in REFERRAL_RULES else \
            d.stay_id if d.rule in STAY_RULES else None
        url = action_url(d.rule, d.member_id, record)
        form = has_form(d.rule) and (d.rule not in RECORD_RULES or record is not None)
        out.append(DeadlineItem(d, abs((today - d.due).days), url, form))
    return out


def deadline_section(user, section: str, today: date, *, limit: int | None = LIMIT,
                     caseload: Caseload | None = None) -> list[DeadlineItem]:
    return _items(worklist_deadlines(user, today, caseload=caseload)
                  .filter(section_q(section, today)), today, limit)


def _section_of(d: Deadline, today: date) -> str:
    """The section of a row of ``deadline_sections`` (``section_q`` in Python)."""
    if d.status == OVERDUE or d.due < today:
        return "overdue"
    return "week" if d.due <= today + timedelta(days=SOON_DAYS) else "month"


def deadline_sections(user, today: date, *, limit: int | None = LIMIT,
                      caseload: Caseload | None = None
                      ) -> tuple[dict[str, list[DeadlineItem]], dict[str, int]]:
    """The three sections (each as ``deadline_section``) and their counts (as
    ``section_counts``) in one query: the rows of a caseload's next 30 days are few."""
    either = Q()
    for section in SECTIONS:
        either |= section_q(section, today)
    sections = {s: [] for s in SECTIONS}
    for item in _items(worklist_deadlines(user, today, caseload=caseload).filter(either), today):
        sections[_section_of(item.deadline, today)].append(item)
    counts = {s: len(items) for s, items in sections.items()}
    return {s: items[:limit] if limit else items for s, items in sections.items()}, counts


def section_counts(user, today: date, *, caseload: Caseload | None = None) -> dict[str, int]:
    return worklist_deadlines(user, today, caseload=caseload).aggregate(
        **{s: Count("pk", filter=section_q(s, today)) for s in SECTIONS})


@dataclass(frozen=True)
class ReferralItem:
    referral: ServiceReferral
    due: date
    days: int  # days left (>= 0) or overdue (< 0)


def referrals_waiting(user, today: date, *, limit: int | None = LIMIT,
                      caseload: Caseload | None = None) -> list[ReferralItem]:
    """Referrals whose scheduled service date has passed with no follow-up recorded and no
    documented exception (PS VI.D.2.b), for members whose episode is still open."""
    caseload = caseload or caseload_of(user)
    qs = (ServiceReferral.objects.filter(member__in=caseload.still_open,
                                         scheduled_on__lte=today, exception_reason="")
          .filter(~Exists(ReferralFollowUp.objects.filter(referral=OuterRef("pk"))))
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


def birthdays_soon(user, today: date, *, limit: int | None = LIMIT,
                   caseload: Caseload | None = None) -> list[BirthdayItem]:
    """Members turning 16 (transition planning starts, PS VI.C) within 90 days or 21
    (transfer to adult care, PS VI.C.5; flagged from 20½) within six months, whose episode
    is still open, soonest first."""
    ranges = {age: born_between(age, today, today + timedelta(days=days))
              for age, days in BIRTHDAYS.items()}
    when = Q()
    for lo, hi in ranges.values():
        when |= Q(date_of_birth__gte=lo, date_of_birth__lte=hi)
    caseload = caseload or caseload_of(user)
    qs = Member.objects.filter(when, pk__in=caseload.still_open).order_by("-date_of_birth", "pk")
    out = []
    for m in (qs[:limit * 2] if limit else qs):
        for age, (lo, hi) in ranges.items():
            if lo <= m.date_of_birth <= hi:
                on = m.date_of_birth + relativedelta(years=age)
                out.append(BirthdayItem(m, age, on, (on - today).days))
    out.sort(key=lambda b: (b.on, b.member.pk))
    return out[:limit] if limit else out


def releases_expiring(user, today: date, *, limit: int | None = LIMIT,
                      caseload: Caseload | None = None) -> list[ReleaseOfInformation]:
    """Releases of information in force today that expire within 30 days (PS VIII)."""
    caseload = caseload or caseload_of(user)
    qs = (ReleaseOfInformation.objects
          .filter(member__in=caseload.working, revoked_on__isnull=True,
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


def renewals_due(user, today: date, *, limit: int | None = LIMIT,
                 caseload: Caseload | None = None) -> list[RenewalItem]:
    """MassHealth renewals of the user's members in the next 60 days, and those whose date
    has passed without a new one recorded (confirm the renewal), soonest first, for members
    whose episode is still open (PS VI.B.1.h)."""
    caseload = caseload or caseload_of(user)
    both = set(caseload.working) & set(caseload.still_open)
    qs = (Member.objects.filter(pk__in=sorted(both)).filter(
        masshealth_renewal_date__lte=today + timedelta(days=RENEWAL_LOOKAHEAD_DAYS))
        .order_by("masshealth_renewal_date", "pk"))
    return [RenewalItem(m, m.masshealth_renewal_date, (m.masshealth_renewal_date - today).days)
            for m in (qs[:limit] if limit else qs)]


@dataclass(frozen=True)
class StayItem:
    stay: HospitalStay
    days: int  # days since the admission (in hospital) or since the discharge


def _stays_of(user, caseload: Caseload | None = None) -> QuerySet[HospitalStay]:
    """Stays of the user's members whose episode is still open."""
    caseload = caseload or caseload_of(user)
    return (HospitalStay.objects.filter(member__in=caseload.still_open)
            .select_related("member", "facility"))


def stays_in_progress(user, today: date, *, limit: int | None = LIMIT,
                      caseload: Caseload | None = None) -> list[StayItem]:
    """Members in hospital or in the emergency department now (no discharge recorded yet,
    PS VI.B.1.i), the longest first."""
    qs = _stays_of(user, caseload).filter(discharged_on__isnull=True).order_by("admitted_on", "pk")
    return [StayItem(s, (today - s.admitted_on).days) for s in (qs[:limit] if limit else qs)]


def reassessments_suggested(user, today: date, *, limit: int | None = LIMIT,
                            caseload: Caseload | None = None) -> list[StayItem]:
    """Discharges whose suggested significant-change reassessment (PS VI.A.1.b.2) is neither
    started nor dismissed yet, the oldest discharge first."""
    qs = (_stays_of(user, caseload).filter(discharged_on__isnull=False,
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
