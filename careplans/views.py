"""Assessment and care plan pages (PS VI.A), and the responders' emergency plan page.

Thin, as the member pages: ``cares.base.access.member_view`` gets the member (404 outside one's care
teams, 403 on a page that writes for a user who may only read), forms validate, one service
writes, and a refusal shows the service's reasons and saves nothing. Clinical detail (the
assessment's sections, the health summary, the emergency plan) is shown only to users who
may see it (``may_see_clinical``); family support staff see the ICP's team, goals and action
steps.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from careplans import copies, emergency, services
from careplans.forms import (
    AllergyFormSet,
    AssessmentForm,
    AssessmentStartForm,
    CompleteForm,
    CopyForm,
    DeliveryForm,
    EmergencyForm,
    FinalizeForm,
    GoalFormSet,
    LinkForm,
    MedicationFormSet,
    MeetingForm,
    ParticipantFormSet,
    PlanStartForm,
    ShareForm,
    SourceFormSet,
    StepFormSet,
    SummaryForm,
    TeamFormSet,
    TransitionsForm,
    TranslationForm,
    formset_rows,
)
from careplans.models import ASSESSMENT_SECTIONS, HRSN_SCREENS, Assessment, CarePlan
from careplans.selectors import (
    care_plan_overview,
    copy_languages,
    current_plan,
    member_plan,
    plan_detail,
)
from cares.base.access import may_see_clinical
from cares.base.languages import language_name
from members.access import may_change_member, may_download_responder_card, member_view

NOTHING_SAVED = gettext_lazy("Nothing was saved. Please correct the problems shown.")


# --- Plumbing ------------------------------------------------------------------------------------

def _data(request):
    return request.POST if request.method == "POST" else None


def _save(request, parts, save: Callable[[], object]) -> tuple[object | None, list[str]]:
    """Validate every form and formset in ``parts``, then ``save()``: one service call.
    Returns what was saved, or None and the service's reasons for refusing."""
    if request.method != "POST":
        return None, []
    refused: list[str] = []
    if all([part.is_valid() for part in parts]):  # noqa: C419 (validate every part)
        try:
            return save(), []
        except ValidationError as exc:  # CarePlanError among them
            refused = exc.messages
    messages.error(request, NOTHING_SAVED)
    return None, refused


def _require_clinical(user) -> None:
    if not may_see_clinical(user):
        raise PermissionDenied


def _plan(member, plan_id: int) -> CarePlan:
    plan = member_plan(member, plan_id)
    if plan is None:
        raise Http404
    plan.member = member
    return plan


def _assessment(member, assessment_id: int) -> Assessment:
    assessment = get_object_or_404(member.assessments.select_related("completed_by__user"),
                                   pk=assessment_id)
    assessment.member = member
    return assessment


def _page(request, member, *, title: str, form, refused: list[str], citation: str = "",
          intro: str = "", formsets=(), cancel_url: str = "", **extra):
    return render(request, "careplans/form.html", {
        "member": member, "title": title, "citation": citation, "intro": intro, "form": form,
        "formsets": formsets, "refused": refused,
        "cancel_url": cancel_url or reverse("careplans:overview", args=[member.pk]), **extra,
    })


def _to_plan(request, plan: CarePlan, message: str):
    messages.success(request, message)
    return redirect("careplans:plan", pk=plan.member_id, plan_id=plan.pk)


# --- Overview ------------------------------------------------------------------------------------

@member_view("GET")
def overview_view(request, member):
    return render(request, "careplans/overview.html", {
        "member": member, **care_plan_overview(member), "now": timezone.now(),
        "can_change": may_change_member(request.user, member),
        "clinical": may_see_clinical(request.user),
    })


# --- Assessments ---------------------------------------------------------------------------------

