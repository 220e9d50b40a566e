"""Staff training requirements (PS V): which initial topics each role needs, when initial
training is due, and whether initial and annual training are up to date on a date.

Pure functions over plain values. The two training rules of the deadline rule book
(deadlines.md ``staff_initial_training`` and ``staff_annual_training``) are computed here, in
the base, because the staff pages need them too: ``training_cycles`` gives their deadlines
and the rule book (``cares.deadlines.rules.compute_staff``) gives each its status.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from cares.base.staff.models import Role, TrainingTopic

# PS V: initial training by December 31, 2023, or within three months of employment.
TRAINING_FLOOR = date(2023, 12, 31)
INITIAL_TRAINING_MONTHS = 3
ANNUAL_TRAINING_MONTHS = 12

ALL_STAFF_TOPICS = (  # PS V.A.1-3
    TrainingTopic.CARE_COORDINATION_PRINCIPLES,
    TrainingTopic.EQUITY_IMPLICIT_BIAS,
    TrainingTopic.PRIVACY_HIPAA_FERPA,
)
COORDINATOR_AND_FAMILY_SUPPORT_TOPICS = (  # PS V.B.1-3
    TrainingTopic.COMMUNITY_RESOURCES,
    TrainingTopic.EDUCATION_SYSTEMS_IEP_504,
    TrainingTopic.SHARED_PLAN_OF_CARE,
)


def required_initial_topics(roles: Iterable[str]) -> tuple[str, ...]:
    roles = set(roles)
    topics = list(ALL_STAFF_TOPICS)
    if roles & {Role.CARE_COORDINATOR, Role.FAMILY_SUPPORT}:
        topics.extend(COORDINATOR_AND_FAMILY_SUPPORT_TOPICS)
    return tuple(topics)


def months_after(day: date, months: int) -> date:
    """``day + relativedelta(months=months)`` (the same day of the month, or the month's last
    day when it is shorter), without building a relativedelta: the dashboard computes this
    for every staff member's training cycles (issue 20)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def initial_training_due(hire_date: date) -> date:
    """The later of hire date + 3 months and 2023-12-31 (PS V, V.A)."""
    return max(months_after(hire_date, INITIAL_TRAINING_MONTHS), TRAINING_FLOOR)


@dataclass(frozen=True)
class TrainingStatus:
    state: str  # "complete", "due", "overdue"
    due: date | None
    completed_on: date | None
    missing: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return {"complete": _("Up to date"), "due": _("Due"), "overdue": _("Overdue")}[self.state]

    @property
    def missing_labels(self) -> list[str]:
        """The missing topics in words (the staff pages never show the codes)."""
        return [str(TrainingTopic(t).label) for t in self.missing]


def initial_training_completed_on(roles: Iterable[str],
                                  trainings: Iterable[tuple[str, date]],
                                  on: date) -> tuple[date | None, tuple[str, ...]]:
    """(date initial training was complete, missing topics) as known on ``on``.

    For each required topic the earliest completion counts (even before the hire date); the
    latest of those is the completion date. An annual record does not stand in for a topic.
    """
    earliest: dict[str, date] = {}
    for topic, completed in trainings:
        if completed <= on and (topic not in earliest or completed < earliest[topic]):
            earliest[topic] = completed
    required = required_initial_topics(roles)
    missing = tuple(t for t in required if t not in earliest)
    if missing:
        return None, missing
    return max(earliest[t] for t in required), ()


@dataclass(frozen=True)
class StaffTrainingFacts:
    hire_date: date
    roles: tuple[str, ...]
    trainings: tuple[tuple[str, date], ...]  # (topic, completed)


@dataclass(frozen=True)
class TrainingCycle:
    """One deadline of a training rule on a date, before the rule book gives it a status."""

    rule: str  # "staff_initial_training" | "staff_annual_training"
    start: date
    due: date
    satisfied_on: date | None
    cycle: int = 0


def training_cycles(f: StaffTrainingFacts, on: date) -> list[TrainingCycle]:
    """Initial training from the hire date (reading 11), then the annual chain from its
    completion (reading 5: each cycle is satisfied by the earliest annual training strictly
    after its anchor, which anchors the next; an unsatisfied cycle ends the chain), as known
    on ``on``."""
    if f.hire_date > on:
        return []
    completed_on, _missing = initial_training_completed_on(f.roles, f.trainings, on)
    found = [TrainingCycle("staff_initial_training", f.hire_date,
                           initial_training_due(f.hire_date), completed_on)]
    found.extend(TrainingCycle("staff_annual_training", start, due, satisfied, cycle)
                 for cycle, (start, due, satisfied)
                 in enumerate(_annual_chain(completed_on, f.trainings, on)))
    return found


def _annual_chain(completed_on: date | None, trainings: Iterable[tuple[str, date]],
                  on: date) -> Iterator[tuple[date, date, date | None]]:
    """``(start, due, satisfied_on)`` of each annual cycle from the initial completion: each
    satisfied by the earliest annual training strictly after its anchor, which anchors the
    next; an unsatisfied cycle ends the chain."""
    annuals = sorted(d for topic, d in trainings if topic == "annual" and d <= on)
    anchor = completed_on
    while anchor is not None and anchor <= on:
        after = bisect_right(annuals, anchor)  # the first annual training after the anchor
        satisfied = annuals[after] if after < len(annuals) else None
        yield anchor, months_after(anchor, ANNUAL_TRAINING_MONTHS), satisfied
        anchor = satisfied


def training_status(hire_date: date, roles: Iterable[str],
                    trainings: Iterable[tuple[str, date]], on: date) -> TrainingStatus:
    """Initial training first; once complete, the current cycle of annual training, read from
    the rule's annual chain (``_annual_chain``, as ``training_cycles``) rather than computed a
    second time."""
    trainings = tuple(trainings)
    completed_on, missing = initial_training_completed_on(roles, trainings, on)
    if completed_on is None:
        due = initial_training_due(hire_date)
        return TrainingStatus("overdue" if on > due else "due", due, None, missing)
    # Hired after ``on``: no deadline exists yet.
    chain = list(_annual_chain(completed_on, trainings, on)) if hire_date <= on else []
    if not chain:
        return TrainingStatus("complete", months_after(completed_on, ANNUAL_TRAINING_MONTHS),
                              completed_on)
    start, due, satisfied_on = chain[-1]  # a chain ends with its one unsatisfied cycle
    overdue = satisfied_on is None and on > due
    return TrainingStatus("overdue" if overdue else "complete", due, start)
