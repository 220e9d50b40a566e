"""Writes for letters (PS VIII, IX.C): draft, render, release, deliver, correct; templates.

Each write checks first and refuses with every reason (``Refusal``); nothing is written on
refusal. Work that can run twice (a retry, a double click, two workers) claims its row with a
conditional update (``filter(status=...).update(...)``; 0 rows: someone else did it), so a
letter is released once and each e-mail is sent once (``notices.delivery``). Rendering and
e-mail run in Celery tasks (``notices.tasks``), queued by name only after the transaction
commits (``notices.queue``). A letter sent tells the deadline engine through
``cares.base.events``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.documents.models import Document
from cares.base.documents.services import document_store
from cares.base.toolkit import FieldProblem, history_row, refuse
from members.models import Episode, EpisodeStatus
from notices import content, queue, rendering
from notices.models import (
    Channel,
    DeliveryStatus,
    Letter,
    LetterDelivery,
    LetterKind,
    LetterStatus,
    LetterTemplate,
)
from notices.rules import LETTER_DAYS

# --- Drafting -----------------------------------------------------------------------------------

def _episode_problems(episode, kind: str) -> list[str]:
    if kind == LetterKind.ENROLLMENT and not episode.effective_date:
        return [_("The member is not enrolled yet: an enrollment letter needs the enrollment "
                  "effective date (PS VIII).")]
    if kind == LetterKind.TERMINATION and not episode.termination_date:
        return [_("The assignment is not terminated yet: a termination letter needs the "
                  "termination date (PS IX.C).")]
    return []


def letter_draft(*, episode, kind: str, actor=None) -> Letter:
    """The letter of ``kind`` for ``episode``: the existing one, or a new draft whose PDF a
    worker renders after commit. Idempotent (one letter per episode and kind; a correction
    is a separate letter, see ``letter_correct``)."""
    if kind not in LetterKind.values:
        refuse([_("Choose an enrollment or a termination letter.")])
    refuse([str(p) for p in _episode_problems(episode, kind)])
    existing = Letter.objects.filter(episode=episode, kind=kind, corrects__isnull=True).first()
    if existing is not None:
        return existing
    member = episode.member
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                member=member, episode=episode, kind=kind, created_by=actor,
                language=content.family_language(member.primary_language,
                                                 member.preferred_written_language))
            audit_change(action=Action.CREATE, obj=letter, member=member, actor=actor)
    except IntegrityError:  # another worker drafted it first
        return Letter.objects.get(episode=episode, kind=kind, corrects__isnull=True)
    _render_after_commit([letter.pk])
    return letter


def letter_draft_after_commit(*, episode_id: int, kind: str) -> None:
    """For ``members.services``: once the enrollment or termination commits, a worker drafts
    the letter (the nightly ``draft_missing_letters`` catches any that were missed)."""
    queue.later(queue.DRAFT_LETTER, episode_id, kind)


def draft_missing_letters() -> dict[str, int]:
    """Draft every letter that is owed and missing, so no deadline is missed for lack of a
    draft: an enrollment letter for each enrolled episode not terminated, a termination
    letter for each terminated episode. Their PDFs are rendered in chunks by the workers."""
    def lacking(kind):
        return ~Exists(Letter.objects.filter(episode=OuterRef("pk"), kind=kind))

    # A terminated episode still owes its enrollment letter when that deadline was already
    # overdue on the termination date (deadlines.md, reading 9); one still open then is
    # excepted ("member terminated") and owes nothing.
    overdue_at_termination = Q(
        status=EpisodeStatus.TERMINATED,
        termination_date__gt=ExpressionWrapper(F("effective_date") + LETTER_DAYS,
                                               output_field=DateField()))
    owed = [
        (LetterKind.ENROLLMENT, Episode.objects.filter(
            Q(status__in=(EpisodeStatus.ENROLLED, EpisodeStatus.REMOVAL_INITIATED))
            | overdue_at_termination,
            lacking(LetterKind.ENROLLMENT), effective_date__isnull=False)),
        (LetterKind.TERMINATION, Episode.objects.filter(
            lacking(LetterKind.TERMINATION), termination_date__isnull=False,
            status=EpisodeStatus.TERMINATED)),
    ]
    drafted: list[int] = []
    counts = {}
    for kind, episodes in owed:
        made = 0
        for episode in episodes.select_related("member").order_by("pk"):
            letter = _draft_quietly(episode, kind)
            if letter is not None:
                drafted.append(letter.pk)
                made += 1
        counts[kind] = made
    if drafted:
        transaction.on_commit(lambda: queue.render_in_chunks(drafted))
    return counts


def _draft_quietly(episode, kind: str) -> Letter | None:
    member = episode.member
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                member=member, episode=episode, kind=kind,
                language=content.family_language(member.primary_language,
                                                 member.preferred_written_language))
            audit_change(action=Action.CREATE, obj=letter, member=member,
                         detail={"by": "draft_missing_letters"})
            return letter
    except IntegrityError:
        return None


def _render_after_commit(letter_ids: list[int]) -> None:
    queue.later(queue.RENDER_LETTERS, letter_ids)


# --- Rendering drafts ---------------------------------------------------------------------------

def letters_render(letter_ids: Iterable[int]) -> dict[str, int]:
    """Render the PDF of each draft whose content changed since its last render; skip the
    rest (a released letter is never re-rendered). All PDFs of the call are made in one
    child process. Idempotent."""
    today = timezone.localdate()
    todo: list[tuple[Letter, rendering.RenderedLetter]] = []
    letters = (Letter.objects.filter(pk__in=list(letter_ids), status=LetterStatus.DRAFT)
               .select_related("member", "episode__primary_contact__user"))
    for letter in letters:
        current = rendering.letter_html(letter, letter_date=letter.letter_date or today)
        if letter.document_id and current.sha256 == letter.html_sha256:
            continue
        todo.append((letter, rendering.letter_html(letter, letter_date=today,
                                                   facts=current.facts)))
    if not todo:
        return {"rendered": 0}
    pdfs = rendering.render_pdfs([rendered.html for _letter, rendered in todo])
    stored = 0
    for (letter, rendered), data in zip(todo, pdfs, strict=True):
        stored += _store_render(letter.pk, rendered, data, final=False)
    return {"rendered": stored}


def _document_title(letter: Letter, rendered: rendering.RenderedLetter) -> str:
    languages = " + ".join(rendered.sections) or "en"
    return f"{letter.get_kind_display()} ({languages})"


@transaction.atomic
def _store_render(letter_id: int, rendered: rendering.RenderedLetter, data: bytes, *,
                  final: bool) -> int:
    """Store a rendered PDF on the letter, if the letter is still what it was (a draft, or a
    released letter without its final PDF). Returns 1 if stored."""
    letter = Letter.objects.select_for_update().get(pk=letter_id)
    if final and not (letter.status == LetterStatus.QUEUED and letter.finalized_at is None):
        return 0
    if not final and letter.status != LetterStatus.DRAFT:
        return 0
    old = letter.document
    document = document_store(member=letter.member, kind=f"{letter.kind}_letter",
                              title=_document_title(letter, rendered), content=data)
    letter.document = document
    letter.html_sha256 = rendered.sha256
    letter.english_template = rendered.choice.english
    letter.translated_template = rendered.choice.translation
    letter.translation_gap = rendered.choice.gap
    letter.letter_date = rendered.letter_date
    letter.rendered_at = timezone.now()
    letter.render_error = ""
    if final:
        letter.finalized_at = timezone.now()
    letter.save()
    if old is not None:
        _discard_draft_document(old)
    return 1


def _discard_draft_document(document: Document) -> None:
    """A superseded draft PDF (never sent) is removed; the audit log keeps the fact."""
    audit_change(action=Action.DELETE, obj=document, member=document.member_id,
                 detail={"reason": "superseded draft"})
    document.file.delete(save=False)
    document.delete()


def letter_refresh(*, letter: Letter) -> bool:
    """Bring a draft's PDF up to date (in a worker). A released letter is never re-rendered."""
    if letter.status != LetterStatus.DRAFT:
        return False
    _render_after_commit([letter.pk])
    return True


