"""Outcomes beside timeliness (PS VII.B, issue 18): per period, emergency-department visits
and inpatient admissions per 100 enrolled member-months, the share of ICP goals met at their
target date, and the share of members with a qualifying contact every interval. Each figure
has its drill-down (``outcome_views``); the section runs four queries whatever the number of
members.

Every figure counts the period **up to today** (``through``): days, stays, target dates not
come yet are not counted yet, so the current month is not diluted by days still ahead.

Enrolled member-months
    A member is enrolled from their episode's enrollment effective date through its
    termination date (inclusive: the removal takes effect at the end of that day; no
    termination date yet: still enrolled), as the deadline engine reads it. For each calendar
    month overlapping the period (clipped to the period and to today), the days each member
    was enrolled divided by the days of that month, summed over members (a member counts once
    a day even with overlapping episodes). One query, the spans grouped in the database.

ED visits (inpatient admissions) per 100 member-months
    Hospital stays of the setting "Emergency department visit" ("Inpatient admission")
    admitted in the period on a day the member was enrolled, × 100 / enrolled member-months.
    With no enrolled member-months the rate is not a number: "no enrolled member-months".

ICP goals met at their target date
    Goals with a target date in the period, of the ICP version in force on that target date:
    finalized on or before it and not replaced by a version finalized on or before it (a goal
    copied into several versions counts once: the copy of the version in force). Met at
    target: an outcome "met" with the day it was met on or before the target date. Share =
    met at target / goals counted. Goals whose outcome is "no longer relevant" are left out of
    both numbers; a goal with no outcome recorded counts as not met (the drill-down lists it
    as "no outcome recorded"); "met" after the target date is not met at target.

Qualifying contact every interval
    The stored regular-contact deadlines (rule ``member_contact``, PS VI.B.1.a) due in the
    period, with their status today as the deadline dashboard reads it (``status_q``). Among
    the members with at least one such cycle decided today (met, late or overdue), the share
    whose every decided cycle is met on time. As in the dashboard's on-time rate, a cycle
    still open (not due yet) is not decided and an excepted (released) one is not counted.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least

from careplans.models import CarePlan, CarePlanStatus, Goal, GoalAchievement
from cares.deadlines.models import Deadline
from cares.deadlines.rules import LATE, MET, OVERDUE
from cares.deadlines.statuses import effective_status, status_q
from cares.program.dashboards.periods import Period
from members.coordination.models import StaySetting
from members.models import Episode, HospitalStay

CONTACT_RULE = "member_contact"  # cares.deadlines.rules.RULES: "Regular contact"
DECIDED = (MET, LATE, OVERDUE)
# How a counted goal stands (``goal_result``).
GOAL_MET, GOAL_NOT_MET, GOAL_UNRECORDED, GOAL_LEFT_OUT = (
    "met", "not_met", "unrecorded", "left_out")


def through(period: Period, today: date) -> date:
    """The last day counted: the period's end, or today in a period still going on."""
    return min(period.end, today)


# --- Member-months ------------------------------------------------------------------------------

@lru_cache(maxsize=4096)  # a few distinct dates for thousands of members
def _month_position(day: date) -> float:
    """Months since year 0 at the start of ``day`` (the month's days as equal fractions)."""
    days = calendar.monthrange(day.year, day.month)[1]
    return day.year * 12 + day.month - 1 + (day.day - 1) / days


