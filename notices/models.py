"""Enrollment and termination letters (PS VIII, IX.C).

A ``Letter`` is drafted from a versioned, approved ``LetterTemplate`` per kind and language,
rendered to PDF (stored as a SHA-256-sealed ``Document``), released for sending, and delivered
by certified mail (``LetterDelivery`` with tracking number and mailed date, printed in a daily
``MailingBatch``) and by e-mail where the family has electronic contact. ``sent_on`` (the date
the last required delivery went out) satisfies the ``enrollment_letter`` /
``termination_letter`` deadline. Once released, a letter is immutable: a correction is a new
letter that references the old one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.documents.models import private_storage
from cares.base.languages import validate_language_tag


class LetterKind(models.TextChoices):
    ENROLLMENT = "enrollment", _("Enrollment letter (PS VIII)")
    TERMINATION = "termination", _("Termination letter (PS IX.C)")


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Released: delivery under way")
    SENT = "sent", _("Sent")
    WITHDRAWN = "withdrawn", _("Withdrawn before delivery (corrected)")


class LetterImmutable(Exception):
    """A released letter cannot be changed; correct it with a new letter."""


# --- Templates --------------------------------------------------------------------------------

class LetterTemplate(models.Model):
    """One version of the body of a letter kind in one language (HTML + CSS for WeasyPrint,
    Django template syntax). Saving an edit makes a new version; only an approved version is
    used. A translation is approved only with the name of the qualified translator."""

    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=35, validators=[validate_language_tag])
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("body (HTML)"))
    css = models.TextField(_("extra CSS"), blank=True)
    reasons = models.JSONField(
        _("termination reasons, as written to the family"), default=dict, blank=True,
        help_text=_("One phrase per PS IX.A reason (termination letters)."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("approved by"))
    translator = models.CharField(
        _("qualified translator"), max_length=200, blank=True,
        help_text=_("Who reviewed this translation (required to approve a translation)."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind", "language", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "language", "version"],
                                               name="letter_template_version_once")]

    def __str__(self) -> str:
        state = _("approved") if self.approved else _("draft")
        return f"{self.get_kind_display()} · {self.language} · v{self.version} ({state})"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    @property
    def is_translation(self) -> bool:
        return self.language.split("-")[0].lower() != "en"


# --- Letters ----------------------------------------------------------------------------------

class Letter(models.Model):
    """A letter to the member and their parent/guardian. ``sent_on`` satisfies the
    ``enrollment_letter`` / ``termination_letter`` deadline (deadlines.md reading 4).

    ``language`` is the family's language the letter is written for; the PDF holds that
    language (when an approved template exists) and English. ``translation_gap`` says why a
    translation is missing, for staff."""

    FROZEN_FIELDS = ("member_id", "episode_id", "kind", "language", "document_id",
                     "english_template_id", "translated_template_id", "translation_gap",
                     "html_sha256", "letter_date", "corrects_id", "finalized_at")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="letters")
    episode = models.ForeignKey("members.Episode", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="letters")
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=35, default="en",
                                validators=[validate_language_tag])
    status = models.CharField(_("status"), max_length=10, choices=LetterStatus.choices,
                              default=LetterStatus.DRAFT)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # What was rendered (the PDF is a SHA-256-sealed document of the member).
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("PDF"))
    english_template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    translated_template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="+")
    translation_gap = models.CharField(_("translation gap"), max_length=300, blank=True)
    html_sha256 = models.CharField(max_length=64, blank=True)
    letter_date = models.DateField(_("date on the letter"), null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_error = models.CharField(max_length=300, blank=True)
    # Release for sending: claimed once (conditional update), then frozen.
    released_on = models.DateField(_("released for sending on"), null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    finalized_at = models.DateTimeField(_("final PDF made at"), null=True, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("corrects"))
    correction_reason = models.CharField(_("why corrected"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "kind", "created_at"]
        constraints = [
            # One letter per episode and kind; corrections reference it (letter_draft relies on
            # this to stay idempotent when two workers draft at once).
            models.UniqueConstraint(fields=["episode", "kind"],
                                    condition=models.Q(corrects__isnull=True),
                                    name="one_letter_per_episode_kind"),
            # One open (draft) correction per letter: three simultaneous "correct" submits
            # make one correction; letter_correct refuses the others.
            models.UniqueConstraint(fields=["corrects"],
                                    condition=models.Q(corrects__isnull=False,
                                                       status="draft"),
                                    name="one_open_correction_per_letter"),
        ]
        indexes = [
            models.Index(fields=["member", "kind", "sent_on"]),
            models.Index(fields=["status"], condition=models.Q(status__in=("draft", "queued")),
                         name="letter_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.sent_on or self.get_status_display()})"

    def save(self, *args, **kwargs):
        """Refuses to change what was sent (the invariant, like AuditEvent's)."""
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS,
                                                                  "status").first()
            if stored and (stored["finalized_at"] is not None
                           or stored["status"] == LetterStatus.SENT):
                changed = [f for f in self.FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise LetterImmutable(
                        f"letter {self.pk} was sent; its {', '.join(changed)} cannot change")
        super().save(*args, **kwargs)

    @property
    def frozen(self) -> bool:
        return self.finalized_at is not None or self.status in (LetterStatus.SENT,
                                                                LetterStatus.WITHDRAWN)


class Channel(models.TextChoices):
    CERTIFIED_MAIL = "certified_mail", _("Certified mail")
    EMAIL = "email", _("E-mail (electronic transmission)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class LetterDelivery(models.Model):
    """One copy of a letter to one recipient by one channel: the proof of delivery.

    Recipient name and address are copied when the letter is released, so the record shows
    where it went even if the address changes later."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    guardian = models.ForeignKey("members.Guardian", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    recipient = models.CharField(_("recipient"), max_length=300)
    address = models.TextField(_("mailing address"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    batch = models.ForeignKey("MailingBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="deliveries", verbose_name=_("mailing batch"))
    tracking_number = models.CharField(_("certified mail tracking number"), max_length=22,
                                       blank=True)
    sent_on = models.DateField(_("mailed or sent on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When its e-mail task was queued (claimed with a conditional update, so a rerun of the
    # dispatch never queues a second task for the same copy).
    queued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter delivery")
        verbose_name_plural = _("letter deliveries")
        ordering = ["letter", "channel", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tracking_number"],
                                    condition=~models.Q(tracking_number=""),
                                    name="tracking_number_once"),
        ]
        indexes = [models.Index(fields=["channel", "status"],
                                condition=models.Q(status__in=("pending", "sending")),
                                name="delivery_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class MailingBatch(models.Model):
    """The day's certified mail: one PDF with an address carrier sheet (for a #10 window
    envelope) in front of each letter, so the office prints once."""

    on = models.DateField(_("mailing day"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    file = models.FileField(storage=private_storage, upload_to="mailing/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mailing batch")
        verbose_name_plural = _("mailing batches")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.on})"