def letter_render_failed(letter_id: int, error: str) -> None:
    Letter.objects.filter(pk=letter_id).update(render_error=error[:300])


# --- Checking and releasing ---------------------------------------------------------------------

def letter_check(letter: Letter) -> list[str]:
    """Every reason ``letter`` cannot be released now (empty: it can)."""
    rendered = rendering.letter_html(letter, letter_date=timezone.localdate())
    return rendering.letter_problems(rendered)


def letter_release(*, letter: Letter, actor=None) -> Letter:
    """Release a draft for sending (PS VIII, IX.C). Refuses, listing every missing element,
    unless the letter has all its required content and recipients. Otherwise claims the
    letter once (a double click or a retry changes nothing), records its recipients, and a
    worker makes the final PDF and sends the e-mails; certified copies join the next daily
    mailing batch."""
    if letter.status != LetterStatus.DRAFT:
        return letter
    refuse(letter_check(letter))
    facts = rendering.letter_facts(letter)
    with transaction.atomic():
        claimed = Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFT).update(
            status=LetterStatus.QUEUED, released_on=timezone.localdate(),
            released_by=actor if getattr(actor, "is_authenticated", False) else None)
        if claimed != 1:
            letter.refresh_from_db()
            return letter
        for recipient in facts.mail:
            LetterDelivery.objects.create(
                letter=letter, channel=Channel.CERTIFIED_MAIL, recipient=recipient.name,
                address=recipient.address,
                guardian_id=recipient.guardian_ids[0] if recipient.guardian_ids else None)
        for recipient in facts.email:
            LetterDelivery.objects.create(
                letter=letter, channel=Channel.EMAIL, recipient=recipient.name,
                email=recipient.email,
                guardian_id=recipient.guardian_ids[0] if recipient.guardian_ids else None)
        history_row(letter, actor)
        audit_change(action=Action.UPDATE, obj=letter, member=letter.member_id, actor=actor,
                     fields=["status"], detail={"from": "draft", "to": "queued",
                                                "mail": len(facts.mail),
                                                "email": len(facts.email)})
        queue.later(queue.DISPATCH_LETTER, letter.pk)
    return letter


