"""A finalized ICP leaves the program: shared with the PCP or designee (PS VI.A.1.c.4-5), and
given to the family on paper and electronically, in English and in their primary language
(PS VIII).

The PDF copy of a language has its headings, labels and fixed text translated through
Django's translation machinery (``cares/locale/``); what the care team typed stays as typed. A
translated document attached for a language is that language's copy instead.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from careplans.models import (
    TREATMENT_RECIPIENTS,
    CarePlan,
    CarePlanCopy,
    CarePlanDelivery,
    CarePlanShare,
    CarePlanStatus,
    CopySource,
    DeliveryMedium,
    ShareRecipient,
)
from careplans.selectors import plan_content
from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.documents.services import document_store
from cares.base.languages import is_english, language_name, validate_language_tag
from cares.base.pdf import PDFRenderError, render_template_to_pdf
from cares.base.staff.models import Program, User
from cares.base.toolkit import Refusal, not_future, refuse

# Languages whose catalogs (cares/locale/) translate the ICP: Django language codes.
TRANSLATED = ("es", "pt", "vi", "zh-hans", "zh-hant")
MAX_TRANSLATION_BYTES = 10 * 1024 * 1024


def catalog_language(tag: str) -> str | None:
    """The Django language whose catalog translates the ICP into ``tag`` (``en`` for
    English), or None when there is none. ``pt-BR`` reads the ``pt`` catalog; Chinese picks
    traditional characters for Hant, Taiwan, Hong Kong and Macau, simplified otherwise."""
    tag = (tag or "").lower()
    if is_english(tag):
        return "en"
    parts = tag.split("-")
    if parts[0] == "zh":
        return "zh-hant" if {"hant", "tw", "hk", "mo"} & set(parts[1:]) else "zh-hans"
    return parts[0] if parts[0] in TRANSLATED else None


def _refuse_draft(plan: CarePlan, what: str) -> list[str]:
    if plan.status == CarePlanStatus.DRAFT:
        return [_("%(what)s only once the ICP is finalized.") % {"what": what}]
    return []


# --- The PDF -------------------------------------------------------------------------------------

def icp_context(plan: CarePlan, language: str) -> dict:
    return {"plan": plan, "member": plan.member, "content": plan_content(plan),
            "program": Program.objects.first(), "language": language,
            "language_name": language_name(language), "printed_on": timezone.localdate()}


def render_icp(plan: CarePlan, language: str) -> tuple[str, bytes]:
    """The ICP as (html, pdf) in ``language``. Raises ``Refusal`` when no catalog
    translates it."""
    code = catalog_language(language)
    if code is None:
        raise Refusal(_("The ICP's headings are not translated into %(language)s yet: "
                              "attach a translated document as that language's copy.")
                            % {"language": language_name(language)})
    context = icp_context(plan, language)
    with translation.override(code):
        try:
            return render_template_to_pdf("pdf/icp.html", context)
        except PDFRenderError as exc:
            raise Refusal(_("The PDF could not be made; try again.")) from exc


def current_copy(plan: CarePlan, language: str) -> CarePlanCopy | None:
    """The copy that counts for ``language``: an attached translation, else the latest PDF
    the application made."""
    copies = [c for c in plan.copies.select_related("document").order_by("-created_at", "-pk")
              if c.language.lower() == language.lower()]
    return next((c for c in copies if c.source == CopySource.TRANSLATION), None) or \
        next(iter(copies), None)


@transaction.atomic
def care_plan_copy_make(*, plan: CarePlan, language: str,
                        actor: User | None = None) -> CarePlanCopy:
    """The copy of a finalized ICP in ``language``: the existing one, or a new PDF."""
    problems = _refuse_draft(plan, _("Copies are made"))
    try:
        validate_language_tag(language)
    except ValidationError as exc:
        problems.extend(exc.messages)
    refuse(problems)
    existing = current_copy(plan, language)
    if existing is not None:
        return existing
    _html, pdf = render_icp(plan, language)
    document = document_store(member=plan.member, kind="care_plan",
                              title=f"ICP v{plan.version} ({language})", content=pdf,
                              actor=actor)
    copy = CarePlanCopy.objects.create(care_plan=plan, language=language,
                                       source=CopySource.GENERATED, document=document,
                                       created_by=actor)
    audit_change(action=Action.CREATE, obj=copy, member=plan.member_id, actor=actor)
    return copy


@transaction.atomic
def care_plan_translation_attach(*, plan: CarePlan, language: str, content: bytes | None,
                                 actor: User | None = None) -> CarePlanCopy:
    """Attach a translation of the whole finalized ICP (a PDF): it becomes that language's
    copy."""
    problems = _refuse_draft(plan, _("A translation is attached"))
    try:
        validate_language_tag(language)
    except ValidationError as exc:
        problems.extend(exc.messages)
    else:
        if is_english(language):
            problems.append(_("The English copy is the plan itself; attach translations into "
                              "other languages."))
    if not content:
        problems.append(_("Attach the translated document (a PDF)."))
    elif not content.startswith(b"%PDF-"):
        problems.append(_("The translated document must be a PDF."))
    elif len(content) > MAX_TRANSLATION_BYTES:
        problems.append(_("The translated document is larger than 10 MB."))
    refuse(problems)
    document = document_store(member=plan.member, kind="care_plan_translation",
                              title=f"ICP v{plan.version} ({language}, translation)",
                              content=content, actor=actor)
    copy = CarePlanCopy.objects.create(care_plan=plan, language=language,
                                       source=CopySource.TRANSLATION, document=document,
                                       created_by=actor)
    audit_change(action=Action.CREATE, obj=copy, member=plan.member_id, actor=actor)
    return copy


# --- Deliveries to the family and sharing with the PCP -------------------------------------------

@transaction.atomic
def care_plan_delivery_record(*, plan: CarePlan, language: str, medium: str,
                              delivered_on: date, delivered_to: str = "",
                              actor: User | None = None) -> CarePlanDelivery:
    """A copy given to the member/guardian (PS VIII). It is the language's current copy (made
    now if needed): a language with neither a catalog nor an attached translation is
    refused, so every delivery recorded in a language really was in that language."""
    problems = _refuse_draft(plan, _("Deliveries are recorded"))
    try:
        validate_language_tag(language)
    except ValidationError as exc:
        problems.extend(exc.messages)
    if medium not in DeliveryMedium.values:
        problems.append(_("Choose paper or electronic."))
    not_future(delivered_on, _("The delivery date"), problems)
    if plan.finalized_on and delivered_on < plan.finalized_on:
        problems.append(_("The delivery date is before the ICP was finalized (%(date)s).")
                        % {"date": plan.finalized_on.isoformat()})
    refuse(problems)
    copy = care_plan_copy_make(plan=plan, language=language, actor=actor)
    delivery = CarePlanDelivery(care_plan=plan, language=language, medium=medium,
                                delivered_on=delivered_on, recipient=delivered_to.strip(),
                                copy=copy, recorded_by=actor)
    delivery.full_clean()
    delivery.save()
    audit_change(action=Action.CREATE, obj=delivery, member=plan.member_id, actor=actor)
    events.tell(events.member_facts_changed, member_id=plan.member_id)
    return delivery


def _stay_share_problems(plan: CarePlan, recipient_kind: str, shared_on: date,
                         stay) -> list[str]:
    """A share naming a hospital stay is the transition-of-care communication with its
    discharge team (PS VI.A.1.c.4)."""
    if stay is None:
        return []
    if stay.member_id != plan.member_id:
        return [_("That hospital stay is another member's.")]
    problems = []
    if recipient_kind != ShareRecipient.DISCHARGE_TEAM:
        problems.append(_("An ICP shared for a hospital stay goes to its discharge team."))
    if shared_on and shared_on < stay.admitted_on:
        problems.append(_("The date shared is before the admission (%(date)s).")
                        % {"date": stay.admitted_on.isoformat()})
    return problems


@transaction.atomic
def care_plan_share_record(*, plan: CarePlan, recipient_kind: str, recipient: str,
                           shared_on: date, method: str = "", release=None,
                           hospital_stay=None, actor: User | None = None) -> CarePlanShare:
    """The finalized ICP shared with the PCP or designee (PS VI.A.1.c.5) or with another
    party (c.4), such as a hospital stay's discharge team (``hospital_stay``). Sharing outside
    treatment needs a release of information in force."""
    problems = _refuse_draft(plan, _("The ICP is shared"))
    problems += _stay_share_problems(plan, recipient_kind, shared_on, hospital_stay)
    not_future(shared_on, _("The date shared"), problems)
    if plan.finalized_on and shared_on < plan.finalized_on:
        problems.append(_("The date shared is before the ICP was finalized (%(date)s).")
                        % {"date": plan.finalized_on.isoformat()})
    if release is not None and release.member_id != plan.member_id:
        problems.append(_("That release of information is not the member's."))
    elif recipient_kind not in TREATMENT_RECIPIENTS:
        if release is None:
            problems.append(_("Sharing with anyone other than a treating provider needs a "
                              "signed release of information (PS VIII): choose it."))
        elif not release.in_force(shared_on):
            problems.append(_("The release of information to %(party)s is not in force on "
                              "%(date)s.") % {"party": release.party,
                                              "date": shared_on.isoformat()})
    if not (recipient or "").strip():
        problems.append(_("Name who the ICP was shared with."))
    refuse(problems)
    share = CarePlanShare(care_plan=plan, recipient_kind=recipient_kind,
                          recipient=recipient.strip(), shared_on=shared_on,
                          method=(method or "").strip(), release=release,
                          hospital_stay=hospital_stay, recorded_by=actor)
    share.full_clean()
    share.save()
    audit_change(action=Action.CREATE, obj=share, member=plan.member_id, actor=actor)
    return share
