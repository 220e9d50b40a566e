"""Hospital stays and emergency-department visits (PS VI.B.1.i, VI.A.1.b.2, VI.A.1.c.4): add
one, its page, the discharge, the follow-up after it and the answer to the reassessment a
discharge suggests.

Thin, like ``members.coordination.views``: the member comes from ``member_view`` (404 outside
one's care teams, 403 on a page that writes for a user who may only read), a stay is looked up
among that member's own stays (404 otherwise), a form validates and one service writes. The
care plan pages (starting the reassessment, sharing the ICP with the discharge team) are
linked by URL name only: ``members`` imports nothing from ``careplans``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cares.base.access import may_see_clinical
from cares.base.toolkit import form_flow
from members.access import may_change_member, member_view
from members.coordination import services as coordination
from members.coordination import stay_selectors
from members.coordination.models import HospitalStay
from members.coordination.stay_forms import (
    DischargeForm,
    HospitalStayForm,
    ReassessmentDismissForm,
    StayFollowUpForm,
)
from members.pages import form_page, post_data
from members.services import current_episode

CITATION = "PS VI.B.1.i"


def _stay(member, stay_id: int) -> HospitalStay:
    """One of the member's stays (404 for anyone else's)."""
    return get_object_or_404(HospitalStay.objects.select_related("facility"), member=member,
                             pk=stay_id)


def _to_stay(request, stay: HospitalStay, message: str):
    messages.success(request, message)
    return redirect("members:stay_detail", pk=stay.member_id, stay_id=stay.pk)


def _summary(stay: HospitalStay) -> str:
    where = f" · {stay.facility}" if stay.facility_id else ""
    return _("%(setting)s from %(date)s%(where)s.") % {
        "setting": stay.get_setting_display(), "date": stay.admitted_on.isoformat(),
        "where": where}


def _stay_page(request, member, stay, form, refused, title: str, citation: str = CITATION,
               intro: str = ""):
    return form_page(request, member=member, form=form, refused=refused, title=title,
                     citation=citation, intro=f"{_summary(stay)} {intro}".strip(),
                     cancel_url=reverse("members:stay_detail", args=[member.pk, stay.pk]))


@member_view("GET", "POST", change=True)
def stay_add_view(request, member):
    form = HospitalStayForm(post_data(request), instance=HospitalStay(member=member))
    saved, refused = form_flow(request, [form], lambda: coordination.hospital_stay_record(
        member=member, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_stay(request, saved, _("%(setting)s recorded.") % {
            "setting": saved.get_setting_display()})
    return form_page(request, member=member, episode=current_episode(member), form=form,
                     refused=refused, title=_("Hospital stay or emergency-department visit"),
                     citation=CITATION,
                     intro=_("After the discharge, follow up with the member or family within "
                             "the program's follow-up window, and consider a "
                             "significant-change reassessment."))


@member_view("GET")
def stay_detail_view(request, member, stay_id: int):
    stay = stay_selectors.stay_for_page(member, stay_id)
    if stay is None:
        raise Http404
    can_change = may_change_member(request.user, member)
    return render(request, "members/stay_detail.html", {
        "member": member, "stay": stay, "clinical": may_see_clinical(request.user),
        "can_change": can_change,
        "follow_up": stay_selectors.follow_up_deadline(member, stay),
        "icp": stay_selectors.finalized_icp(member),
        "shares": list(stay.icp_shares.all()), "reassessments": list(stay.reassessments.all()),
        "discharge_form": DischargeForm(initial={
            "discharge_planning": stay.discharge_planning, "team_on_site": stay.team_on_site})
        if can_change and stay.in_progress else None,
        "follow_up_form": StayFollowUpForm()
        if can_change and stay.discharged_on and not stay.follow_up_on else None,
        "dismiss_form": ReassessmentDismissForm()
        if can_change and stay.reassessment_pending else None,
    })


@member_view("GET", "POST", change=True)
def stay_discharge_view(request, member, stay_id: int):
    stay = _stay(member, stay_id)
    form = DischargeForm(post_data(request), initial={
        "discharge_planning": stay.discharge_planning, "team_on_site": stay.team_on_site})
    saved, refused = form_flow(request, [form], lambda: coordination.hospital_stay_discharge(
        stay=stay, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_stay(request, saved, _(
            "Discharge recorded. Follow up with the member or family, and decide whether a "
            "significant-change reassessment is needed."))
    return _stay_page(request, member, stay, form, refused, _("Record the discharge"))


@member_view("GET", "POST", change=True)
def stay_follow_up_view(request, member, stay_id: int):
    stay = _stay(member, stay_id)
    form = StayFollowUpForm(post_data(request))
    saved, refused = form_flow(request, [form], lambda: coordination.hospital_stay_follow_up(
        stay=stay, actor=request.user, **form.cleaned_data))
    if saved:
        return _to_stay(request, saved, _("Follow-up after the discharge recorded."))
    intro = _("Discharged on %(date)s.") % {"date": stay.discharged_on.isoformat()} \
        if stay.discharged_on else _("Not discharged yet.")
    return _stay_page(request, member, stay, form, refused,
                      _("Follow-up after the discharge"), intro=intro)


@member_view("GET", "POST", change=True)
def stay_reassessment_view(request, member, stay_id: int):
    """Say why no significant-change reassessment is needed after this discharge. (Starting
    one is done on the care plan pages, which record the decision as they start it.)"""
    stay = _stay(member, stay_id)
    form = ReassessmentDismissForm(post_data(request))
    saved, refused = form_flow(
        request, [form], lambda: coordination.hospital_stay_reassessment_decide(
            stay=stay, accept=False, reason=form.cleaned_data["reason"], actor=request.user))
    if saved:
        return _to_stay(request, saved, _("Recorded: no reassessment is needed."))
    return _stay_page(request, member, stay, form, refused, _("No reassessment needed"),
                      citation="PS VI.A.1.b.2",
                      intro=_("A discharge suggests a significant-change reassessment (PS "
                              "VI.A.1.b.2). If none is needed, say why; the reason is kept "
                              "in the member's file."))
