"""The worklist: what a care coordinator or senior care manager has to do next, for the
members on their current care teams (break-glass access adds nobody), in a fixed number of
queries.

It lives beside the program dashboard rather than in ``members`` because it reads the same
stored deadlines with the same status predicates (``statuses.status_q``) and links each rule
to its form through the same map (``actions.RULE_FORMS``); ``members`` only provides the
records.

Cheap by construction (issue 20: the page within twice a bare signed-in page): the caseload
is read once, with the members' names, dates of birth and renewal dates, so the birthdays and
renewals need no query and no section joins the member; the deadlines come as plain rows,
each with its texts and links (``worklist_links``: a link is reversed once per rule, then
formatted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from cares.base.access import MANAGE_QUALITY, may, staff_profile
from cares.deadlines.models import Deadline
from cares.deadlines.rows import rows
from cares.deadlines.rules import OPEN, OVERDUE, referral_follow_up_due
from cares.deadlines.statuses import DUE_SOON_DAYS, status_q
from cares.program.dashboards.actions import (
    RECORD_RULES,
    REFERRAL_RULES,
    STAY_RULES,
    has_form,
)
from cares.program.dashboards.worklist_links import link_format, row_texts
from members.access import care_team_members
from members.coordination.models import ReassessmentDecision
from members.models import (
    MAX_AGE,
    RENEWAL_LOOKAHEAD_DAYS,
    TRANSITION_FROM_AGE,
    Episode,
    HospitalStay,
    Member,
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
    """The members on ``user``'s current care teams that ``user`` may see (no break-glass):
    ``members.access.care_team_members``, the rule's one implementation."""
    return care_team_members(user)


@lru_cache(maxsize=4)
def _current_status(member_ref: str) -> Subquery:
    """The status of the member's current (latest) episode (built once: a query copies the
    expressions it is given)."""
    latest = Episode.objects.filter(member=OuterRef(member_ref)).order_by("-referral_date",
                                                                          "-pk")
    return Subquery(latest.values("status")[:1])


class Person(NamedTuple):
    """A member of the caseload, as much as the worklist shows of them (the first six are
    ``PERSON_FIELDS``)."""

    pk: int
    preferred_name: str
    legal_first_name: str
    legal_last_name: str
    date_of_birth: date
    masshealth_renewal_date: date | None
    current_status: str | None

    @property
    def name(self) -> str:
        return Member.display_name.fget(self)  # the model's own rule, on the row

    def as_member(self) -> Member:
        """A ``Member`` holding these fields only (the others are read if ever asked)."""
        names = _in_model_order()
        return Member.from_db(Member.objects.db, names,
                              [getattr(self, "pk" if name == "id" else name) for name in names])


PERSON_FIELDS = ["id", "preferred_name", "legal_first_name", "legal_last_name",
                 "date_of_birth", "masshealth_renewal_date"]


@lru_cache(maxsize=1)
def _in_model_order() -> list[str]:
    """``PERSON_FIELDS`` in the order of the model's fields (``Model.from_db`` takes the
    values of the fields it is given in that order)."""
    return [f.attname for f in Member._meta.concrete_fields if f.attname in PERSON_FIELDS]


@dataclass(frozen=True)
class Caseload:
    """``my_members`` read once, with each member's current episode status and what the
    worklist shows of them (one query), so the worklist's sections filter on the ids instead
    of working out again in every query whom the user may see, and name the members without
    a join. Pass one to the functions below to share it within a request."""

    profile_id: int | None
    mine: tuple[int, ...]  # my_members
    # less those whose current episode closed before enrollment (reading 12): nothing more
    # is owed to them, so they leave the worklist
    working: tuple[int, ...]
    still_open: tuple[int, ...]  # with a current episode that is not closed
    people: dict[int, Person]  # by id, every one of ``mine``
    names: dict[int, str]  # by id, the display name of every one of ``mine``


def caseload_of(user) -> Caseload:
    profile = staff_profile(user)
    found = [Person(*row) for row in rows(
        my_members(user).annotate(current_status=_current_status("pk")).order_by()
        .values_list(*PERSON_FIELDS, "current_status"))]
    return Caseload(
        profile_id=profile.pk if profile is not None else None,
        mine=tuple(p.pk for p in found),
        working=tuple(p.pk for p in found if p.current_status is None
                      or p.current_status not in Episode.CLOSED_BEFORE_ENROLLMENT),
        still_open=tuple(p.pk for p in found if p.current_status is not None
                         and p.current_status not in Episode.CLOSED),
        people={p.pk: p for p in found}, names={p.pk: p.name for p in found})


