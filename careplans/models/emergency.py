"""The emergency plan's own rows (PS VI.A.1.c.5.e: medications with doses, allergies), part of
each ICP version, and the responders' access link to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from careplans.models.plan import CarePlan, PlanPart


class EmergencyMedication(PlanPart):
    """PS VI.A.1.c.5.e: a medication on the emergency plan, with its dose."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(_("medication"), max_length=200)
    dose = models.CharField(_("dose"), max_length=100, blank=True)
    schedule = models.CharField(_("how and when given"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta(PlanPart.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.name} {self.dose}".strip()


class Allergy(PlanPart):
    """PS VI.A.1.c.5.e: an allergy on the emergency plan."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="allergies")
    allergen = models.CharField(_("allergy to"), max_length=200)
    reaction = models.CharField(_("reaction"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta(PlanPart.Meta):
        verbose_name_plural = _("allergies")

    def __str__(self) -> str:
        return self.allergen


# --- The responders' access link (PS VI.A.1.c.5.e) ------------------------------------------------

class EmergencyAccessLink(models.Model):
    """A revocable, expiring link that opens the member's current emergency plan, read only,
    without signing in. Only the SHA-256 of the token is stored: the token itself exists on
    the printed card (as a QR code) and nowhere else."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="emergency_links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    card = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+",
                             verbose_name=_("printable card"))
    history = HistoricalRecords(excluded_fields=["token_sha256"])

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"emergency link #{self.pk}"

    def state_at(self, when) -> str:
        """'active' | 'revoked' | 'expired'."""
        if self.revoked_at is not None and self.revoked_at <= when:
            return "revoked"
        if self.expires_at <= when:
            return "expired"
        return "active"


class LinkUseOutcome(models.TextChoices):
    SHOWN = "shown", _("Emergency plan shown")
    REVOKED = "revoked", _("Refused: revoked")
    EXPIRED = "expired", _("Refused: expired")
    NO_PLAN = "no_plan", _("Refused: no finalized plan")


class EmergencyAccessUse(models.Model):
    """Each opening of a responder link (append-only)."""

    link = models.ForeignKey(EmergencyAccessLink, on_delete=models.PROTECT,
                             related_name="uses")
    at = models.DateTimeField(_("time"), default=timezone.now)
    client_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=LinkUseOutcome.choices)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.outcome} {self.at:%Y-%m-%d %H:%M}"