def months_between(first: date, last: date) -> float:
    """Member-months of one member enrolled ``first`` through ``last`` (inclusive): per
    calendar month, the days enrolled / the days of that month, summed."""
    if last < first:
        return 0.0
    return _month_position(last + timedelta(days=1)) - _month_position(first)


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def member_months(period: Period, today: date) -> float:
    """Enrolled member-months in ``period`` up to today. One query, grouped in the database:
    each enrolled span clipped to the period, a row per distinct span of the members enrolled
    once (with how many), and the spans of the few with several episodes to merge here."""
    start, last = period.start, through(period, today)
    if last < start:
        return 0.0
    # Enrolled some day of start..last: the span clipped to it is not empty.
    enrolled = (Episode.objects.filter(effective_date__isnull=False, effective_date__lte=last)
                .filter(Q(termination_date__isnull=True)
                        | (Q(termination_date__gte=start)
                           & Q(termination_date__gte=F("effective_date")))).order_by())
    several = (enrolled.values("member_id").annotate(n=Count("pk")).filter(n__gt=1)
               .values("member_id"))
    rows = (enrolled.annotate(
        first=Greatest("effective_date", Value(start, output_field=DateField())),
        end=Least(Coalesce("termination_date", Value(last, output_field=DateField())),
                  Value(last, output_field=DateField())),
        shared=Case(When(member_id__in=several, then=F("member_id")), default=None,
                    output_field=IntegerField()))
        .values_list("shared", "first", "end").annotate(n=Count("pk")))
    total, spans = 0.0, {}
    for member_id, first, end, n in rows:
        if member_id is None:  # n members enrolled first..end, each once
            total += n * months_between(first, end)
        else:
            spans.setdefault(member_id, []).append((first, end))
    return total + sum(months_between(a, b) for found in spans.values()
                       for a, b in _merged(found))


# --- Hospital stays -----------------------------------------------------------------------------

def enrolled_on(member_ref: str, day_ref: str) -> Exists:
    """The member (``member_ref``) was enrolled on the day ``day_ref``."""
    return Exists(Episode.objects.filter(
        member=OuterRef(member_ref), effective_date__isnull=False,
        effective_date__lte=OuterRef(day_ref)).filter(
        Q(termination_date__isnull=True) | Q(termination_date__gte=OuterRef(day_ref))))


def counted_stays(period: Period, today: date, setting: str = "") -> QuerySet[HospitalStay]:
    """The stays the rates count: admitted in the period (up to today) while enrolled."""
    qs = HospitalStay.objects.filter(admitted_on__gte=period.start,
                                     admitted_on__lte=through(period, today))
    if setting:
        qs = qs.filter(setting=setting)
    return qs.filter(enrolled_on("member", "admitted_on"))


# --- Goals --------------------------------------------------------------------------------------

def _replaced_by_target_date() -> Exists:
    """Another version of the goal's member finalized on or before the goal's target date,
    after the goal's own version (later date, or the same date and a higher version)."""
    later = CarePlan.objects.filter(
        member=OuterRef("plan__member"), finalized_on__isnull=False,
        finalized_on__lte=OuterRef("target_date")).filter(
        Q(finalized_on__gt=OuterRef("plan__finalized_on"))
        | Q(finalized_on=OuterRef("plan__finalized_on"), version__gt=OuterRef("plan__version")))
    return Exists(later)


def goal_result() -> Case:
    """How a goal stands: met at target, not met, no outcome recorded, or left out."""
    return Case(
        When(outcome__achievement=GoalAchievement.NO_LONGER_RELEVANT, then=Value(GOAL_LEFT_OUT)),
        When(outcome__achievement=GoalAchievement.MET,
             outcome__achieved_on__lte=F("target_date"), then=Value(GOAL_MET)),
        When(outcome__isnull=True, then=Value(GOAL_UNRECORDED)),
        default=Value(GOAL_NOT_MET), output_field=CharField())


def goals_in_force(period: Period, today: date) -> QuerySet[Goal]:
    """Goals with a target date in the period (up to today), of the ICP version in force on
    that date, each with ``result`` (``goal_result``)."""
    return (Goal.objects.filter(
        target_date__gte=period.start, target_date__lte=through(period, today),
        plan__status__in=(CarePlanStatus.FINALIZED, CarePlanStatus.SUPERSEDED),
        plan__finalized_on__isnull=False, plan__finalized_on__lte=F("target_date"))
        .exclude(_replaced_by_target_date()).annotate(result=goal_result()))


# --- Regular contact ----------------------------------------------------------------------------

def contact_cycles(period: Period, today: date) -> QuerySet[Deadline]:
    """The regular-contact cycles due in the period and decided today (met, late, overdue),
    each with ``status_today``."""
    decided = status_q(MET, today) | status_q(LATE, today) | status_q(OVERDUE, today)
    return (Deadline.objects.filter(rule=CONTACT_RULE, member__isnull=False,
                                    due__gte=period.start, due__lte=period.end)
            .filter(decided).annotate(status_today=effective_status(today)))


