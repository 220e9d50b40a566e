"""The care plan overview and the ICP: its versions and the pages that edit its parts
(PS VI.A.1.c)."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from careplans import prefill, services
from careplans.forms import (
    AllergyFormSet,
    EmergencyForm,
    FinalizeForm,
    GoalFormSet,
    MedicationFormSet,
    MeetingForm,
    ParticipantFormSet,
    PlanStartForm,
    StepFormSet,
    SummaryForm,
    TeamFormSet,
    TransitionsForm,
    formset_rows,
)
from careplans.models import CarePlan
from careplans.rules import FINALIZE_ROWS
from careplans.selectors import care_plan_overview, copy_languages, current_plan, plan_detail
from careplans.views.common import page, plan_checklist, plan_or_404, posted, to_plan
from cares.base.access import may_see_clinical
from cares.base.languages import language_name
from cares.base.staff.models import Program
from cares.base.toolkit import form_flow, needed_label
from members.access import may_change_member, member_view


@member_view("GET")
def overview_view(request, member):
    return render(request, "careplans/overview.html", {
        "member": member, **care_plan_overview(member), "now": timezone.now(),
        "can_change": may_change_member(request.user, member),
        "clinical": may_see_clinical(request.user),
    })


@member_view("GET", "POST", change=True)
def plan_new_view(request, member):
    form = PlanStartForm(posted(request))
    saved, refused = form_flow(request, [form], lambda: services.care_plan_start(
        member=member, actor=request.user))
    if saved:
        return to_plan(request, saved, _("ICP version %(version)d started.") % {
            "version": saved.version})
    latest = current_plan(member)
    return page(request, member, form=form, refused=refused, citation="PS VI.A.1.c",
                title=_("New ICP version"), button=_("Start"),
                intro=_("Version %(version)d in force is copied into a new draft; change "
                        "what the reassessment found, hold a care planning meeting, and "
                        "finalize it.") % {"version": latest.version} if latest else
                _("The first ICP starts from the latest assessment and the member's care "
                  "team, providers and guardians."))


@member_view("GET")
def plan_view(request, member, plan_id: int):
    plan = plan_or_404(member, plan_id)
    clinical = may_see_clinical(request.user)
    detail = plan_detail(plan)
    can_change = may_change_member(request.user, member)
    return render(request, "careplans/plan.html", {
        "member": member, "plan": plan, **detail, "clinical": clinical,
        "can_change": can_change, "can_edit": can_change and plan.is_draft,
        "missing": plan_checklist(plan, services.plan_missing(detail["content"]))
        if plan.is_draft else [],
        "languages": [(tag, language_name(tag), detail["current_copies"].get(tag.lower()))
                      for tag in copy_languages(member)],
        "program": Program.objects.order_by("pk").first(),  # the 24/7 line (PS VI.B.1.b)
    })


def _edit_plan(request, member, plan_id: int, *, title: str, citation: str, intro: str = "",
               form_class=None, formsets=(), starting=None):
    """One page of the ICP: some of its own fields (``form_class``) and some lists of rows
    (``formsets``: (list name, formset class, legend, citation)); ``starting(plan)``: the
    values entered elsewhere that the page offers (``careplans.prefill``)."""
    plan = plan_or_404(member, plan_id)
    data = posted(request)
    form = form_class(data, instance=CarePlan.objects.get(pk=plan.pk)) if form_class \
        else forms.Form(data)
    related = {"steps": "action_steps"}
    sets = [(name, cls(data, prefix=name, queryset=getattr(plan, related.get(name, name))
                       .all(), form_kwargs={"plan": plan} if name == "steps" else {}),
             legend, needed_label(cite, _("Needed to finalize")) if name in FINALIZE_ROWS
             else cite) for name, cls, legend, cite in formsets]
    offered = starting(plan) if starting and plan.is_draft else None
    if offered:
        prefill.offer(offered, form, {name: s for name, s, _l, _c in sets})
        intro = f"{intro} {offered.note}".strip()
    saved, refused = form_flow(request, [form, *(s for _n, s, _l, _c in sets)],
                               lambda: services.care_plan_update(
        plan=plan, actor=request.user,
        values={name: form.cleaned_data[name] for name in form.fields},
        rows={name: formset_rows(s) for name, s, _l, _c in sets}))
    if saved:
        return to_plan(request, plan, _("Saved."))
    return page(request, member, form=form, refused=refused, title=title, citation=citation,
                intro=intro, formsets=[(legend, cite, s) for _n, s, legend, cite in sets],
                frozen=not plan.is_draft, plan=plan,
                cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]))


@member_view("GET", "POST", change=True)
def plan_meeting_view(request, member, plan_id: int):
    return _edit_plan(
        request, member, plan_id, form_class=MeetingForm, citation="PS VI.A.1, VI.A.1.c.1",
        title=_("Care planning meeting"),
        intro=_("The ICP is developed with the member and their parent/guardian: record who "
                "took part."),
        formsets=[("participants", ParticipantFormSet, _("Participants"), "PS VI.A.1.c.1")])


@member_view("GET", "POST", change=True)
def plan_team_view(request, member, plan_id: int):
    return _edit_plan(
        request, member, plan_id, citation="PS VI.A.1.c.5.a",
        title=_("Care managers and care team"),
        intro=_("Name and contact details of the care managers and the other care team "
                "members: the PCP or PCP designee, specialists, school or early childhood "
                "supports, CCM and CSN, community and state agency supports. List the family "
                "too, and mark who goes on the emergency plan."),
        formsets=[("team", TeamFormSet, _("Care team"), "PS VI.A.1.c.5.a")],
        starting=prefill.team_starting_values)


@member_view("GET", "POST", change=True)
def plan_summary_view(request, member, plan_id: int):
    return _edit_plan(
        request, member, plan_id, form_class=SummaryForm, citation="PS VI.A.1.c.5.b",
        title=_("Health summary, educational needs and HRSN supports"))


@member_view("GET", "POST", change=True)
def plan_goals_view(request, member, plan_id: int):
    return _edit_plan(
        request, member, plan_id, citation="PS VI.A.1.c.5.b.ii", title=_("Goals"),
        intro=_("Long- and short-term clinical, functional, developmental and social goals, "
                "specific, achievable and with a target date; and aspirational goals "
                "(long-term hopes)."),
        formsets=[("goals", GoalFormSet, _("Goals"), "PS VI.A.1.c.5.b.ii")])


@member_view("GET", "POST", change=True)
def plan_steps_view(request, member, plan_id: int):
    return _edit_plan(
        request, member, plan_id, citation="PS VI.A.1.c.5.c", title=_("Action steps"),
        intro=_("Recommended action steps for each goal, the care team member responsible, "
                "and any accessibility requirements."),
        formsets=[("steps", StepFormSet, _("Action steps"), "PS VI.A.1.c.5.c")])


@member_view("GET", "POST", change=True)
def plan_transitions_view(request, member, plan_id: int):
    return _edit_plan(
        request, member, plan_id, form_class=TransitionsForm, citation="PS VI.A.1.c.5.d",
        title=_("Transitions and continuity of care"))


@member_view("GET", "POST", change=True)
def plan_emergency_view(request, member, plan_id: int):
    return _edit_plan(
        request, member, plan_id, form_class=EmergencyForm, citation="PS VI.A.1.c.5.e",
        title=_("Emergency plan"),
        intro=_("For EMTs and emergency department providers. The providers most involved and "
                "the guardians to call are the care team entries marked for the emergency "
                "plan."),
        formsets=[("medications", MedicationFormSet, _("Medications"), "PS VI.A.1.c.5.e"),
                  ("allergies", AllergyFormSet, _("Allergies"), "PS VI.A.1.c.5.e")],
        starting=prefill.emergency_page_values)


@member_view("GET", "POST", change=True)
def plan_finalize_view(request, member, plan_id: int):
    plan = plan_or_404(member, plan_id)
    form = FinalizeForm(posted(request))
    saved, refused = form_flow(request, [form], lambda: services.care_plan_finalize(
        plan=plan, finalized_on=form.cleaned_data["finalized_on"], actor=request.user))
    if saved:
        return to_plan(request, saved, _("ICP version %(version)d is finalized.") % {
            "version": saved.version})
    # What is missing is the checklist (each item a link to its field), not a sentence each.
    missing = services.care_plan_missing(
        plan, getattr(form, "cleaned_data", {}).get("finalized_on")) if plan.is_draft else []
    reasons = set(services.missing_reasons(missing))
    listed = plan_checklist(plan, missing)
    return page(request, member, form=form, citation="PS VI.A.1.c",
                refused=refused, refused_checklist=listed if reasons & set(refused) else [],
                refused_other=[r for r in refused if r not in reasons],
                title=_("Finalize ICP version %(version)d") % {"version": plan.version},
                frozen=not plan.is_draft, plan=plan, button=_("Finalize"), missing=listed,
                cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]),
                intro=_("A finalized version never changes: later changes make a new "
                        "version."))
