"""The emergency plan and the responders' access links (PS VI.A.1.c.5.e): the care team's
pages, and the one public page a responder link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from careplans import emergency
from careplans.forms import LinkForm
from careplans.selectors import care_plan_overview, current_plan
from careplans.views.common import page, posted, require_clinical
from cares.base.languages import language_name
from cares.base.toolkit import form_flow
from members.access import may_change_member, may_download_responder_card, member_view


@member_view("GET")
def emergency_view(request, member):
    require_clinical(request.user)
    plan = current_plan(member)
    overview = care_plan_overview(member)
    context = emergency.emergency_context(plan) if plan else {"member": member}
    return render(request, "careplans/emergency.html", {
        **context, "member": member, "links": overview["links"], "uses": overview["uses"],
        "print_languages": [(tag, language_name(tag))
                            for tag in emergency.emergency_languages(member)],
        "print_language": emergency.emergency_default_language(member),
        "now": timezone.now(), "can_change": may_change_member(request.user, member),
        "may_download_cards": may_download_responder_card(request.user, member)})


@member_view("POST", change=True)
def emergency_pdf_view(request, member):
    require_clinical(request.user)
    try:
        document = emergency.emergency_pdf_make(
            member=member, actor=request.user,
            language=request.POST.get("language") or emergency.emergency_default_language(member))
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
        return redirect("careplans:emergency", pk=member.pk)
    return redirect("document_download", pk=member.pk, document_id=document.pk)


@member_view("GET", "POST", change=True)
def link_new_view(request, member):
    require_clinical(request.user)
    form = LinkForm(posted(request))
    saved, refused = form_flow(request, [form], lambda: emergency.emergency_link_create(
        member=member, expires_on=form.cleaned_data["expires_on"], actor=request.user,
        url_for=lambda token: request.build_absolute_uri(
            reverse("careplans:responder", args=[token]))))
    if saved:
        link, _token = saved
        messages.success(request, _("Responder link created, valid through %(date)s. Print "
                                    "the card: its QR code is the only copy of the link.")
                         % {"date": timezone.localtime(link.expires_at).date().isoformat()})
        return redirect("careplans:emergency", pk=member.pk)
    return page(request, member, form=form, refused=refused, citation="PS VI.A.1.c.5.e",
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