def contact_members(period: Period, today: date) -> QuerySet:
    """Per member counted: ``cycles`` decided and how many ``met`` on time (values rows)."""
    return (contact_cycles(period, today).order_by().values("member_id")
            .annotate(cycles=Count("pk"), met=Count("pk", filter=Q(status=MET))))


# --- The section --------------------------------------------------------------------------------

def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class OutcomesSummary:
    period: Period
    through: date
    member_months: float
    emergency: int  # ED visits counted
    inpatient: int  # inpatient admissions counted
    goals_met: int  # met at their target date
    goals_counted: int  # of the version in force, not "no longer relevant"
    goals_unrecorded: int  # counted, no outcome recorded (not met)
    goals_left_out: int  # "no longer relevant"
    contact_members: int  # with at least one decided regular-contact cycle
    contact_all_met: int  # every decided cycle met on time

    def _per_100(self, count: int) -> float | None:
        return round(100 * count / self.member_months, 1) if self.member_months else None

    @property
    def months(self) -> float:
        return round(self.member_months, 1)

    @property
    def emergency_rate(self) -> float | None:
        """ED visits per 100 member-months (``None``: no enrolled member-months)."""
        return self._per_100(self.emergency)

    @property
    def inpatient_rate(self) -> float | None:
        return self._per_100(self.inpatient)

    @property
    def goals_share(self) -> float | None:
        return _percent(self.goals_met, self.goals_counted)

    @property
    def contact_share(self) -> float | None:
        return _percent(self.contact_all_met, self.contact_members)


def outcomes_summary(period: Period, today: date) -> OutcomesSummary:
    """The outcomes section of the program dashboard for ``period``. Four queries."""
    stays = dict(counted_stays(period, today).order_by().values_list("setting")
                 .annotate(n=Count("pk")))
    goals = dict(goals_in_force(period, today).order_by().values_list("result")
                 .annotate(n=Count("pk")))
    contacts = contact_members(period, today).aggregate(  # one row, not one per member
        members=Count("member_id"), all_met=Count("member_id", filter=Q(met=F("cycles"))))
    return OutcomesSummary(
        period=period, through=through(period, today),
        member_months=member_months(period, today),
        emergency=stays.get(StaySetting.EMERGENCY, 0),
        inpatient=stays.get(StaySetting.INPATIENT, 0),
        goals_met=goals.get(GOAL_MET, 0),
        goals_counted=sum(n for r, n in goals.items() if r != GOAL_LEFT_OUT),
        goals_unrecorded=goals.get(GOAL_UNRECORDED, 0),
        goals_left_out=goals.get(GOAL_LEFT_OUT, 0),
        contact_members=contacts["members"], contact_all_met=contacts["all_met"])


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def outcomes_table(summary: OutcomesSummary) -> tuple[list[str], list[list], list[int]]:
    """The section's figures for the CSV export: each with its numerator and denominator
    (an empty value: nothing to divide by)."""
    s = summary
    header = ["period_start", "period_end", "counted_through", "figure", "numerator",
              "denominator", "value"]
    months = f"{s.member_months:.2f}"
    figures = [
        ("enrolled_member_months", "", "", months),
        ("ed_visits_per_100_member_months", s.emergency, months, _cell(s.emergency_rate)),
        ("inpatient_admissions_per_100_member_months", s.inpatient, months,
         _cell(s.inpatient_rate)),
        ("icp_goals_met_at_target_percent", s.goals_met, s.goals_counted,
         _cell(s.goals_share)),
        ("icp_goals_no_outcome_recorded", s.goals_unrecorded, s.goals_counted, ""),
        ("icp_goals_left_out_no_longer_relevant", s.goals_left_out, "", ""),
        ("members_contact_every_interval_percent", s.contact_all_met, s.contact_members,
         _cell(s.contact_share)),
    ]
    return header, [[s.period.start, s.period.end, s.through, *f] for f in figures], []