class DeadlineRow(NamedTuple):
    """A stored deadline as the worklist reads it: its columns, not a model instance."""

    pk: int
    member_id: int | None
    rule: str
    due: date
    status: str
    ref: str
    member: str  # the member's name ('' for the user's own training deadlines)


class DeadlineItem(NamedTuple):
    """A row of a deadline section with what the page prints: ``when`` says how far the due
    date is, ``action`` names the link to ``url``."""

    deadline: DeadlineRow
    days: int  # days overdue (> 0) or days left (>= 0)
    url: str  # the form that satisfies it, or the member page's deadlines
    has_form: bool
    section: str
    title: str
    citation: str
    when: str
    member_url: str  # '' for the user's own deadlines
    action: str


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


def _record_sql(model, order: str) -> str:
    """The ``model`` record (a referral or a hospital stay) behind the outer deadline row: its
    ``ref`` is the record's import key, or its id when it has none (``cares.deadlines.facts``),
    so the key or else the id as text (the same on SQLite and PostgreSQL) is compared. Read
    by the member's index; the first in ``order``."""
    table, outer = model._meta.db_table, Deadline._meta.db_table
    return (f'SELECT r."id" FROM "{table}" r WHERE r."member_id" = "{outer}"."member_id" '  # noqa: S608 (names from the models)
            f'AND COALESCE(r."key", CAST(r."id" AS TEXT)) = "{outer}"."ref" '
            f'ORDER BY r."{order}", r."id" LIMIT 1')


@lru_cache(maxsize=1)
def _record_id() -> RawSQL:
    """The id of the referral behind a ``REFERRAL_RULES`` deadline or of the hospital stay
    behind a ``STAY_RULES`` one, else NULL: written once as SQL (the correlated subqueries
    as the ORM writes them cost more to build than to run, at every request)."""
    referral, stay = sorted(REFERRAL_RULES), sorted(STAY_RULES)
    rule = f'"{Deadline._meta.db_table}"."rule"'
    return RawSQL(  # noqa: S611 (constants only; the rules are parameters)
        f"CASE WHEN {rule} IN ({', '.join(['%s'] * len(referral))}) "
        f"THEN ({_record_sql(ServiceReferral, 'referred_on')}) "
        f"WHEN {rule} IN ({', '.join(['%s'] * len(stay))}) "
        f"THEN ({_record_sql(HospitalStay, 'admitted_on')}) END",
        (*referral, *stay), output_field=IntegerField())


def _section_of(status: str, due: date, today: date) -> str:
    """The section of a deadline (``section_q`` in Python)."""
    if status == OVERDUE or due < today:
        return "overdue"
    return "week" if due <= today + timedelta(days=SOON_DAYS) else "month"


def _items(qs: QuerySet[Deadline], today: date, names: dict[int, str],
           limit: int | None = None) -> list[DeadlineItem]:
    """The rows of ``qs`` by due date, each with its texts and links."""
    qs = (qs.annotate(record_id=_record_id()).order_by("due", "pk")
          .values_list("pk", "member_id", "rule", "due", "status", "ref", "record_id"))
    where, language = (get_script_prefix(), get_urlconf()), get_language()
    page = link_format(None, False, *where)
    out = []
    for pk, member_id, rule, due, status, ref, record in rows(qs[:limit] if limit else qs):
        form = has_form(rule) and (rule not in RECORD_RULES or record is not None)
        section = _section_of(status, due, today)
        days = abs((today - due).days)
        when, title, citation, action = row_texts(language, section, days, rule, form)
        url, member_url = "", ""
        if member_id is not None:
            url = link_format(rule, record is not None, *where).format(member_id, record)
            member_url = page.format(member_id)
        out.append(DeadlineItem(
            DeadlineRow(pk, member_id, rule, due, status, ref, names.get(member_id, "")),
            days, url, form, section, title, citation, when, member_url, action))
    return out


def deadline_section(user, section: str, today: date, *, limit: int | None = LIMIT,
                     caseload: Caseload | None = None) -> list[DeadlineItem]:
    caseload = caseload or caseload_of(user)
    return _items(worklist_deadlines(user, today, caseload=caseload)
                  .filter(section_q(section, today)), today, caseload.names, limit)