def letter_dispatch(*, letter_id: int) -> dict:
    """Make the final PDF of a released letter (once) and queue its e-mails. Idempotent: a
    rerun finds the PDF made and queues only e-mails still pending."""
    letter = Letter.objects.select_related("member", "episode").get(pk=letter_id)
    if letter.status != LetterStatus.QUEUED:
        return {"letter": letter_id, "skipped": letter.status}
    if letter.finalized_at is None:
        rendered = rendering.letter_html(letter, letter_date=letter.released_on)
        problems = rendering.letter_problems(rendered)
        if problems:  # the record changed between release and now: back to draft
            _unrelease(letter, problems)
            return {"letter": letter_id, "returned_to_draft": problems}
        data = rendering.render_pdfs([rendered.html])[0]
        _store_render(letter.pk, rendered, data, final=True)
    queued = emails_queue(letter_id=letter.pk)
    letter_complete_if_delivered(letter.pk)
    return {"letter": letter_id, "emails": queued}


def emails_queue(*, letter_id: int) -> int:
    """Queue one e-mail task for each e-mail copy of the letter that is pending and not yet
    queued. Each copy is marked queued with a conditional update before its task is queued
    (after commit), so three dispatch runs queue one task per copy, not three. Returns how
    many this call queued."""
    queued = 0
    with transaction.atomic():
        candidates = list(LetterDelivery.objects.filter(
            letter_id=letter_id, channel=Channel.EMAIL, status=DeliveryStatus.PENDING,
            queued_at__isnull=True).values_list("pk", flat=True))
        for delivery_id in candidates:
            if LetterDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING,
                                             queued_at__isnull=True).update(
                    queued_at=timezone.now()) == 1:
                queue.later(queue.EMAIL_LETTER, delivery_id)
                queued += 1
    return queued


@transaction.atomic
def _unrelease(letter: Letter, problems: list[str]) -> None:
    if Letter.objects.filter(pk=letter.pk, status=LetterStatus.QUEUED,
                             finalized_at__isnull=True).update(
            status=LetterStatus.DRAFT, released_on=None, released_by=None,
            render_error=("Returned to draft: " + "; ".join(problems))[:300]) == 1:
        letter.deliveries.filter(status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED)
        audit_change(action=Action.UPDATE, obj=letter, member=letter.member_id,
                     fields=["status"], detail={"from": "queued", "to": "draft"})


