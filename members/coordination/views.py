"""Care coordination pages: quick-add forms from the member page, the referral page with its
closed loop, and the referrals worklist per coordinator.

Thin, like ``members.views``: the member comes from ``members.access.member_view`` (404 outside
one's care teams, 403 on a page that writes for a user who may only read), a record of the
member is looked up among that member's own records (404 otherwise), a form validates and one
service writes (``cares.base.toolkit.form_flow``). A refused step shows the service's reasons,
keeps the input and saves nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import (
    VIEW_ALL_MEMBERS,
    VIEW_MEMBER,
    may,
    may_answer_consultations,
    may_see_clinical,
    permission_required,
    staff_profile,
)
from cares.base.audit.services import audit_members_listed
from cares.base.staff.models import Program
from cares.base.toolkit import form_flow
from members.access import consultation_for, consultations_for, may_change_member, member_view
from members.coordination import selectors
from members.coordination import services as coordination
from members.coordination.forms import (
    CaseReviewForm,
    ConsultRequestForm,
    ConsultResponseForm,
    ContactForm,
    ExceptionForm,
    FollowUpForm,
    InquiryAnswerForm,
    InquiryForm,
    MonitoringForm,
    MonitoringIcpForm,
    NoticeForm,
    OnCallForm,
    ReferralEditForm,
    ReferralForm,
    ReferralStatusForm,
    TransitionPlanForm,
)
from members.coordination.models import (
    ConsultationRequest,
    MonitoringReview,
    ReferralInquiry,
    ReferralStatus,
    ServiceReferral,
    TransitionPlan,
)
from members.coverage.availability import Availability
from members.pages import PAGE_SIZE, SCOPE_LABELS, default_scope, done, form_page, post_data
from members.selectors import caseload, scopes_for
from members.services import current_episode
from members.staff_choices import primary_contact_choices


def _referral(member, referral_id: int) -> ServiceReferral:
    """One of the member's referrals (404 for anyone else's)."""
    return get_object_or_404(ServiceReferral.objects.select_related("provider", "member"),
                             member=member, pk=referral_id)


def _referral_page(request, member, referral: ServiceReferral, form, refused, title: str,
                   citation: str, intro: str = ""):
    summary = _("Referral to %(service)s, %(referred)s · %(status)s") % {
        "service": referral.service, "referred": referral.referred_on.isoformat(),
        "status": referral.get_status_display()}
    return form_page(request, member=member, episode=current_episode(member), form=form,
                     refused=refused, title=title, citation=citation,
                     intro=f"{summary}. {intro}".strip())


def _to_referral(request, member, referral, message: str):
    messages.success(request, message)
    return redirect("members:referral_detail", pk=member.pk, referral_id=referral.pk)


# --- Referrals ------------------------------------------------------------------------------------

@member_view("GET", "POST", change=True)
def referral_add_view(request, member):
    form = ReferralForm(post_data(request), instance=ServiceReferral(member=member))
    saved, refused = form_flow(request, [form], lambda: coordination.referral_create(
        member=member, actor=request.user, **form.cleaned_data))
    if saved:
        duplicates = selectors.open_duplicates([member.pk])
        if saved.pk in duplicates:
            messages.warning(request, _("Another open referral of this member is for the same "
                                        "service: this one is shown as a likely duplicate."))
        return _to_referral(request, member, saved, _("Referral to %(service)s recorded.")
                            % {"service": saved.service})
    return form_page(request, member=member, episode=current_episode(member), form=form,
                     refused=refused, title=_("New referral to a service"),
                     citation="PS VI.B.1.f, VI.D.2",
                     intro=_("The referral starts as pending: sent, the provider has not yet "
                             "confirmed. Follow up no later than 30 days after the scheduled "
                             "service date (PS VI.D.2.b)."))


@member_view("GET")
def referral_detail_view(request, member, referral_id: int):
    on = timezone.localdate()
    referral = get_object_or_404(selectors.referrals_with_records(member.referrals.all()),
                                 pk=referral_id)
    duplicates = selectors.open_duplicates([member.pk])
    return render(request, "members/referral_detail.html", {
        "member": member, "referral": referral, "today": on,
        "row": selectors.referral_row(referral, on, duplicates),
        "can_change": may_change_member(request.user, member),
        "clinical": may_see_clinical(request.user),
    })


@member_view("GET", "POST", change=True)
def referral_edit_view(request, member, referral_id: int):
    referral = _referral(member, referral_id)
    form = ReferralEditForm(post_data(request), instance=referral)
    saved, refused = form_flow(request, [form], lambda: coordination.referral_update(
        referral=referral, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_referral(request, member, saved, _("Referral saved."))
    return _referral_page(request, member, referral, form, refused, _("Edit referral"),
                          "PS VI.D.2")


@member_view("GET", "POST", change=True)
def referral_status_view(request, member, referral_id: int):
    referral = _referral(member, referral_id)
    preset = request.GET.get("to_status")  # "Close the loop" from the termination page
    form = ReferralStatusForm(post_data(request), initial={"to_status": preset}
                              if preset in ReferralStatus.values else None)
    saved, refused = form_flow(request, [form], lambda: coordination.referral_status_change(
        referral=referral, actor=request.user, **form.change()))
    if saved:
        return _to_referral(request, member, saved, _("Referral status: %(status)s.")
                            % {"status": saved.get_status_display()})
    return _referral_page(request, member, referral, form, refused, _("Change referral status"),
                          "CLR", _("Pending, accepted, declined (with its reason), closed "
                                   "(with its closure reason)."))


@member_view("GET", "POST", change=True)
def referral_follow_up_view(request, member, referral_id: int):
    referral = _referral(member, referral_id)
    form = FollowUpForm(post_data(request), instance=None, referral=referral)
    saved, refused = form_flow(request, [form], lambda: coordination.referral_follow_up_record(
        referral=referral, actor=request.user, **form.cleaned_data))
    if saved:
        if form.cleaned_data.get("close_loop"):
            return _to_referral(request, member, referral, _(
                "Follow-up recorded; the referral loop is closed (services received)."))
        return _to_referral(request, member, referral, _("Follow-up recorded."))
    return _referral_page(request, member, referral, form, refused, _("Referral follow-up"),
                          "PS VI.D.2.a-b",
                          _("Follow up with the member or the service provider: were services "
                            "received, and did they meet the member's need?"))


@member_view("GET", "POST", change=True)
def referral_exception_view(request, member, referral_id: int):
    referral = _referral(member, referral_id)
    form = ExceptionForm(post_data(request))
    saved, refused = form_flow(request, [form], lambda: coordination.referral_exception_record(
        referral=referral, kind=form.cleaned_data["exception_kind"],
        reason=form.cleaned_data["exception_reason"], actor=request.user))
    if saved:
        return _to_referral(request, member, saved, _("Follow-up exception recorded."))
    return _referral_page(request, member, referral, form, refused,
                          _("Follow-up exception"), "PS VI.D.2.b-c",
                          _("When a 30-day follow-up cannot be made: an unexpected circumstance, "
                            "or a service scheduled more than 30 days after the referral. The "
                            "reason is kept in the member's file."))


@member_view("GET", "POST", change=True)
def referral_inquiry_view(request, member, referral_id: int):
    referral = _referral(member, referral_id)
    form = InquiryForm(post_data(request), instance=ReferralInquiry(referral=referral))
    saved, refused = form_flow(request, [form], lambda: coordination.referral_inquiry_record(
        referral=referral, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_referral(request, member, referral, _("Inquiry recorded."))
    return _referral_page(request, member, referral, form, refused,
                          _("Status inquiry"), "CLR",
                          _("Acknowledge the inquiry and give the referral's latest status "
                            "within one business day."))


@member_view("GET", "POST", change=True)
def inquiry_answer_view(request, member, inquiry_id: int):
    inquiry = get_object_or_404(ReferralInquiry.objects.select_related("referral"),
                                referral__member=member, pk=inquiry_id)
    form = InquiryAnswerForm(post_data(request))
    saved, refused = form_flow(request, [form], lambda: coordination.referral_inquiry_answer(
        inquiry=inquiry, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_referral(request, member, inquiry.referral, _("Answer recorded."))
    return _referral_page(request, member, inquiry.referral, form, refused,
                          _("Answer a status inquiry"), "CLR",
                          _("Inquiry from %(who)s on %(date)s.") % {
                              "who": inquiry.from_name,
                              "date": inquiry.received_on.isoformat()})


@member_view("GET", "POST", change=True)
def referral_notice_view(request, member, referral_id: int):
    referral = _referral(member, referral_id)
    form = NoticeForm(post_data(request), instance=None, referral=referral)
    saved, refused = form_flow(request, [form], lambda: coordination.referral_notice_record(
        referral=referral, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_referral(request, member, referral, _("Notice recorded."))
    return _referral_page(request, member, referral, form, refused,
                          _("Notice to the referring entity"), "CLR",
                          _("A professional referrer is notified of the closure reason within "
                            "two business days of the loop closing."))


# --- Monitoring and the transition plan -----------------------------------------------------------

@member_view("GET", "POST", change=True)
def monitoring_add_view(request, member):
    form = MonitoringForm(post_data(request), instance=MonitoringReview(member=member))
    saved, refused = form_flow(request, [form], lambda: coordination.monitoring_review_record(
        member=member, actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("Monitoring review recorded."))
    return form_page(request, member=member, episode=current_episode(member), form=form,
                     refused=refused, title=_("Monitoring review"), citation="PS VI.D.1",
                     intro=_("At least every six months, with the member and their "
                             "parent/guardian and the care team."))


@member_view("GET", "POST", change=True)
def monitoring_icp_view(request, member, review_id: int):
    review = get_object_or_404(MonitoringReview, member=member, pk=review_id)
    form = MonitoringIcpForm(post_data(request), review=review)
    saved, refused = form_flow(request, [form], lambda: coordination.monitoring_link_icp(
        review=review, actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("The updated ICP is linked to the monitoring review."))
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Link the updated ICP"), citation="PS VI.D.1, VII.B",
                     intro=_("Monitoring review of %(date)s.") % {
                         "date": review.reviewed_on.isoformat()})


@member_view("GET", "POST", change=True)
def transition_plan_view(request, member):
    on = timezone.localdate()
    plan = coordination.transition_plan_of(member)
    form = TransitionPlanForm(post_data(request), instance=plan or TransitionPlan(member=member))
    saved, refused = form_flow(request, [form], lambda: coordination.transition_plan_save(
        member=member, on=form.cleaned_data["plan_on"], actor=request.user, **form.plan()))
    if saved:
        missing = saved.missing_elements(age=member.age_on(on))
        if missing:
            return done(request, member, _("Transition plan saved; still missing: "
                                           "%(missing)s.") % {"missing": "; ".join(missing)})
        return done(request, member, _("Transition plan saved."))
    return form_page(request, member=member, episode=current_episode(member), form=form,
                     refused=refused, title=_("Transition to adulthood"), citation="PS VI.C",
                     intro=_("From age 16, developed with the member and updated regularly; "
                             "from age 20 also the timing of the transfer of primary and "
                             "subspecialty care."))


# --- Contacts, on-call, case reviews, consultations -----------------------------------------------

@member_view("GET", "POST", change=True)
def contact_add_view(request, member):
    form = ContactForm(post_data(request), instance=None, profile=staff_profile(request.user))
    saved, refused = form_flow(request, [form], lambda: coordination.contact_record(
        member=member, actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("Contact recorded."))
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Record a contact"), citation="PS VI.B.1.a",
                     intro=_("Only a contact with the member or a parent/guardian made in "
                             "person or by telehealth counts as regular contact; phone "
                             "calls and messages are recorded all the same."))


@member_view("GET", "POST", change=True)
def on_call_add_view(request, member):
    form = OnCallForm(post_data(request), instance=None, profile=staff_profile(request.user))
    saved, refused = form_flow(request, [form], lambda: coordination.on_call_record(
        member=member, actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("On-call call recorded."))
    program = Program.objects.first()
    line = _(" 24/7 on-call line: %(phone)s.") % {"phone": program.on_call_phone} \
        if program and program.on_call_phone else ""
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("On-call call"), citation="PS VI.B.1.b",
                     intro=_("The dedicated line answers 24 hours a day, 365 days a year: "
                             "medical questions, DME needs or failures, access to services, "
                             "crises and emergencies. Record when the caller was first "
                             "called back, or that the call was answered live.") + line)


@member_view("GET", "POST", change=True)
def case_review_add_view(request, member):
    form = CaseReviewForm(post_data(request), instance=None)
    saved, refused = form_flow(request, [form], lambda: coordination.case_review_record(
        member=member, actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("Case review recorded."))
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Interdisciplinary case review"), citation="PS III",
                     intro=_("All members of the interdisciplinary team, and the member and "
                             "their parent/guardian."))


@member_view("GET", "POST", change=True)
def consult_add_view(request, member):
    form = ConsultRequestForm(post_data(request), instance=None)
    saved, refused = form_flow(request, [form], lambda: coordination.consult_request(
        member=member, requested_by=staff_profile(request.user), actor=request.user,
        **form.cleaned_data))
    if saved:
        return done(request, member, _("Consultation request recorded."))
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Consultation with the senior medical professional"),
                     citation="PS IV.A.2",
                     intro=_("The senior medical professional answers by phone or face to "
                             "face within one business day of the request."))


@member_view("GET", "POST", change=True)
def consult_response_view(request, member, consult_id: int):
    consult = get_object_or_404(ConsultationRequest.objects.select_related("consultant__user"),
                                member=member, pk=consult_id)
    form = ConsultResponseForm(post_data(request))
    saved, refused = form_flow(request, [form], lambda: coordination.consult_respond(
        consult=consult, actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("Consultation response recorded."))
    requested = timezone.localtime(consult.requested_at).strftime("%Y-%m-%d %H:%M")
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Consultation response"), citation="PS IV.A.2",
                     intro=_("Request to %(who)s at %(when)s.") % {
                         "who": consult.consultant, "when": requested})


# --- The senior medical professional's consultations (PS IV.A.2) ---------------------------------

@require_GET
def consultation_queue_view(request):
    """The consultations addressed to me: unanswered first (due in one business day), then
    the last 30 days' answers. Only these, never the rest of the member's record."""
    if not may_answer_consultations(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = selectors.consultation_queue(consultations_for(request.user), today)
    audit_members_listed(members=[row.consult.member for row in rows], request=request,
                         detail={"page": "consultations"})
    dues = [row.deadline.due for row in rows if row.deadline and not row.consult.responded_at]
    known = Availability(min([today, *dues]), max([today, *dues]))
    entries = [(row, known.on(row.deadline.due) if row.deadline and not row.consult.responded_at
                else None) for row in rows]
    return render(request, "members/consultations.html", {
        "rows": entries, "covering_now": known.at(timezone.now())})


@require_http_methods(["GET", "POST"])
def consult_answer_view(request, pk: int, consult_id: int):
    consult = consultation_for(request.user, pk, consult_id)
    form = ConsultResponseForm(post_data(request))
    saved, refused = form_flow(request, [form], lambda: coordination.consult_respond(
        consult=consult, actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Consultation response recorded."))
        return redirect("members:consultations")
    requested = timezone.localtime(consult.requested_at).strftime("%Y-%m-%d %H:%M")
    return render(request, "members/form.html", {
        "form": form, "refused": refused, "title": _("Answer a consultation"),
        "citation": "PS IV.A.2", "cancel_url": reverse("members:consultations"),
        "intro": _("%(member)s · asked by %(who)s at %(when)s: %(question)s") % {
            "member": consult.member, "who": consult.requested_by or _("the care team"),
            "when": requested, "question": consult.question}})


# --- The referrals worklist -----------------------------------------------------------------------

@permission_required(VIEW_MEMBER)
@require_GET
def referral_list_view(request):
    """Referrals that still need work, per coordinator, soonest follow-up due first."""
    on = timezone.localdate()
    scopes = scopes_for(request.user)
    scope = request.GET.get("scope", "")
    if scope not in scopes:
        scope = default_scope(request.user, scopes)
        if scope == "team" and "all" in scopes:  # the program director: everyone's
            scope = "all"
    coordinators = list(primary_contact_choices()) if may(request.user, VIEW_ALL_MEMBERS) \
        else []
    chosen = next((c for c in coordinators if str(c.pk) == request.GET.get("coordinator")),
                  None)
    if chosen is not None:
        scope = "mine"
    members = caseload(request.user, scope=scope, profile=chosen)
    page = selectors.referral_worklist(members, request.GET.get("page"), PAGE_SIZE)
    referrals = list(page.object_list)
    shown = list({r.member_id: r.member for r in referrals}.values())
    audit_members_listed(members=shown, actor=request.user,
                         detail={"page": "referrals", "scope": scope})
    duplicates = selectors.open_duplicates([m.pk for m in shown])
    return render(request, "members/referrals.html", {
        "rows": [selectors.referral_row(r, on, duplicates) for r in referrals],
        "page": page, "scope": scope, "today": on, "coordinators": coordinators,
        "chosen": chosen, "scopes": [(s, SCOPE_LABELS[s]) for s in scopes],
        "clinical": may_see_clinical(request.user),
        "list_url": reverse("members:referrals"),
    })
