"""Comprehensive assessments and reassessments (PS VI.A.1.a-b): the record, its sections and
its information sources. A completed assessment never changes (``FrozenRecordError``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.toolkit import Refusal


class FrozenRecordError(Refusal):
    """A completed assessment or a finalized ICP version was about to change (the model's
    own guard; the services refuse before it is reached)."""


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Initial comprehensive assessment")
    ANNUAL = "annual", _("Annual reassessment")
    SIGNIFICANT_CHANGE = "significant_change", _("Reassessment after a significant change")
    ABBREVIATED = "abbreviated", _("Abbreviated evaluation (no significant change)")


# The kinds that take the full set of sections; an abbreviated evaluation documents the current
# status and a risk rescreen instead (PS VI.A.1.b.4).
FULL_KINDS = (AssessmentKind.INITIAL, AssessmentKind.ANNUAL, AssessmentKind.SIGNIFICANT_CHANGE)


class ScreenAnswer(models.TextChoices):
    NO_NEED = "no_need", _("No need identified")
    NEED = "need", _("Need identified")
    MET = "met", _("Need met by current supports")
    DECLINED = "declined", _("Family declined to answer")


class BenefitStatus(models.TextChoices):
    RECEIVING = "receiving", _("Receiving")
    APPLYING = "applying", _("Applying or referred")
    NOT_RECEIVING = "not_receiving", _("Not receiving")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# (field, label, citation) of each narrative section of a full assessment, in order.
ASSESSMENT_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("medical_history", _("Medical history"), "PS VI.A.1.a.1"),
    ("behavioral_history", _("Behavioral history"), "PS VI.A.1.a.1"),
    ("social", _("Social"), "PS VI.A.1.a.1"),
    ("educational", _("Educational"), "PS VI.A.1.a.1"),
    ("emotional", _("Emotional"), "PS VI.A.1.a.1"),
    ("functional", _("Functional status: activities of daily living (ADLs)"), "PS VI.A.1.a.1"),
    ("developmental", _("Developmental"), "PS VI.A.1.a.1"),
    ("current_services", _("Current services"), "PS VI.A.1.c.5.b.i"),
    ("medications", _("Medications"), "PS VI.A.1.c.5.e"),
    ("allergies", _("Allergies"), "PS VI.A.1.c.5.e"),
    ("dme", _("Durable medical equipment (DME)"), "PS VI.A.1.a"),
    ("needs_identified", _("Needs identified"), "PS VI.A.1.a.2"),
)

# (answer field, notes field, label) of the health-related social needs screen (PS
# VI.A.1.c.5.b.iv).
HRSN_SCREENS: tuple[tuple[str, str, str], ...] = (
    ("housing_screen", "housing_notes", _("Housing")),
    ("nutrition_screen", "nutrition_notes", _("Nutrition")),
    ("utilities_screen", "utilities_notes", _("Utilities")),
    ("transportation_screen", "transportation_notes", _("Transportation")),
)


class Assessment(models.Model):
    """PS VI.A.1.a-b. A draft until it has a completion date."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="assessments")
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("completed by"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # PS VI.A.1.a.1: the member's history, across the full spectrum of needs.
    medical_history = models.TextField(_("medical history"), blank=True)
    behavioral_history = models.TextField(_("behavioral history"), blank=True)
    social = models.TextField(_("social"), blank=True)
    educational = models.TextField(_("educational"), blank=True)
    emotional = models.TextField(_("emotional"), blank=True)
    functional = models.TextField(
        _("functional status: activities of daily living (ADLs)"), blank=True,
        help_text=_("Help needed with eating, bathing, dressing, toileting, mobility, "
                    "transfers."))
    developmental = models.TextField(_("developmental"), blank=True)
    # Health-related social needs screen (PS VI.A.1.c.5.b.iv).
    housing_screen = models.CharField(_("housing"), max_length=12, blank=True,
                                      choices=ScreenAnswer.choices)
    housing_notes = models.TextField(_("housing: notes"), blank=True)
    nutrition_screen = models.CharField(_("nutrition"), max_length=12, blank=True,
                                        choices=ScreenAnswer.choices)
    nutrition_notes = models.TextField(_("nutrition: notes"), blank=True)
    snap = models.CharField(_("SNAP"), max_length=16, blank=True,
                            choices=BenefitStatus.choices)
    wic = models.CharField(_("WIC"), max_length=16, blank=True, choices=BenefitStatus.choices)
    utilities_screen = models.CharField(_("utilities"), max_length=12, blank=True,
                                        choices=ScreenAnswer.choices)
    utilities_notes = models.TextField(_("utilities: notes"), blank=True)
    transportation_screen = models.CharField(_("transportation"), max_length=12, blank=True,
                                             choices=ScreenAnswer.choices)
    transportation_notes = models.TextField(_("transportation: notes"), blank=True)
    current_services = models.TextField(_("current services"), blank=True)
    medications = models.TextField(_("medications"), blank=True,
                                   help_text=_("Name, dose, how and when given."))
    allergies = models.TextField(_("allergies"), blank=True,
                                 help_text=_("Write 'No known allergies' if there are none."))
    dme = models.TextField(_("durable medical equipment (DME)"), blank=True)
    needs_identified = models.TextField(_("needs identified"), blank=True)
    # Reassessment (PS VI.A.1.b).
    continues_eligible = models.BooleanField(
        _("continues to meet the CARES eligibility criteria"), null=True, blank=True)
    change_summary = models.TextField(
        _("significant change in health, functional status, life circumstances or social "
          "service needs"), blank=True)
    current_status = models.TextField(_("current status"), blank=True)
    risk_rescreen = models.TextField(_("risk factor rescreen"), blank=True)
    # PS VI.A.1.b.3: a reassessment may find that the ICP must be updated (reading 15); the
    # new version, once finalized, is linked here.
    icp_update_needed = models.BooleanField(_("the ICP must be updated"), default=False)
    new_care_plan = models.ForeignKey(
        "careplans.CarePlan", on_delete=models.PROTECT, null=True, blank=True,
        related_name="assessments_answered", verbose_name=_("updated ICP version"))
    # PS VI.A.1.b.2: a reassessment started on the suggestion of a hospital discharge.
    hospital_stay = models.ForeignKey(
        "members.HospitalStay", on_delete=models.PROTECT, null=True, blank=True,
        related_name="reassessments", verbose_name=_("after the hospital stay"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "completed_on", "pk"]
        indexes = [models.Index(fields=["member", "kind", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.completed_on or _('draft')})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list(
                "completed_on", "new_care_plan_id").first()
            # The one change a completed assessment takes: the ICP version that answers its
            # request for an update is linked once (``careplans.updates``), nothing else.
            linking = set(kwargs.get("update_fields") or ()) == {"new_care_plan"} \
                and stored is not None and stored[1] is None
            if stored is not None and stored[0] is not None and not linking:
                raise FrozenRecordError(
                    _("A completed assessment cannot be changed; record a reassessment "
                      "instead (PS VI.A.1.b)."))
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.completed_on is None

    @property
    def is_full(self) -> bool:
        return self.kind in FULL_KINDS


class SourceKind(models.TextChoices):
    """PS VI.A.1.a.3: where the information came from."""

    MEMBER = "member", _("The member")
    PARENT_GUARDIAN = "parent_guardian", _("Parent or guardian")
    MEDICAL_PROVIDER = "medical_provider", _("Medical provider")
    STATE_AGENCY = "state_agency", _("State agency")
    SOCIAL_SERVICE = "social_service", _("Social service provider")
    EDUCATOR = "educator", _("Educator or school")
    OTHER = "other", _("Other")


class AssessmentSource(models.Model):
    """Someone the CARES team consulted for the assessment, and when (PS VI.A.1.a.3)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="sources")
    kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    consulted_on = models.DateField(_("consulted on"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["consulted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name} ({self.consulted_on})"

    def save(self, *args, **kwargs):
        _refuse_if_completed(self.assessment_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_completed(self.assessment_id)
        return super().delete(*args, **kwargs)


def _refuse_if_completed(assessment_id: int | None) -> None:
    if assessment_id and Assessment.objects.filter(
            pk=assessment_id, completed_on__isnull=False).exists():
        raise FrozenRecordError(_("A completed assessment cannot be changed."))
