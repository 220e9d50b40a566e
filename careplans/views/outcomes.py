"""Recording what became of an ICP goal (PS VII.B): the care team (coordinators on the
member's care team, senior care managers, the program director) records it on a goal of a
finalized or superseded version; family support staff may not (``member_view(change=True)``)."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careplans.models import Goal, GoalAchievement
from careplans.outcomes import goal_outcome_record
from careplans.views.common import page, posted, to_plan
from cares.base.staff.forms import DATE_INPUT
from cares.base.toolkit import form_flow
from members.access import member_view


class GoalOutcomeForm(forms.Form):
    achievement = forms.ChoiceField(label=gettext_lazy("What became of the goal"),
                                    choices=GoalAchievement.choices, widget=forms.RadioSelect)
    achieved_on = forms.DateField(label=gettext_lazy("Met on"), widget=DATE_INPUT,
                                  required=False,
                                  help_text=gettext_lazy("Only for a goal that was met."))
    assessed_on = forms.DateField(label=gettext_lazy("Assessed on"), widget=DATE_INPUT,
                                  initial=timezone.localdate)
    note = forms.CharField(label=gettext_lazy("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


def _goal_or_404(member, goal_id: int) -> Goal:
    goal = Goal.objects.select_related("plan", "outcome").filter(
        pk=goal_id, plan__member=member).first()
    if goal is None:
        raise Http404
    goal.plan.member = member
    return goal


@member_view("GET", "POST", change=True)
def goal_outcome_view(request, member, goal_id: int):
    goal = _goal_or_404(member, goal_id)
    known = getattr(goal, "outcome", None)
    initial = {"achievement": known.achievement, "achieved_on": known.achieved_on,
               "assessed_on": known.assessed_on, "note": known.note} if known else {}
    form = GoalOutcomeForm(posted(request), initial=initial)
    saved, refused = form_flow(request, [form], lambda: goal_outcome_record(
        goal=goal, actor=request.user, **form.cleaned_data))
    if saved:
        return to_plan(request, goal.plan, _("Outcome of the goal recorded."))
    target = goal.target_date.isoformat() if goal.target_date else _("no target date")
    return page(request, member, form=form, refused=refused, citation="PS VII.B",
                title=_("Outcome of a goal"), plan=goal.plan, button=_("Record outcome"),
                intro=_("Goal: %(goal)s (target date: %(target)s).")
                % {"goal": goal.description, "target": target},
                cancel_url=reverse("careplans:plan", args=[member.pk, goal.plan_id]))
