"""Staff training requirements (PS V): which initial topics each role needs, when initial
training is due, and whether initial and annual training are up to date on a date.

Pure functions over plain values. The two training rules of the deadline rule book
(deadlines.md ``staff_initial_training`` and ``staff_annual_training``) are computed here, in
the base, because the staff pages need them too: ``training_cycles`` gives their deadlines
and the rule book (``cares.deadlines.rules.compute_staff``) gives each its status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
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


def initial_training_due(hire_date: date) -> date:
    """The later of hire date + 3 months and 2023-12-31 (PS V, V.A)."""
    return max(hire_date + relativedelta(months=INITIAL_TRAINING_MONTHS), TRAINING_FLOOR)


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
    annuals = sorted(d for topic, d in f.trainings if topic == "annual" and d <= on)
    anchor, cycle = completed_on, 0
    while anchor is not None and anchor <= on:
        satisfied = next((d for d in annuals if d > anchor), None)
        found.append(TrainingCycle("staff_annual_training", anchor,
                                   anchor + relativedelta(months=ANNUAL_TRAINING_MONTHS),
                                   satisfied, cycle))
        anchor, cycle = satisfied, cycle + 1
    return found


def training_status(hire_date: date, roles: Iterable[str],
                    trainings: Iterable[tuple[str, date]], on: date) -> TrainingStatus:
    """Initial training first; once complete, the current cycle of annual training, read from
    the rule's cycles (``training_cycles``) rather than computed a second time."""
    trainings = tuple(trainings)
    roles = tuple(roles)
    completed_on, missing = initial_training_completed_on(roles, trainings, on)
    if completed_on is None:
        due = initial_training_due(hire_date)
        return TrainingStatus("overdue" if on > due else "due", due, None, missing)
    annual = [c for c in training_cycles(StaffTrainingFacts(hire_date, roles, trainings), on)
              if c.rule == "staff_annual_training"]
    if not annual:  # hired after ``on``: no deadline exists yet
        return TrainingStatus("complete", completed_on + relativedelta(
            months=ANNUAL_TRAINING_MONTHS), completed_on)
    current = annual[-1]  # a chain ends with its one unsatisfied cycle
    overdue = current.satisfied_on is None and on > current.due
    return TrainingStatus("overdue" if overdue else "complete", current.due, current.start)