def deadline_sections(user, today: date, *, limit: int | None = LIMIT,
                      caseload: Caseload | None = None
                      ) -> tuple[dict[str, list[DeadlineItem]], dict[str, int]]:
    """The three sections (each as ``deadline_section``) and their counts (as
    ``section_counts``) in one query: the rows of a caseload's next 30 days are few."""
    caseload = caseload or caseload_of(user)
    # every section: overdue, or open and due from today to the last day of "month"
    either = section_q("overdue", today) | Q(status=OPEN, due__gte=today,
                                              due__lte=today + timedelta(days=MONTH_DAYS))
    sections = {s: [] for s in SECTIONS}
    for item in _items(worklist_deadlines(user, today, caseload=caseload).filter(either),
                       today, caseload.names):
        sections[item.section].append(item)
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
                                         scheduled_on__lte=today, exception_reason="",
                                         follow_ups__isnull=True)  # none: one row each
          .only("member", "service", "referred_on", "scheduled_on").order_by("scheduled_on", "pk"))
    out = []
    for r in _named(qs[:limit] if limit else qs, caseload):
        due = referral_follow_up_due(r.scheduled_on)
        out.append(ReferralItem(r, due, (due - today).days))
    return out


def _named(records, caseload: Caseload) -> list:
    """``records`` (of the caseload's members), each with its member from the caseload (no
    join, no query): the caseload holds their names."""
    out = list(records)
    for record in out:
        record.member = caseload.people[record.member_id].as_member()
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
    is still open, soonest first. From the caseload: no query."""
    ranges = {age: born_between(age, today, today + timedelta(days=days))
              for age, days in BIRTHDAYS.items()}
    caseload = caseload or caseload_of(user)
    out = []
    for pk in caseload.still_open:
        person = caseload.people[pk]
        for age, (lo, hi) in ranges.items():
            if lo <= person.date_of_birth <= hi:
                on = person.date_of_birth + relativedelta(years=age)
                out.append(BirthdayItem(person.as_member(), age, on, (on - today).days))
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
          .only("member", "party", "purpose", "signed_on", "expires_on")
          .order_by("expires_on", "pk"))
    return _named(qs[:limit] if limit else qs, caseload)


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
    whose episode is still open (PS VI.B.1.h). From the caseload: no query."""
    caseload = caseload or caseload_of(user)
    last = today + timedelta(days=RENEWAL_LOOKAHEAD_DAYS)
    due = sorted((on, pk) for pk in set(caseload.working) & set(caseload.still_open)
                 if (on := caseload.people[pk].masshealth_renewal_date) is not None
                 and on <= last)
    return [RenewalItem(caseload.people[pk].as_member(), on, (on - today).days)
            for on, pk in (due[:limit] if limit else due)]


@dataclass(frozen=True)
class StayItem:
    stay: HospitalStay
    days: int  # days since the admission (in hospital) or since the discharge


def hospital_sections(user, today: date, *, limit: int | None = LIMIT,
                      caseload: Caseload | None = None
                      ) -> tuple[list[StayItem], list[StayItem]]:
    """In one query, for the user's members whose episode is still open: those in hospital
    or in the emergency department now (no discharge recorded yet, PS VI.B.1.i), the longest
    first; and the discharges whose suggested significant-change reassessment (PS
    VI.A.1.b.2) is neither started nor dismissed yet, the oldest discharge first."""
    caseload = caseload or caseload_of(user)
    stays = (HospitalStay.objects.filter(member__in=caseload.still_open)
             .filter(Q(discharged_on__isnull=True)
                     | Q(discharged_on__isnull=False, reassessment=ReassessmentDecision.PENDING))
             .select_related("facility")
             .only("member", "setting", "admitted_on", "discharged_on", "facility__organization",
                   "facility__person").order_by("pk"))
    stays = _named(stays, caseload)
    now = sorted((s for s in stays if s.discharged_on is None),
                 key=lambda s: (s.admitted_on, s.pk))
    done = sorted((s for s in stays if s.discharged_on is not None),
                  key=lambda s: (s.discharged_on, s.pk))
    return ([StayItem(s, (today - s.admitted_on).days) for s in now[:limit or None]],
            [StayItem(s, (today - s.discharged_on).days) for s in done[:limit or None]])


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
