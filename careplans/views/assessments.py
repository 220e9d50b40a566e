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
from careplans.models import ASSESSMENT_SECTIONS, HRSN_SCREENS, Assessment
from careplans.views.common import assessment_or_404, page, posted
from cares.base.access import may_see_clinical
from cares.base.toolkit import form_flow
from members.access import may_change_member, member_view


@member_view("GET", "POST", change=True)
def assessment_new_view(request, member):
    form = AssessmentStartForm(posted(request))
    saved, refused = form_flow(request, [form], lambda: services.assessment_create(
        member=member, kind=form.cleaned_data["assessment_kind"], actor=request.user))
    if saved:
        messages.success(request, _("Draft %(kind)s started.") % {
            "kind": saved.get_kind_display().lower()})
        return redirect("careplans:assessment_edit", pk=member.pk, assessment_id=saved.pk)
    return page(request, member, form=form, refused=refused, citation="PS VI.A.1.a-b",
                title=_("New assessment"),
                intro=_("A comprehensive assessment at least once a year, and a reassessment "
                        "after a significant change; an abbreviated evaluation when nothing "
                        "significant changed."))


@member_view("GET")
def assessment_view(request, member, assessment_id: int):
    assessment = assessment_or_404(member, assessment_id)
    clinical = may_see_clinical(request.user)
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
        "can_change": may_change_member(request.user, member) and assessment.is_draft,
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
                missing=services.assessment_missing_for(assessment)
                if assessment.is_draft else [],
                cancel_url=reverse("careplans:assessment", args=[member.pk, assessment.pk]),
                intro=_("Completed by you, on the date the assessment was finished."))
