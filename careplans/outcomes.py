"""Recording what became of an ICP goal (PS VII.B: outcomes beside timeliness).

An outcome is recorded *about* a goal of a finalized or superseded ICP version (the version
itself never changes): one per goal, recording again replaces it (its history keeps the
earlier one). The goal row is locked while the outcome is written, so of two people recording
at once the second waits and then replaces the first (both audited).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from careplans.models import CarePlanStatus, Goal, GoalAchievement, GoalOutcome
from cares.base.staff.models import User
from cares.base.toolkit import FieldProblem, not_future, save_and_audit

RECORDABLE = (CarePlanStatus.FINALIZED, CarePlanStatus.SUPERSEDED)


def _problems(goal: Goal, achievement: str, achieved_on: date | None,
              assessed_on: date | None) -> list[str]:
    problems: list[str] = []
    plan = goal.plan
    if plan.status not in RECORDABLE or plan.finalized_on is None:
        problems.append(_("ICP version %(version)d is a draft: outcomes are recorded for the "
                          "goals of a finalized version.") % {"version": plan.version})
    if achievement not in GoalAchievement.values:
        problems.append(FieldProblem(_("Choose what became of the goal."), "achievement"))
    if assessed_on is None:
        problems.append(FieldProblem(_("Give the day the goal was assessed."), "assessed_on"))
    not_future(assessed_on, _("The assessment date"), problems, "assessed_on")
    not_future(achieved_on, _("The day the goal was met"), problems, "achieved_on")
    if achievement == GoalAchievement.MET and achieved_on is None:
        problems.append(FieldProblem(_("Give the day the goal was met."), "achieved_on"))
    elif achievement != GoalAchievement.MET and achieved_on is not None:
        problems.append(FieldProblem(_("A day met is given only for a goal that was met."),
                                     "achieved_on"))
    if achieved_on and assessed_on and achieved_on > assessed_on:
        problems.append(FieldProblem(
            _("The goal cannot be met after the day it was assessed (%(date)s).")
            % {"date": assessed_on.isoformat()}, "achieved_on"))
    if assessed_on and plan.finalized_on and assessed_on < plan.finalized_on:
        problems.append(FieldProblem(
            _("ICP version %(version)d was finalized on %(date)s: its goal is assessed on or "
              "after that day.") % {"version": plan.version,
                                    "date": plan.finalized_on.isoformat()}, "assessed_on"))
    return problems


@transaction.atomic
def goal_outcome_record(*, goal: Goal, achievement: str, achieved_on: date | None,
                        assessed_on: date | None, note: str = "",
                        actor: User | None = None) -> GoalOutcome:
    """Record (or replace) the outcome of ``goal``: met (with the day met, not after the day
    assessed), partly met, not met or no longer relevant. Refused, writing nothing, for a goal
    of a draft version, a date in the future, or a missing or inconsistent date."""
    goal = Goal.objects.select_for_update(of=("self",)).select_related("plan").get(pk=goal.pk)
    problems = _problems(goal, achievement, achieved_on, assessed_on)
    outcome = GoalOutcome.objects.filter(goal=goal).first() or GoalOutcome(goal=goal)
    outcome.achievement = achievement
    outcome.achieved_on = achieved_on
    outcome.assessed_on = assessed_on
    outcome.note = (note or "").strip()
    outcome.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    return save_and_audit(outcome, actor=actor, member=goal.plan.member_id, problems=problems)
