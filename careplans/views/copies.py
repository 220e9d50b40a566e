"""A finalized ICP leaves the program: shared with the PCP (PS VI.A.1.c.4-5), copies made or
attached and given to the family (PS VIII)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from careplans import copies
from careplans.forms import CopyForm, DeliveryForm, ShareForm, TranslationForm
from careplans.models import ShareRecipient
from careplans.selectors import family_copy_language
from careplans.views.common import (
    page,
    plan_or_404,
    posted,
    require_clinical,
    stay_or_none,
    to_plan,
)
from cares.base.languages import language_name
from cares.base.toolkit import form_flow
from members.access import member_view


@member_view("GET", "POST", change=True)
def plan_share_view(request, member, plan_id: int):
    plan = plan_or_404(member, plan_id)
    stay = stay_or_none(request, member)  # ?stay=: to its discharge team (PS VI.A.1.c.4)
    form = ShareForm(posted(request), member=member, initial={
        "recipient_kind": ShareRecipient.DISCHARGE_TEAM,
        "recipient": str(stay.facility or "")} if stay else None)
    saved, refused = form_flow(request, [form], lambda: copies.care_plan_share_record(
        plan=plan, hospital_stay=stay, actor=request.user, **form.cleaned_data))
    message = _("Sharing with %(name)s recorded.") % {"name": saved.recipient} if saved else ""
    if saved and stay is not None:
        messages.success(request, message)
        return redirect("members:stay_detail", pk=member.pk, stay_id=stay.pk)
    if saved:
        return to_plan(request, plan, message)
    intro = _("The ICP is shared with the member's PCP or PCP designee, and in transition of "
              "care communication with relevant providers, state agencies and the care team.")
    if stay is not None:
        intro = _("Transition of care: the ICP shared with the discharge team of the %(setting)s "
                  "from %(date)s.") % {"setting": stay.get_setting_display().lower(),
                                      "date": stay.admitted_on.isoformat()}
    return page(request, member, form=form, refused=refused, citation="PS VI.A.1.c.4-5",
                title=_("Share the ICP"), plan=plan, intro=intro,
                cancel_url=reverse("members:stay_detail", args=[member.pk, stay.pk]) if stay
                else reverse("careplans:plan", args=[member.pk, plan.pk]))


@member_view("GET", "POST", change=True)
def plan_delivery_view(request, member, plan_id: int):
    plan = plan_or_404(member, plan_id)
    form = DeliveryForm(posted(request), initial={"language": family_copy_language(member)})
    saved, refused = form_flow(request, [form], lambda: copies.care_plan_delivery_record(
        plan=plan, actor=request.user, **form.cleaned_data))
    if saved:
        return to_plan(request, plan, _("Delivery of the %(language)s copy (%(medium)s) "
                                         "recorded.") % {
            "language": language_name(saved.language), "medium": saved.get_medium_display()})
    return page(request, member, form=form, refused=refused, citation="PS VIII",
                title=_("Record a copy given to the family"), plan=plan,
                cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]),
                intro=_("Both a paper and an electronic copy, in English and in the member "
                        "and family's primary language. The language's copy is made if "
                        "needed; an attached translation counts as that language's copy."))


@member_view("GET", "POST", change=True)
def plan_copy_view(request, member, plan_id: int):
    plan = plan_or_404(member, plan_id)
    require_clinical(request.user)
    form = CopyForm(posted(request), member=member,
                    initial={"language": family_copy_language(member)})
    saved, refused = form_flow(request, [form], lambda: copies.care_plan_copy_make(
        plan=plan, language=form.cleaned_data["language"], actor=request.user))
    if saved:
        return to_plan(request, plan, _("The %(language)s copy is ready.") % {
            "language": language_name(saved.language)})
    return page(request, member, form=form, refused=refused, citation="PS VIII",
                title=_("Make a PDF copy"), plan=plan, button=_("Make PDF"),
                cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]))


@member_view("GET", "POST", change=True)
def plan_translation_view(request, member, plan_id: int):
    plan = plan_or_404(member, plan_id)
    form = TranslationForm(posted(request), request.FILES or None,
                           initial={"language": member.primary_language})
    saved, refused = form_flow(request, [form], lambda: copies.care_plan_translation_attach(
        plan=plan, language=form.cleaned_data["language"], actor=request.user,
        content=form.cleaned_data["translation"]))  # bytes, read within the limit
    if saved:
        return to_plan(request, plan, _("The %(language)s translation is attached.") % {
            "language": language_name(saved.language)})
    return page(request, member, form=form, refused=refused, citation="PS VIII",
                title=_("Attach a translated ICP"), plan=plan, multipart=True,
                cancel_url=reverse("careplans:plan", args=[member.pk, plan.pk]),
                intro=_("A translation of the whole plan, including the text the team typed. "
                        "It becomes that language's copy."))
