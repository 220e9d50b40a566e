"""The comprehensive assessment and reassessments (PS VI.A.1.a-b)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from careplans import services
from careplans.forms import (
    AssessmentForm,
    AssessmentStartForm,
    CompleteForm,
    SourceFormSet,
    formset_rows,
)
from careplans.models import ASSESSMENT_SECTIONS, HRSN_SCREENS, Assessment, AssessmentKind
from careplans.views.common import (
    assessment_checklist,
    assessment_or_404,
    page,
    posted,
    stay_or_none,
)
from cares.base import events
from cares.base.access import may_see_clinical
from cares.base.toolkit import form_flow
from members.access import may_change_member, member_view


@member_view("GET", "POST", change=True)
def assessment_new_view(request, member):
    stay = stay_or_none(request, member)  # ?stay=: suggested by a discharge (PS VI.A.1.b.2)
    form = AssessmentStartForm(posted(request), initial={
        "assessment_kind": AssessmentKind.SIGNIFICANT_CHANGE} if stay else None)
    saved, refused = form_flow(request, [form], lambda: services.assessment_create(
        member=member, kind=form.cleaned_data["assessment_kind"], hospital_stay=stay,
        actor=request.user))
    if saved:
        messages.success(request, _("Draft %(kind)s started.") % {
            "kind": saved.get_kind_display().lower()})
        return redirect("careplans:assessment_edit", pk=member.pk, assessment_id=saved.pk)
    intro = _("A comprehensive assessment at least once a year, and a reassessment after a "
              "significant change; an abbreviated evaluation when nothing significant changed.")
    if stay is not None:
        intro = _("A significant-change reassessment after the discharge of %(date)s "
                  "(%(setting)s), as the discharge suggested.") % {
            "date": stay.discharged_on.isoformat() if stay.discharged_on else "—",
            "setting": stay.get_setting_display().lower()}
    return page(request, member, form=form, refused=refused, citation="PS VI.A.1.a-b",
                title=_("New assessment"), intro=intro)


def icp_update_deadline(member, assessment: Assessment):
    """The stored ``icp_update`` deadline of a completed reassessment whose request for an ICP
    update still waits (``None`` otherwise): the rule book's answer, asked for, not computed
    here."""
    if not (assessment.icp_update_needed and assessment.completed_on
            and assessment.new_care_plan_id is None):
        return None
    ref = f"{assessment._meta.label_lower}:{assessment.pk}"
    return next((d for d in events.ask(events.member_deadlines, member=member)
                 if d.rule == "icp_update" and d.ref == ref), None)


@member_view("GET")
def assessment_view(request, member, assessment_id: int):
    assessment = assessment_or_404(member, assessment_id)
    clinical = may_see_clinical(request.user)
    may_change = may_change_member(request.user, member)
    return render(request, "careplans/assessment.html", {
        "member": member, "assessment": assessment, "clinical": clinical,
        "sections": [(label, cite, getattr(assessment, field))
                     for field, label, cite in ASSESSMENT_SECTIONS] if clinical else [],
        "screens": [(label, getattr(assessment, f"get_{answer}_display")(),
                     getattr(assessment, notes))
                    for answer, notes, label in HRSN_SCREENS] if clinical else [],
        "sources": list(assessment.sources.all()),
        "missing": services.assessment_missing_for(assessment) if assessment.is_draft
        and clinical else [],
        "can_change": may_change and assessment.is_draft,
        "can_update_icp": may_change and assessment.icp_update_needed
        and assessment.new_care_plan_id is None,
        "icp_update": icp_update_deadline(member, assessment),
    })


@member_view("GET", "POST", change=True)
def assessment_edit_view(request, member, assessment_id: int):
    assessment = assessment_or_404(member, assessment_id)
    data = posted(request)
    form = AssessmentForm(data, instance=Assessment.objects.get(pk=assessment.pk))
    sources = SourceFormSet(data, queryset=assessment.sources.all(), prefix="sources")
    saved, refused = form_flow(request, [form, sources], lambda: services.assessment_update(
        assessment=assessment, actor=request.user,
        values={name: form.cleaned_data[name] for name in form.fields},
        sources=formset_rows(sources)))
    if saved:
        messages.success(request, _("Assessment saved."))
        return redirect("careplans:assessment", pk=member.pk, assessment_id=assessment.pk)
    return page(request, member, form=form, refused=refused, formsets=[
       (_("Information sources consulted"), "PS VI.A.1.a.3", sources)],
       title=assessment.get_kind_display(), citation="PS VI.A.1.a-b",
       frozen=not assessment.is_draft,
       cancel_url=reverse("careplans:assessment", args=[member.pk, assessment.pk]),
       intro=_("Take the member's history across the full spectrum of medical, social, "
               "educational and emotional needs, identify their needs, and gather "
               "information from the parent/guardian, medical providers, state agencies, "
               "social service providers and educators."))


@member_view("GET", "POST", change=True)
def assessment_complete_view(request, member, assessment_id: int):
    assessment = assessment_or_404(member, assessment_id)
    form = CompleteForm(posted(request))
    saved, refused = form_flow(request, [form], lambda: services.assessment_complete(
        assessment=assessment, completed_on=form.cleaned_data["completed_on"],
        completed_by=getattr(request.user, "staff_profile", None), actor=request.user))
    if saved:
        messages.success(request, _("Assessment completed on %(date)s.") % {
            "date": saved.completed_on.isoformat()})
        return redirect("careplans:assessment", pk=member.pk, assessment_id=assessment.pk)
    return page(request, member, form=form, refused=refused, citation="PS VI.A.1.a-b",
                title=_("Complete the assessment"), frozen=not assessment.is_draft,
                missing=assessment_checklist(
                    assessment, services.assessment_missing_for(assessment))
                if assessment.is_draft else [],
                cancel_url=reverse("careplans:assessment", args=[member.pk, assessment.pk]),
                intro=_("Completed by you, on the date the assessment was finished."))
