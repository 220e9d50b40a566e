"""A finalized ICP leaves the program (PS VI.A.1.c.4-5, VIII): shared with the PCP or
another party, copies in English and the family's language, and each copy given to the
family."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from careplans.models.plan import CarePlan
from cares.base.languages import validate_language_tag


class ShareRecipient(models.TextChoices):
    PCP = "pcp", _("PCP")
    PCP_DESIGNEE = "pcp_designee", _("PCP designee")
    PROVIDER = "provider", _("Other treating provider")
    DISCHARGE_TEAM = "discharge_team", _("Hospital discharge team (transition of care)")
    STATE_AGENCY = "state_agency", _("State agency")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


# Sharing for treatment needs no authorization; anyone else needs a release in force.
TREATMENT_RECIPIENTS = (ShareRecipient.PCP, ShareRecipient.PCP_DESIGNEE, ShareRecipient.PROVIDER,
                        ShareRecipient.DISCHARGE_TEAM)


class CarePlanShare(models.Model):
    """The finalized ICP shared with the PCP or PCP designee, or another party (PS
    VI.A.1.c.4-5)."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="shares")
    recipient_kind = models.CharField(_("shared with"), max_length=20,
                                      choices=ShareRecipient.choices)
    recipient = models.CharField(_("name"), max_length=200)
    shared_on = models.DateField(_("shared on"))
    method = models.CharField(_("how"), max_length=100, blank=True,
                              help_text=_("e.g. fax, secure e-mail, patient portal"))
    release = models.ForeignKey("members.ReleaseOfInformation", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+",
                                verbose_name=_("release of information"))
    # PS VI.A.1.c.4: shared with a discharge team, a transition-of-care communication.
    hospital_stay = models.ForeignKey("members.HospitalStay", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="icp_shares",
                                      verbose_name=_("hospital stay"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["shared_on", "pk"]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.shared_on})"


class CopySource(models.TextChoices):
    GENERATED = "generated", _("Made by CARES Kids")
    TRANSLATION = "translation", _("Translated document attached")


class CarePlanCopy(models.Model):
    """A copy of a finalized ICP in one language: a PDF the application made (headings and
    labels translated, typed text as typed) or an attached translation of the whole plan,
    which then counts as that language's copy."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="copies")
    language = models.CharField(_("language"), max_length=35,
                                validators=[validate_language_tag])
    source = models.CharField(_("source"), max_length=12, choices=CopySource.choices)
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT,
                                 related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("care plan copies")
        ordering = ["language", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.language} {self.source}"


class DeliveryMedium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")


class CarePlanDelivery(models.Model):
    """A copy of a finalized ICP given to the member/guardian (PS VIII)."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="deliveries")
    language = models.CharField(_("language"), max_length=35,
                                validators=[validate_language_tag])
    medium = models.CharField(_("medium"), max_length=12, choices=DeliveryMedium.choices)
    delivered_on = models.DateField(_("delivered on"))
    recipient = models.CharField(_("delivered to"), max_length=200, blank=True)
    copy = models.ForeignKey(CarePlanCopy, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="deliveries", verbose_name=_("copy delivered"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["delivered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.language} {self.medium} {self.delivered_on}"
