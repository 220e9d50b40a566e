"""Reads of the program dashboard, aggregated in the database: each function runs a fixed
number of queries whatever the number of members.

What the numbers mean (and how the tests hold them to ``compliance_report``):
- A period's deadlines are the stored deadlines whose **due date** lies in the period, with
  their status **today** (``statuses.status_q``). They equal the deadlines of
  ``compliance_report(as_of=today)`` due in the period, as long as the stored rows are
  current (the services refresh a member's rows on every change, the nightly sweep all).
- The overdue list, letters waiting to be sent and the caseloads are today's state, whatever
  the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, StrIndex, Substr

from cares.base.staff.models import Role, RoleAssignment
from cares.deadlines.models import Deadline
from cares.deadlines.rules import OVERDUE, RULES
from cares.deadlines.statuses import (
    AGES,
    COLUMNS,
    age_q,
    effective_status,
    fold,
    on_time_rate,
    raw_counts,
    status_q,
)
from cares.program.dashboards.periods import Period
from members.models import CareTeamMember, Episode, EpisodeStatus, Member
from notices.models import Letter, LetterKind

CASELOAD_ROLES = (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER)
LETTER_RULES = {LetterKind.ENROLLMENT: "enrollment_letter",
                LetterKind.TERMINATION: "termination_letter"}
# A letter not sent yet is waiting, unless it was withdrawn (replaced by a correction).
WITHDRAWN = "withdrawn"
WAITING = Q(sent_on__isnull=True) & ~Q(status=WITHDRAWN)


@dataclass(frozen=True)
class Counts:
    total: int = 0
    met: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    excepted: int = 0

    @classmethod
    def of(cls, row: dict) -> Counts:
        return cls(**{k: row.get(k) or 0 for k in ("total", *COLUMNS)})

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.met, self.late, self.overdue)

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in ("total", *COLUMNS)})


@dataclass(frozen=True)
class RuleRow:
    rule: str
    counts: Counts

    @property
    def title(self) -> str:
        return RULES[self.rule].title

    @property
    def citation(self) -> str:
        return RULES[self.rule].citation

    @property
    def subject(self) -> str:
        return RULES[self.rule].subject


def _rule_order(rule: str) -> int:
    return list(RULES).index(rule) if rule in RULES else len(RULES)


SHORT_PERIOD_DAYS = 92


def deadlines_due_in(period: Period) -> QuerySet[Deadline]:
    qs = Deadline.objects.filter(due__gte=period.start, due__lte=period.end)
    if (period.end - period.start).days <= SHORT_PERIOD_DAYS:
        # A month or a quarter is a small slice: naming every rule lets the (rule, due)
        # index find it with one range seek per rule. A longer period reads the table.
        qs = qs.filter(rule__in=list(RULES))
    return qs


def _counts(folded: dict[str, int]) -> Counts:
    return Counts(total=sum(folded.values()), **folded)


def compliance_by_rule(period: Period, today: date) -> tuple[list[RuleRow], Counts]:
    """Per rule: deadlines due in the period and how many are met, late, overdue, open or
    excepted today. One query (grouped by rule and stored status; ``statuses.fold``)."""
    # Grouped by status first: SQLite would otherwise walk the (rule, due) index row by row.
    rows = (deadlines_due_in(period).order_by().values("status", "rule")
            .annotate(**raw_counts(today)))
    out = sorted((RuleRow(rule, _counts(c)) for (rule,), c in
                  fold(rows, today, ("rule",)).items()), key=lambda r: _rule_order(r.rule))
    total = sum((r.counts for r in out), Counts())
    return out, total


@dataclass(frozen=True)
class MonthRow:
    month: date
    counts: Counts


def trend_by_month(period: Period, today: date) -> list[MonthRow]:
    """Deadlines due in each month the chart shows, by status today. One query, grouped by
    due date and stored status (plain columns: no date function per row), added up by month
    here."""
    months = period.months()
    rows = (Deadline.objects.filter(due__gte=months[0], due__lte=period.end).order_by()
            .values("due", "status").annotate(**raw_counts(today)))
    found: dict[date, Counts] = {}
    for (due,), counts in fold(rows, today, ("due",)).items():
        month = due.replace(day=1)
        found[month] = found.get(month, Counts()) + _counts(counts)
    return [MonthRow(m, found.get(m, Counts())) for m in months]


# --- Overdue ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OverdueRow:
    rule: str
    by_age: dict[str, int]
    total: int

    @property
    def title(self) -> str:
        return RULES[self.rule].title

    @property
    def citation(self) -> str:
        return RULES[self.rule].citation


def overdue_by_rule(today: date) -> list[OverdueRow]:
    """Every deadline overdue today, per rule and age (days since due). One query, grouped
    by rule and stored status (an open row counts once past its due date)."""
    # Rows counted by ``due`` (never null), not ``pk``: the covering index on open and overdue
    # rows (deadlines.Deadline.Meta) answers the query alone.
    rows = (Deadline.objects.filter(status_q(OVERDUE, today)).order_by()
            .values("status", "rule")
            .annotate(total=Count("due"),
                      **{f"age_{i}": Count("due", filter=age_q(age, today))
                         for i, age in enumerate(AGES)}))
    found: dict[str, dict[str, int]] = {}
    for r in rows:
        by_age = found.setdefault(r["rule"], dict.fromkeys(AGES, 0))
        for i, age in enumerate(AGES):
            by_age[age] += r[f"age_{i}"]
    out = [OverdueRow(rule, by_age, sum(by_age.values())) for rule, by_age in found.items()]
    return sorted((r for r in out if r.total), key=lambda r: _rule_order(r.rule))


@dataclass(frozen=True)
class DeadlineFilter:
    """The drill-down: which stored deadlines a number of the dashboard stands for."""

    rule: str = ""
    status: str = ""
    start: date | None = None  # due on or after
    end: date | None = None  # due on or before
    staff: int | None = None  # on this staff member's current care teams
    age: str = ""  # AGES key (overdue deadlines only)

    def query(self) -> dict[str, str]:
        out = {"rule": self.rule, "status": self.status, "age": self.age,
               "start": self.start.isoformat() if self.start else "",
               "end": self.end.isoformat() if self.end else "",
               "staff": str(self.staff) if self.staff else ""}
        return {k: v for k, v in out.items() if v}


def _on_team(staff_id: int, member_ref: str = "member") -> Exists:
    return Exists(CareTeamMember.objects.filter(member=OuterRef(member_ref), staff_id=staff_id,
                                                until__isnull=True))


def _latest_episode(member_ref: str = "member") -> QuerySet[Episode]:
    return Episode.objects.filter(member=OuterRef(member_ref)).order_by("-referral_date", "-pk")


def deadline_list(f: DeadlineFilter, today: date) -> QuerySet[Deadline]:
    """The stored deadlines behind a number, oldest due first, with the member, the episode
    each deadline belongs to (not the member's latest) and that episode's primary contact on
    the due date (one query; paginate it)."""
    qs = Deadline.objects.all()
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.status:
        qs = qs.filter(status_q(f.status, today))
    if f.start:
        qs = qs.filter(due__gte=f.start)
    if f.end:
        qs = qs.filter(due__lte=f.end)
    if f.age:
        qs = qs.filter(status_q(OVERDUE, today) & age_q(f.age, today))
    if f.staff:
        qs = qs.filter(_on_team(f.staff))
    own = Episode.objects.filter(pk=OuterRef("episode_pk"))
    return (qs.select_related("member", "staff__user")
            .annotate(status_today=effective_status(today), episode_pk=_episode_of_deadline())
            .annotate(episode_status=Subquery(own.values("status")[:1]),
                      episode_referral=Subquery(own.values("referral_date")[:1]),
                      primary_name=_primary_at_due())
            .order_by("due", "pk"))


def _episode_of_deadline():
    """The episode a stored deadline belongs to: its cycle key starts ``e<episode pk>/``
    (``cares.deadlines.services``); ``e0`` (no episode) and any other key give none."""
    slash = StrIndex("cycle_key", Value("/"))
    return Case(When(cycle_key__regex=r"^e[0-9]+/",
                     then=Cast(Substr("cycle_key", 2, slash - 2), IntegerField())),
                default=None, output_field=IntegerField())


def _primary_at_due():
    """The name of the deadline's episode's primary contact on the due date, from the
    episode's history (the earliest recorded one when the history starts later)."""
    history = Episode.history.model._default_manager.filter(id=OuterRef("episode_pk"))
    name = Concat("primary_contact__user__first_name", Value(" "),
                  "primary_contact__user__last_name", output_field=CharField())
    at_due = (history.filter(history_date__date__lte=OuterRef("due"))
              .order_by("-history_date", "-history_id").annotate(name=name).values("name")[:1])
    earliest = history.order_by("history_date", "history_id").annotate(name=name).values("name")[:1]
    return Coalesce(Subquery(at_due), Subquery(earliest))


# --- Caseloads ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffRef:
    pk: int
    name: str
    roles: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass
class CaseloadRow:
    staff: StaffRef
    by_state: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def roles(self) -> list[str]:
        return [str(Role(r).label) for r in self.staff.roles]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


def caseload_staff() -> list[StaffRef]:
    """Active care coordinators and senior care managers (not as backup), by name. One
    query of plain values."""
    found: dict[int, StaffRef] = {}
    for pk, first, last, email, role in (
            RoleAssignment.objects.filter(role__in=CASELOAD_ROLES, is_backup=False,
                                          staff__active=True)
            .order_by("staff__user__last_name", "staff__user__first_name", "staff_id", "role")
            .values_list("staff_id", "staff__user__first_name", "staff__user__last_name",
                         "staff__user__email", "role")):
        known = found.get(pk)
        found[pk] = StaffRef(pk, f"{first} {last}".strip() or email,
                             (*known.roles, role) if known else (role,))
    return list(found.values())


def caseloads(today: date) -> list[CaseloadRow]:
    """Per care coordinator and senior care manager: the members on their current care
    teams by the status of the member's current episode, and their overdue deadlines.
    Three queries."""
    staff = caseload_staff()
    ids = [s.pk for s in staff]
    rows = {s.pk: CaseloadRow(s) for s in staff}
    for staff_id, state, n in _caseload_states(ids):
        rows[staff_id].by_state[state] = n
    overdue = (Deadline.objects.filter(status_q(OVERDUE, today))
               .filter(member__care_team__staff_id__in=ids,
                       member__care_team__until__isnull=True)
               .order_by().values("member__care_team__staff_id").annotate(n=Count("due")))
    for r in overdue:
        rows[r["member__care_team__staff_id"]].overdue = r["n"]
    return list(rows.values())


def _current_episodes() -> QuerySet[Episode]:
    """Each member's current episode (``_latest_episode``: the latest referral date, then the
    highest id), as the episodes with no later one: one anti-join, not a subquery per row."""
    later = Episode.objects.filter(member=OuterRef("member")).filter(
        Q(referral_date__gt=OuterRef("referral_date"))
        | Q(referral_date=OuterRef("referral_date"), pk__gt=OuterRef("pk")))
    return Episode.objects.filter(~Exists(later))


def _caseload_states(ids: list[int]) -> QuerySet:
    """``(staff_id, state, n)``: the members on each current care team by the status of their
    current episode ("" for a member with no episode). One query (UNION ALL)."""
    with_episode = (_current_episodes()
                    .filter(member__care_team__until__isnull=True,
                            member__care_team__staff_id__in=ids)
                    .order_by().values_list("member__care_team__staff_id", "status")
                    .annotate(n=Count("member__care_team")))
    without = (CareTeamMember.objects.filter(until__isnull=True, staff_id__in=ids)
               .filter(~Exists(Episode.objects.filter(member=OuterRef("member")))).order_by()
               .values_list("staff_id", Value("", output_field=CharField()))
               .annotate(n=Count("pk")))
    return with_episode.union(without, all=True)


def caseload_states() -> list[tuple[str, str]]:
    return [(s.value, str(s.label)) for s in EpisodeStatus]


# --- Members behind a number --------------------------------------------------------------------

@dataclass(frozen=True)
class MemberFilter:
    staff: int | None = None  # on this staff member's current care teams
    state: str = ""  # the current episode's status
    letter: str = ""  # LetterKind
    letter_state: str = ""  # "draft" (not sent yet) | "sent" (in start..end)
    start: date | None = None
    end: date | None = None

    def query(self) -> dict[str, str]:
        out = {"staff": str(self.staff) if self.staff else "", "state": self.state,
               "letter": self.letter, "letter_state": self.letter_state,
               "start": self.start.isoformat() if self.start else "",
               "end": self.end.isoformat() if self.end else ""}
        return {k: v for k, v in out.items() if v}


def _letters(f: MemberFilter) -> QuerySet[Letter]:
    letters = Letter.objects.filter(member=OuterRef("pk"), kind=f.letter)
    if f.letter_state == "sent":
        letters = letters.filter(sent_on__isnull=False)
        if f.start:
            letters = letters.filter(sent_on__gte=f.start)
        if f.end:
            letters = letters.filter(sent_on__lte=f.end)
    else:
        letters = letters.filter(WAITING)
    return letters


def member_list(f: MemberFilter) -> QuerySet[Member]:
    """The members behind a caseload or letters number, by name (one query; paginate it)."""
    latest = _latest_episode("pk")
    qs = Member.objects.annotate(
        episode_status=Subquery(latest.values("status")[:1]),
        primary_first=Subquery(latest.values("primary_contact__user__first_name")[:1]),
        primary_last=Subquery(latest.values("primary_contact__user__last_name")[:1]))
    if f.staff:
        qs = qs.filter(_on_team(f.staff, "pk"))
    if f.state:
        qs = qs.filter(episode_status=f.state)
    if f.letter in LETTER_RULES:
        qs = qs.filter(Exists(_letters(f)))
    return qs.order_by("legal_last_name", "legal_first_name", "pk")


# --- Letters ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LetterRow:
    kind: str
    label: str
    rule: str
    waiting: int  # drafted, not sent yet (today)
    sent: int  # sent in the period
    overdue: int  # the rule's deadlines overdue today


def letters_summary(period: Period, overdue: list[OverdueRow]) -> list[LetterRow]:
    """Letters by kind: drafts waiting to be sent, sent in the period, and overdue (from
    ``overdue_by_rule``). Counted by member for ``waiting`` and ``sent`` so the drill-down
    list matches. One query."""
    sent = Q(sent_on__gte=period.start, sent_on__lte=period.end)
    counts = {r["kind"]: r for r in Letter.objects.filter(WAITING | sent).order_by()
              .values("kind").annotate(waiting=Count("member", distinct=True, filter=WAITING),
                                       sent=Count("member", distinct=True, filter=sent))}
    late = {r.rule: r.total for r in overdue}
    return [LetterRow(kind, str(label), LETTER_RULES[kind],
                      counts.get(kind, {}).get("waiting", 0),
                      counts.get(kind, {}).get("sent", 0), late.get(LETTER_RULES[kind], 0))
            for kind, label in LetterKind.choices if kind in LETTER_RULES]