@member_view("GET", "POST", change=True)
def assessment_new_view(request, member):
    form = AssessmentStartForm(_data(request))
    saved, refused = _save(request, [form], lambda: services.assessment_create(
        member=member, kind=form.cleaned_data["assessment_kind"], actor=request.user))
    if saved:
        messages.success(request, _("Draft %(kind)s started.") % {
            "kind": saved.get_kind_display().lower()})
        return redirect("careplans:assessment_edit", pk=member.pk, assessment_id=saved.pk)
    return _page(request, member, form=form, refused=refused, citation="PS VI.A.1.a-b",
                 title=_("New assessment"),
                 intro=_("A comprehensive assessment at least once a year, and a reassessment "
                         "after a significant change; an abbreviated evaluation when nothing "
                         "significant changed."))


@member_view("GET")
def assessment_view(request, member, assessment_id: int):
    assessment = _assessment(member, assessment_id)
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
    assessment = _assessment(member, assessment_id)
    data = _data(request)
    form = AssessmentForm(data, instance=Assessment.objects.get(pk=assessment.pk))
    sources = SourceFormSet(data, queryset=assessment.sources.all(), prefix="sources")
    saved, refused = _save(request, [form, sources], lambda: services.assessment_update(
        assessment=assessment, actor=request.user,
        values={name: form.cleaned_data[name] for name in form.fields},
        sources=formset_rows(sources)))
    if saved:
        messages.success(request, _("Assessment saved."))
        return redirect("careplans:assessment", pk=member.pk, assessment_id=assessment.pk)
    return _page(request, member, form=form, refused=refused, formsets=[
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
    assessment = _assessment(member, assessment_id)
    form = CompleteForm(_data(request))
    saved, refused = _save(request, [form], lambda: services.assessment_complete(
        assessment=assessment, completed_on=form.cleaned_data["completed_on"],
        completed_by=getattr(request.user, "staff_profile", None), actor=request.user))
    if saved:
        messages.success(request, _("Assessment completed on %(date)s.") % {
            "date": saved.completed_on.isoformat()})
        return redirect("careplans:assessment", pk=member.pk, assessment_id=assessment.pk)
    return _page(request, member, form=form, refused=refused, citation="PS VI.A.1.a-b",
                 title=_("Complete the assessment"), frozen=not assessment.is_draft,
                 missing=services.assessment_missing_for(assessment)
                 if assessment.is_draft else [],
                 cancel_url=reverse("careplans:assessment", args=[member.pk, assessment.pk]),
                 intro=_("Completed by you, on the date the assessment was finished."))


# --- The ICP -------------------------------------------------------------------------------------

@member_view("GET", "POST", change=True)
def plan_new_view(request, member):
    form = PlanStartForm(_data(request))
    saved, refused = _save(request, [form], lambda: services.care_plan_start(
        member=member, actor=request.user))
    if saved:
        return _to_plan(request, saved, _("ICP version %(version)d started.") % {
            "version": saved.version})
    latest = current_plan(member)
    return _page(request, member, form=form, refused=refused, citation="PS VI.A.1.c",
                 title=_("New ICP version"), button=_("Start"),
                 intro=_("Version %(version)d in force is copied into a new draft; change "
                         "what the reassessment found, hold a care planning meeting, and "
                         "finalize it.") % {"version": latest.version} if latest else
                 _("The first ICP starts from the latest assessment and the member's care "
                   "team, providers and guardians."))


@member_view("GET")
def plan_view(request, member, plan_id: int):
    plan = _plan(member, plan_id)
    clinical = may_see_clinical(request.user)
    detail = plan_detail(plan)
    can_change = may_change_member(request.user, member)
    return render(request, "careplans/plan.html", {
        "member": member, "plan": plan, **detail, "clinical": clinical,
        "can_change": can_change, "can_edit": can_change and plan.is_draft,
        "missing": services.plan_missing(detail["content"]) if plan.is_draft else [],
        "languages": [(tag, language_name(tag), detail["current_copies"].get(tag.lower()))
                      for tag in copy_languages(member)],
    })


def _edit_plan(request, member, plan_id: int, *, title: str, citation: str, intro: str = "",
               form_class=None, formsets=()):
    """One page of the ICP: some of its own fields (``form_class``) and some lists of rows
    (``formsets``: (list name, formset class, legend, citation))."""
    plan = _plan(member, plan_id)
    data = _data(request)
    form = form_class(data, instance=CarePlan.objects.get(pk=plan.pk)) if form_class \
        else forms.Form(data)
    related = {"steps": "action_steps"}
    sets = [(name, cls(data, prefix=name, queryset=getattr(plan, related.get(name, name))
                       .all(), form_kwargs={"plan": plan} if name == "steps" else {}),
             legend, cite) for name, cls, legend, cite in formsets]
    saved, refused = _save(request, [form, *(s for _n, s, _l, _c in sets)],
                           lambda: services.care_plan_update(
        plan=plan, actor=request.user,
        values={name: form.cleaned_data[name] for name in form.fields},
        rows={name: formset_rows(s) for name, s, _l, _c in sets}))
    if saved:
        return _to_plan(request, plan, _("Saved."))
    return _page(request, member, form=form, refused=refused, title=title, citation=citation,
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
        formsets=[("team", TeamFormSet, _("Care team"), "PS VI.A.1.c.5.a")])


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
                  ("allergies", AllergyFormSet, _("Allergies"), "PS VI.A.1.c.5.e")])


