"""What the care plan pages share: the bound data, the member's plan or assessment (404
otherwise), the one form page and the way back to the plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from careplans.models import Assessment, CarePlan
from careplans.rules import PLAN_SECTION_TITLES, Missing
from careplans.selectors import member_plan
from careplans.services import ASSESSMENT_FIELDS, PLAN_ROWS
from cares.base.access import may_see_clinical
from cares.base.toolkit import checklist


def posted(request):
    """The submitted data on a POST (bound forms), else None."""
    return request.POST if request.method == "POST" else None


def require_clinical(user) -> None:
    if not may_see_clinical(user):
        raise PermissionDenied


def plan_or_404(member, plan_id: int) -> CarePlan:
    plan = member_plan(member, plan_id)
    if plan is None:
        raise Http404
    plan.member = member
    return plan


def assessment_or_404(member, assessment_id: int) -> Assessment:
    assessment = get_object_or_404(member.assessments.select_related("completed_by__user",
                                                                     "new_care_plan"),
                                   pk=assessment_id)
    assessment.member = member
    return assessment


def stay_or_none(request, member):
    """The hospital stay named by ``?stay=`` (a reassessment or an ICP share after it, PS
    VI.A.1.b.2, VI.A.1.c.4): one of the member's own stays (404 otherwise), or ``None``."""
    stay_id = request.GET.get("stay", "")
    if not stay_id:
        return None
    if not stay_id.isdigit():
        raise Http404
    return get_object_or_404(member.hospital_stays.select_related("facility"), pk=stay_id)


def page(request, member, *, title: str, form, refused: list[str], citation: str = "",
         intro: str = "", formsets=(), cancel_url: str = "", **extra):
    """The one form page of the care plan screens."""
    return render(request, "careplans/form.html", {
        "member": member, "title": title, "citation": citation, "intro": intro, "form": form,
        "formsets": formsets, "refused": refused,
        "cancel_url": cancel_url or reverse("careplans:overview", args=[member.pk]), **extra,
    })


def to_plan(request, plan: CarePlan, message: str):
    messages.success(request, message)
    return redirect("careplans:plan", pk=plan.member_id, plan_id=plan.pk)


def missing_link(plan: CarePlan, missing: Missing) -> str:
    """The page and field (or list of rows) that supplies a missing element of ``plan``; the
    assessment it rests on is listed on the care plan overview."""
    if missing.section == "assessment":
        return reverse("careplans:overview", args=[plan.member_id]) + "#assessments-heading"
    url = reverse(f"careplans:plan_{missing.edit_page}", args=[plan.member_id, plan.pk])
    if not missing.field:
        return url
    return f"{url}#formset-{missing.field}" if missing.field in PLAN_ROWS \
        else f"{url}#id_{missing.field}"


def assessment_checklist(assessment, missing) -> list:
    """What a draft ``assessment`` still needs to be completed, each item a link to the
    section field (or the list of sources) on its edit page."""
    url = reverse("careplans:assessment_edit", args=[assessment.member_id, assessment.pk])

    def link(m) -> str:
        if m.key in ASSESSMENT_FIELDS:
            return f"{url}#id_{m.key}"
        return f"{url}#formset-sources" if "source" in m.key else url

    return checklist((_("Assessment"), str(m), link(m)) for m in missing)


def plan_checklist(plan: CarePlan, missing) -> list:
    """What ``plan`` still needs to be finalized, grouped by section, each item a link to the
    field that supplies it (``templates/_checklist.html``)."""
    return checklist((PLAN_SECTION_TITLES[m.section], str(m), missing_link(plan, m))
                     for m in missing)
