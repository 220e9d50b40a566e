"""Reads for letters, with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from cares.base.languages import is_english, language_name
from members.models import RemovalReason
from notices import rendering
from notices.content import REMOVAL_REASONS
from notices.models import (
    Channel,
    DeliveryStatus,
    Letter,
    LetterDelivery,
    LetterKind,
    LetterTemplate,
    MailingBatch,
)


def member_letters(member) -> list[Letter]:
    """Every letter of ``member``, newest first, with its PDF, deliveries and correction links
    (three queries)."""
    return list(
        Letter.objects.filter(member=member)
        .select_related("document", "corrects", "translated_template", "english_template")
        .prefetch_related(Prefetch("deliveries", queryset=LetterDelivery.objects.select_related(
            "batch").order_by("channel", "pk")))
        .order_by("-created_at", "-pk"))


def member_letter(member, letter_id: int) -> Letter:
    """A letter of ``member`` (404 for another member's letter)."""
    letter = (Letter.objects.filter(member=member, pk=letter_id)
              .select_related("document", "corrects", "episode__primary_contact__user",
                              "translated_template", "english_template").first())
    if letter is None:
        raise Http404
    return letter


def language_label(tag: str) -> str:
    return language_name(tag)


def template_overview() -> list[dict]:
    """For each kind and language: the version in use (latest approved) and the newest
    version, so the director sees what awaits approval."""
    rows: dict[tuple[str, str], dict] = {}
    for template in LetterTemplate.objects.select_related("approved_by").order_by(
            "kind", "language", "-version"):
        row = rows.setdefault((template.kind, template.language), {
            "kind": template.kind, "kind_label": LetterKind(template.kind).label,
            "language": template.language, "language_name": language_name(template.language),
            "latest": template, "in_use": None, "versions": 0})
        row["versions"] += 1
        if row["in_use"] is None and template.approved:
            row["in_use"] = template
    return sorted(rows.values(), key=lambda r: (r["kind"], r["language"] != "en", r["language"]))


def template_versions(template: LetterTemplate) -> list[LetterTemplate]:
    return list(LetterTemplate.objects.filter(kind=template.kind, language=template.language)
                .select_related("approved_by", "created_by").order_by("-version"))


def reason_labels() -> list[tuple[str, str]]:
    return [(key, RemovalReason(key).label) for key in REMOVAL_REASONS]


def mailing_overview(limit: int = 20) -> dict:
    """Certified copies waiting for a batch, and the recent batches."""
    waiting = LetterDelivery.objects.filter(
        channel=Channel.CERTIFIED_MAIL, status=DeliveryStatus.PENDING, batch__isnull=True,
        letter__finalized_at__isnull=False).count()
    batches = list(MailingBatch.objects.annotate(
        copies=Count("deliveries"),
        unmailed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
    ).select_related("created_by").order_by("-on", "-pk")[:limit])
    return {"waiting": waiting, "batches": batches}


def batch_deliveries(batch: MailingBatch) -> list[LetterDelivery]:
    return list(batch.deliveries.select_related("letter__member")
                .order_by("letter__member__legal_last_name", "letter_id", "pk"))


def release_summary(letter: Letter) -> dict:
    """What releasing ``letter`` does, for the person confirming it: the languages of the
    letter, who receives it and how, and a warning in words when the family's language is
    missing (they would receive English only)."""
    facts = rendering.letter_facts(letter)
    choice = rendering.choose_templates(letter.kind, letter.language)
    languages = [language_name(t.language) for t in (choice.translation, choice.english) if t]
    recipients = [(Channel.CERTIFIED_MAIL.label, r.name, r.address) for r in facts.mail] + \
                 [(Channel.EMAIL.label, r.name, r.email) for r in facts.email]
    warning = ""
    if choice.translation is None and not is_english(letter.language):
        warning = _("This family reads %(language)s, but the letter will be sent in English "
                    "only: there is no approved %(language)s translation of this letter. "
                    "Approve a translated template first, or release it in English "
                    "only.") % {"language": language_name(letter.language)}
    return {"languages": languages, "recipients": recipients, "warning": warning,
            "family_language": language_name(letter.language)}