def letter_complete_if_delivered(letter_id: int) -> bool:
    """Mark a released letter sent once every delivery it needs has gone out: certified mail
    always, e-mail where the family has electronic contact. ``sent_on`` is the date of the
    last of them (the day the letter had gone out by every required route); the member's
    deadlines are refreshed (``enrollment_letter`` / ``termination_letter``) through
    ``events.member_facts_changed``."""
    deliveries = list(LetterDelivery.objects.filter(letter_id=letter_id).exclude(
        status=DeliveryStatus.CANCELLED).values_list("status", "sent_on"))
    if not deliveries or any(s != DeliveryStatus.SENT for s, _on in deliveries):
        return False
    sent_on = max(on for _s, on in deliveries)
    with transaction.atomic():
        if Letter.objects.filter(pk=letter_id, status=LetterStatus.QUEUED,
                                 finalized_at__isnull=False).update(
                status=LetterStatus.SENT, sent_on=sent_on) != 1:
            return False
        letter = Letter.objects.get(pk=letter_id)
        history_row(letter, None)
        audit_change(action=Action.UPDATE, obj=letter, member=letter.member_id,
                     fields=["status", "sent_on"], detail={"to": "sent"})
        events.tell(events.member_facts_changed, member_id=letter.member_id)
    return True


# --- Corrections --------------------------------------------------------------------------------

def letter_correct(*, letter: Letter, reason: str, actor=None) -> Letter:
    """A correction: a new draft that references ``letter``, which stays as it was sent.
    Copies of ``letter`` not yet mailed or e-mailed are cancelled; a released letter with
    deliveries cancelled becomes *withdrawn*. Once: while a correction is being drafted, a
    second (or simultaneous) one is refused."""
    if letter.corrections.filter(status=LetterStatus.DRAFT).exists():
        refuse([_already_correcting()])
    problems = []
    if letter.status not in (LetterStatus.QUEUED, LetterStatus.SENT):
        problems.append(_("Only a released or sent letter is corrected; a draft is simply "
                          "brought up to date."))
    if not (reason or "").strip():
        problems.append(_("Say what the correction changes."))
    refuse(problems)
    try:
        # The database allows one open correction per letter: of simultaneous submits, one
        # creates it; the others roll back (nothing cancelled, nothing withdrawn) and are
        # refused like a second submit.
        with transaction.atomic():
            letter.deliveries.filter(status=DeliveryStatus.PENDING, batch__isnull=True).update(
                status=DeliveryStatus.CANCELLED)
            letter.deliveries.filter(status=DeliveryStatus.FAILED).update(
                status=DeliveryStatus.CANCELLED)
            if Letter.objects.filter(pk=letter.pk, status=LetterStatus.QUEUED).update(
                    status=LetterStatus.WITHDRAWN):
                history_row(letter, actor)
            correction = Letter.objects.create(
                member=letter.member, episode=letter.episode, kind=letter.kind,
                language=content.family_language(letter.member.primary_language,
                                                 letter.member.preferred_written_language),
                corrects=letter, correction_reason=reason.strip()[:300], created_by=actor)
            audit_change(action=Action.CREATE, obj=correction, member=letter.member_id,
                         actor=actor, detail={"corrects": letter.pk})
    except IntegrityError:
        refuse([_already_correcting()])
    _render_after_commit([correction.pk])
    return correction


def _already_correcting() -> str:
    return _("This letter already has a correction being drafted; finish and send that one.")


# --- Templates ----------------------------------------------------------------------------------

SHIPPED_DRAFT_NOTE = ("Draft translation shipped with CARES Kids: needs a qualified "
                      "translator's review and approval before any family receives it.")