@member_view("GET", "POST", change=True)
def plan_finalize_view(request, member, plan_id: int):
    plan = _plan(member, plan_id)
    form = FinalizeForm(_data(request))
    saved, refused = _save(request, [form], lambda: services.care_plan_finalize(
        plan=plan, finalized_on=form.cleaned_data["finalized_on"], actor=request.user))
    if saved:
        return _to_plan(request, saved, _("ICP version %(version)d is finalized.") % {
            "version": saved.version})
    return _page(request, member, form=form, refused=refused, citation="PS VI.A.1.c",
                 title=_("Finalize ICP version %(version)d") % {"version": plan.version},
                 frozen=not plan.is_draft, plan=plan, button=_("Finalize"),
                 missing=services.care_plan_missing(plan) if plan.is_draft else [],
                 cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]),
                 intro=_("A finalized version never changes: later changes make a new "
                         "version."))


@member_view("GET", "POST", change=True)
def plan_share_view(request, member, plan_id: int):
    plan = _plan(member, plan_id)
    form = ShareForm(_data(request), member=member)
    saved, refused = _save(request, [form], lambda: copies.care_plan_share_record(
        plan=plan, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_plan(request, plan, _("Sharing with %(name)s recorded.") % {
            "name": saved.recipient})
    return _page(request, member, form=form, refused=refused, citation="PS VI.A.1.c.4-5",
                 title=_("Share the ICP"), plan=plan,
                 cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]),
                 intro=_("The ICP is shared with the member's PCP or PCP designee, and in "
                         "transition of care communication with relevant providers, state "
                         "agencies and the care team."))


@member_view("GET", "POST", change=True)
def plan_delivery_view(request, member, plan_id: int):
    plan = _plan(member, plan_id)
    form = DeliveryForm(_data(request), initial={"language": member.primary_language})
    saved, refused = _save(request, [form], lambda: copies.care_plan_delivery_record(
        plan=plan, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_plan(request, plan, _("Delivery of the %(language)s copy (%(medium)s) "
                                         "recorded.") % {
            "language": language_name(saved.language), "medium": saved.get_medium_display()})
    return _page(request, member, form=form, refused=refused, citation="PS VIII",
                 title=_("Record a copy given to the family"), plan=plan,
                 cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]),
                 intro=_("Both a paper and an electronic copy, in English and in the member "
                         "and family's primary language. The language's copy is made if "
                         "needed; an attached translation counts as that language's copy."))


