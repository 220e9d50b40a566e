"""The emergency plan for EMTs and emergency department providers (PS VI.A.1.c.5.e).

A one-page, large-type page and PDF made from the member's ICP version in force. Responders
open it without signing in through an access link: a long random token (shown only as a QR
code and address on the printed card; the database keeps its SHA-256), revocable, with an
expiry. Every use is recorded (time, address, browser) for the care team; a revoked or
expired link shows a plain refusal and nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from careplans.copies import catalog_language
from careplans.models import (
    CarePlan,
    EmergencyAccessLink,
    EmergencyAccessUse,
    LinkUseOutcome,
    TeamRole,
)
from careplans.selectors import copy_languages, current_plan, family_copy_language, plan_content
from cares.base.audit.context import client_address
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change, audit_record
from cares.base.documents.models import RESPONDER_CARD_KIND, Document
from cares.base.documents.services import document_store
from cares.base.languages import is_english, language_name
from cares.base.pdf import PDFRenderError, render_template_to_pdf
from cares.base.staff.models import Program, User
from cares.base.toolkit import Refusal, refuse
from members.models import Member

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits


def link_days() -> int:
    return getattr(settings, "CARES_EMERGENCY_LINK_DAYS", 365)


def link_max_days() -> int:
    return getattr(settings, "CARES_EMERGENCY_LINK_MAX_DAYS", 730)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def qr_svg(data: str) -> str:
    """``data`` as a QR code, an inline SVG (no file, no URL to fetch)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (made here, not input)


def emergency_context(plan: CarePlan) -> dict:
    """What the emergency plan shows, from one ICP version."""
    content = plan_content(plan)
    member = plan.member
    on = timezone.localdate()
    listed = [t for t in content.team if t.emergency]
    return {
        "plan": plan, "member": member, "content": content,
        "age": member.age_on(on),
        "providers": [t for t in listed if t.role != TeamRole.FAMILY],
        "guardians": [t for t in listed if t.role == TeamRole.FAMILY],
        "language": language_name(member.primary_language),
        "needs_interpreter": member.interpreter_needed or not is_english(
            member.primary_language),
        "program": Program.objects.first(), "printed_on": on,
    }


def _plan_or_refuse(member: Member) -> CarePlan:
    plan = current_plan(member)
    if plan is None:
        raise Refusal(_("The emergency plan comes from a finalized ICP; finalize one "
                              "first (PS VI.A.1.c.5.e)."))
    return plan


def emergency_languages(member: Member) -> list[str]:
    """The languages the emergency plan is printed in: English and the family's languages
    whose catalogs translate it (``cares/locale/``)."""
    return [tag for tag in copy_languages(member) if catalog_language(tag) is not None]


def emergency_default_language(member: Member) -> str:
    """The family's language when the emergency plan can be printed in it, else English."""
    tag = family_copy_language(member)
    return tag if tag in emergency_languages(member) else "en"


def emergency_pdf_make(*, member: Member, actor: User | None = None,
                       responder_url: str | None = None, language: str = "en") -> Document:
    """The one-page, large-type emergency plan as a stored PDF in ``language`` (English by
    default: the printed responder card, with ``responder_url`` and its QR code, is for EMTs
    and emergency departments in Massachusetts)."""
    plan = _plan_or_refuse(member)
    code = catalog_language(language)
    if code is None or (language not in emergency_languages(member) and code != "en"):
        raise Refusal(_("The emergency plan is printed in English or in the family's "
                        "language (%(languages)s).") % {"languages": ", ".join(
                            language_name(t) for t in emergency_languages(member))})
    context = {**emergency_context(plan), "document_language": language}
    if responder_url:
        context.update(qr=qr_svg(responder_url), responder_url=responder_url)
    with translation.override(code):
        try:
            _html, pdf = render_template_to_pdf("pdf/emergency.html", context)
        except PDFRenderError as exc:
            raise Refusal(_("The PDF could not be made; try again.")) from exc
    return document_store(member=member,
                          kind=RESPONDER_CARD_KIND if responder_url else "emergency_plan",
                          title=f"Emergency plan (ICP v{plan.version}, {language})"
                          + (" with responder QR code" if responder_url else ""),
                          content=pdf, actor=actor)


def _end_of(day: date) -> datetime:
    """The first moment after ``day`` (local time): a link valid through ``day``."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def emergency_link_create(*, member: Member, expires_on: date, url_for: Callable[[str], str],
                          actor: User | None = None) -> tuple[EmergencyAccessLink, str]:
    """A new responder link valid through ``expires_on``, and its printed card. Returns the
    link and its token (which is not stored: only the card carries it)."""
    today = timezone.localdate()
    problems: list[str] = []
    if current_plan(member) is None:
        problems.append(_("The emergency plan comes from a finalized ICP; finalize one first "
                          "(PS VI.A.1.c.5.e)."))
    if expires_on <= today:
        problems.append(_("The link must expire after today."))
    elif expires_on > today + timedelta(days=link_max_days()):
        problems.append(_("A link lasts at most %(days)d days; choose an earlier expiry.")
                        % {"days": link_max_days()})
    refuse(problems)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = EmergencyAccessLink.objects.create(
        member=member, token_sha256=token_digest(token), created_by=actor,
        expires_at=_end_of(expires_on))
    link.card = emergency_pdf_make(member=member, actor=actor, responder_url=url_for(token))
    link.save(update_fields=["card"])
    audit_change(action=Action.CREATE, obj=link, member=member, actor=actor,
                 detail={"expires_at": link.expires_at.isoformat()})
    return link, token


@transaction.atomic
def emergency_link_revoke(*, link: EmergencyAccessLink,
                          actor: User | None = None) -> EmergencyAccessLink:
    link = EmergencyAccessLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise Refusal(_("This link was already revoked on %(date)s.")
                            % {"date": timezone.localtime(link.revoked_at).date().isoformat()})
    link.revoked_at = timezone.now()
    link.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit_change(action=Action.UPDATE, obj=link, member=link.member_id, actor=actor,
                 fields=["revoked_at", "revoked_by"])
    return link


class _RedactedRequest:
    """The request as the audit log may see it: the address, not the token in the path."""

    user = None

    def __init__(self, request):
        self.META = request.META
        self.path = reverse("careplans:responder", args=["-"])


@transaction.atomic
def emergency_link_open(*, token: str, request) -> dict | None:
    """The emergency plan a responder link opens, or None (unknown, revoked or expired link,
    or no finalized plan). Every use of a known link is recorded, refused ones too."""
    if not token or len(token) > 100:
        return None
    link = EmergencyAccessLink.objects.select_related("member").filter(
        token_sha256=token_digest(token)).first()
    if link is None:
        return None
    state = link.state_at(timezone.now())
    plan = current_plan(link.member) if state == "active" else None
    outcome = LinkUseOutcome.SHOWN if plan is not None else \
        LinkUseOutcome.NO_PLAN if state == "active" else LinkUseOutcome(state)
    EmergencyAccessUse.objects.create(
        link=link, client_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], outcome=outcome)
    audit_record(action=Action.READ if plan is not None else Action.DENIED, member=link.member,
                 obj=link, detail={"responder_link": link.pk, "outcome": outcome.value},
                 request=_RedactedRequest(request))
    return emergency_context(plan) if plan is not None else None