def shipped_templates_install() -> int:
    """The shipped templates (templates/letters/shipped/) for every kind and language that
    has none: English approved, translations as drafts awaiting a qualified translator.
    Idempotent; run after migrate (including a test database flush, which empties the table
    the data migration filled). Returns how many it created."""
    now = timezone.now()
    made = 0
    for shipped in rendering.shipped_templates():
        if LetterTemplate.objects.filter(kind=shipped["kind"],
                                         language=shipped["language"]).exists():
            continue
        english = shipped["language"] == "en"
        LetterTemplate.objects.create(
            kind=shipped["kind"], language=shipped["language"], version=1,
            body=shipped["body"], reasons=shipped["reasons"],
            note="Shipped with CARES Kids." if english else SHIPPED_DRAFT_NOTE,
            approved_at=now if english else None)
        made += 1
    return made


def template_problems(*, kind: str, body: str, css: str, reasons: dict) -> list[str]:
    """Every reason a template edit may not be saved (a body or CSS problem also shows next
    to that field): the rules of ``content``, then the body compiled and rendered with the
    sample data as a real letter is."""
    problems = [FieldProblem(p, "body") for p in content.body_problems(kind, body)]
    if not content.unsafe_syntax(body):
        try:
            rendering.compile_body(body)
        except TemplateSyntaxError as exc:
            problems.append(FieldProblem(_("The template does not compile: %(error)s")
                                         % {"error": exc}, "body"))
    problems += [FieldProblem(p, "css") for p in content.css_problems(css)]
    problems += content.reason_problems(kind, reasons)
    if problems:
        return problems
    html = rendering.sample_html(LetterTemplate(kind=kind, language="en", version=0, body=body,
                                                css=css, reasons=reasons))
    return [FieldProblem(p, "body") for p in content.missing_elements(kind, html, ["en"])]


def template_preview(*, template: LetterTemplate, body: str, css: str = "",
                     reasons: dict | None = None) -> tuple[str, list[str]]:
    """An unsaved edit of ``template`` rendered with the sample data exactly as a real letter
    is (for a browser), and what saving it would refuse. Saves nothing; no HTML when the body
    may not be rendered (a tag or filter letters may not use, or it does not compile)."""
    reasons = {k: (v or "").strip() for k, v in (reasons or {}).items()}
    problems = [str(p) for p in template_problems(kind=template.kind, body=body, css=css,
                                                  reasons=reasons)]
    if content.unsafe_syntax(body):
        return "", problems
    unsaved = LetterTemplate(kind=template.kind, language=template.language,
                             version=template.version, body=body, reasons=reasons,
                             css="" if content.css_problems(css) else css)
    try:
        return rendering.sample_html(unsaved, browser=True), problems
    except TemplateSyntaxError:  # named in ``problems``
        return "", problems


@transaction.atomic
def template_save(*, kind: str, language: str, body: str, css: str = "",
                  reasons: dict | None = None, note: str = "", actor=None) -> LetterTemplate:
    """A new version (a draft) of the template for ``kind`` and ``language``."""
    reasons = {k: v.strip() for k, v in (reasons or {}).items() if k in content.REMOVAL_REASONS}
    refuse(template_problems(kind=kind, body=body, css=css, reasons=reasons))
    latest = (LetterTemplate.objects.select_for_update().filter(kind=kind, language=language)
              .order_by("-version").first())
    template = LetterTemplate.objects.create(
        kind=kind, language=language, version=(latest.version + 1) if latest else 1,
        body=body, css=css, reasons=reasons, note=note[:300], created_by=actor)
    audit_change(action=Action.CREATE, obj=template, actor=actor)
    return template


@transaction.atomic
def template_approve(*, template: LetterTemplate, actor=None,
                     translator: str = "") -> LetterTemplate:
    """Approve a version for use. A translation needs the name of the qualified translator
    who reviewed it."""
    problems = []
    if template.approved:
        problems.append(_("This version is already approved."))
    if template.is_translation and not translator.strip():
        problems.append(_("A translation is approved only with the name of the qualified "
                          "translator who reviewed it."))
    problems += [str(p) for p in template_problems(kind=template.kind, body=template.body,
                                                   css=template.css, reasons=template.reasons)]
    refuse(problems)
    LetterTemplate.objects.filter(pk=template.pk, approved_at__isnull=True).update(
        approved_at=timezone.now(), approved_by=actor, translator=translator.strip()[:200])
    history_row(template, actor)
    audit_change(action=Action.UPDATE, obj=template, actor=actor,
                 fields=["approved_at", "approved_by", "translator"])
    return template