@member_view("GET", "POST", change=True)
def plan_copy_view(request, member, plan_id: int):
    plan = _plan(member, plan_id)
    _require_clinical(request.user)
    form = CopyForm(_data(request), member=member)
    saved, refused = _save(request, [form], lambda: copies.care_plan_copy_make(
        plan=plan, language=form.cleaned_data["language"], actor=request.user))
    if saved:
        return _to_plan(request, plan, _("The %(language)s copy is ready.") % {
            "language": language_name(saved.language)})
    return _page(request, member, form=form, refused=refused, citation="PS VIII",
                 title=_("Make a PDF copy"), plan=plan, button=_("Make PDF"),
                 cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]))


@member_view("GET", "POST", change=True)
def plan_translation_view(request, member, plan_id: int):
    plan = _plan(member, plan_id)
    form = TranslationForm(_data(request), request.FILES or None,
                           initial={"language": member.primary_language})
    saved, refused = _save(request, [form], lambda: copies.care_plan_translation_attach(
        plan=plan, language=form.cleaned_data["language"], actor=request.user,
        content=form.cleaned_data["translation"]))  # bytes, read within the limit
    if saved:
        return _to_plan(request, plan, _("The %(language)s translation is attached.") % {
            "language": language_name(saved.language)})
    return _page(request, member, form=form, refused=refused, citation="PS VIII",
                 title=_("Attach a translated ICP"), plan=plan, multipart=True,
                 cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]),
                 intro=_("A translation of the whole plan, including the text the team typed. "
                         "It becomes that language's copy."))


# --- Emergency plan and responder links (PS VI.A.1.c.5.e) ----------------------------------------

@member_view("GET")
def emergency_view(request, member):
    _require_clinical(request.user)
    plan = current_plan(member)
    overview = care_plan_overview(member)
    context = emergency.emergency_context(plan) if plan else {"member": member}
    return render(request, "careplans/emergency.html", {
        **context, "member": member, "links": overview["links"], "uses": overview["uses"],
        "now": timezone.now(), "can_change": may_change_member(request.user, member),
        "may_download_cards": may_download_responder_card(request.user, member)})


@member_view("POST", change=True)
def emergency_pdf_view(request, member):
    _require_clinical(request.user)
    try:
        document = emergency.emergency_pdf_make(member=member, actor=request.user)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
        return redirect("careplans:emergency", pk=member.pk)
    return redirect("document_download", pk=member.pk, document_id=document.pk)


@member_view("GET", "POST", change=True)
def link_new_view(request, member):
    _require_clinical(request.user)
    form = LinkForm(_data(request))
    saved, refused = _save(request, [form], lambda: emergency.emergency_link_create(
        member=member, expires_on=form.cleaned_data["expires_on"], actor=request.user,
        url_for=lambda token: request.build_absolute_uri(
            reverse("careplans:responder", args=[token]))))
    if saved:
        link, _token = saved
        messages.success(request, _("Responder link created, valid through %(date)s. Print "
                                    "the card: its QR code is the only copy of the link.")
                         % {"date": timezone.localtime(link.expires_at).date().isoformat()})
        return redirect("careplans:emergency", pk=member.pk)
    return _page(request, member, form=form, refused=refused, citation="PS VI.A.1.c.5.e",
                 title=_("New responder link"), button=_("Create link and card"),
                 cancel_url=reverse("careplans:emergency", args=[member.pk]),
                 intro=_("EMTs and emergency department providers scan the card's QR code to "
                         "read the emergency plan without signing in. Every use is recorded. "
                         "Revoke the link if the card is lost."))


@member_view("POST", change=True)
def link_revoke_view(request, member, link_id: int):
    link = get_object_or_404(member.emergency_links, pk=link_id)
    try:
        emergency.emergency_link_revoke(link=link, actor=request.user)
        messages.success(request, _("The responder link is revoked."))
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    return redirect("careplans:emergency", pk=member.pk)


@login_not_required
@require_GET
def responder_view(request, token: str):
    """The public, read-only emergency plan a responder link opens; a plain refusal
    otherwise (no member detail of any kind)."""
    context = emergency.emergency_link_open(token=token, request=request)
    if context is None:
        response = render(request, "careplans/responder_refused.html", status=404)
    else:
        response = render(request, "careplans/responder.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response
