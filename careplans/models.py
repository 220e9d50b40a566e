"""Comprehensive assessments and Individual Care Plans (PS VI.A).

The core records the deadline engine reads: assessments with their kind and completion date,
ICP versions with their finalization date, and each delivery of an ICP copy to the family.
Around them: the assessment's sections and information sources (PS VI.A.1.a-b), the ICP's
five required parts (PS VI.A.1.c.5 a-e) with its goals and action steps, the care planning
meeting, sharing with the PCP, the copies in English and the family's language, and the
responders' access link to the emergency plan.

A completed assessment and a finalized (or superseded) ICP never change: the services refuse
and so does ``save()`` here (``FrozenRecordError``), for the plan and for every part of it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.languages import validate_language_tag


class FrozenRecordError(ValidationError):
    """A completed assessment or a finalized ICP version was about to change."""


# --- Comprehensive assessment and reassessment (PS VI.A.1.a-b) -----------------------------------

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "completed_on", "pk"]
        indexes = [models.Index(fields=["member", "kind", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.completed_on or _('draft')})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list(
                "completed_on", flat=True).first()
            if stored is not None:
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


# --- The Individual Care Plan (PS VI.A.1.c) -------------------------------------------------------

class CarePlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALIZED = "finalized", _("Finalized")
    SUPERSEDED = "superseded", _("Superseded")


class SchoolPlan(models.TextChoices):
    IN_PLACE = "in_place", _("In place")
    REQUESTED = "requested", _("Requested or being evaluated")
    NONE = "none", _("None")
    NOT_IN_SCHOOL = "not_in_school", _("Not applicable: not in school")


class CarePlan(models.Model):
    """One version of a member's Individual Care Plan (PS VI.A.1.c).

    Draft -> finalized -> superseded. A finalized version never changes; the only move it
    makes is to superseded, when the next version is finalized.
    """

    # The one change a finalized version may still make (``save`` enforces it).
    FROZEN_MOVES = {(CarePlanStatus.FINALIZED, CarePlanStatus.SUPERSEDED)}

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="care_plans")
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=CarePlanStatus.choices,
                              default=CarePlanStatus.DRAFT)
    finalized_on = models.DateField(_("finalized on"), null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    finalized_at = models.DateTimeField(_("finalization recorded at"), null=True, blank=True)
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="next_versions")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="care_plans",
                                   verbose_name=_("based on assessment"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # The care planning meeting (PS VI.A.1), developed with the member and family.
    meeting_on = models.DateField(_("care planning meeting date"), null=True, blank=True)
    meeting_place = models.CharField(_("where or how"), max_length=200, blank=True,
                                     help_text=_("e.g. at home, at the clinic, by video"))
    # (b) Health summary.
    medical_history = models.TextField(_("medical history"), blank=True)
    behavioral_history = models.TextField(_("behavioral history"), blank=True)
    personal_circumstances = models.TextField(_("personal circumstances"), blank=True)
    educational_circumstances = models.TextField(_("educational circumstances"), blank=True)
    behavioral_circumstances = models.TextField(_("behavioral circumstances"), blank=True)
    social_circumstances = models.TextField(_("social circumstances"), blank=True)
    current_services = models.TextField(_("current services"), blank=True)
    # (b.iii) Educational needs.
    iep = models.CharField(_("Individualized Education Program (IEP)"), max_length=16,
                           blank=True, choices=SchoolPlan.choices)
    plan_504 = models.CharField(_("504 plan"), max_length=16, blank=True,
                                choices=SchoolPlan.choices)
    school_services = models.TextField(
        _("school-based related services"), blank=True,
        help_text=_("e.g. physical, occupational and speech therapy, behavioral health "
                    "supports, school nursing. Write 'None' if there are none."))
    educational_needs = models.TextField(
        _("supports the member needs to be successful in school"), blank=True)
    # (b.iv) Health-related social needs supports.
    hrsn_housing = models.TextField(_("housing"), blank=True)
    hrsn_nutrition = models.TextField(_("nutrition (e.g. SNAP, WIC)"), blank=True)
    hrsn_utilities = models.TextField(_("utility assistance"), blank=True)
    hrsn_transportation = models.TextField(_("transportation"), blank=True)
    # (d) Transitions.
    upcoming_transitions = models.TextField(
        _("upcoming medical and social service transitions"), blank=True,
        help_text=_("Write 'None expected' if there are none."))
    continuity_strategies = models.TextField(
        _("strategies to support continuity of care during transitions"), blank=True)
    # (e) Emergency plan.
    no_medications = models.BooleanField(_("takes no medications"), default=False)
    no_known_allergies = models.BooleanField(_("no known allergies"), default=False)
    diagnoses = models.TextField(_("diagnoses"), blank=True)
    baseline_status = models.TextField(
        _("baseline status"), blank=True,
        help_text=_("What is usual for this member: alertness, communication, breathing, "
                    "mobility, vital signs."))
    accommodations = models.TextField(
        _("needed accommodations"), blank=True,
        help_text=_("e.g. local anesthesia for IV access; write 'None' if there are none."))
    emergency_notes = models.TextField(_("other instructions for responders"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "version"]
        constraints = [models.UniqueConstraint(fields=["member", "version"],
                                               name="care_plan_version_once")]

    def __str__(self) -> str:
        return f"ICP v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.status != CarePlanStatus.DRAFT:
                moved = (stored.status, self.status)
                changed = [f.attname for f in self._meta.concrete_fields
                           if f.attname != "status"
                           and getattr(stored, f.attname) != getattr(self, f.attname)]
                if changed or (moved[0] != moved[1] and moved not in self.FROZEN_MOVES):
                    raise FrozenRecordError(
                        _("ICP version %(version)s is %(status)s and cannot change; start a "
                          "new version instead.")
                        % {"version": stored.version,
                           "status": stored.get_status_display().lower()})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk).exclude(status=CarePlanStatus.DRAFT).exists():
            raise FrozenRecordError(_("A finalized ICP version is never deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == CarePlanStatus.DRAFT


def refuse_if_frozen(plan_id: int | None) -> None:
    """Parts of a plan change only while the plan is a draft."""
    if plan_id and CarePlan.objects.filter(pk=plan_id).exclude(
            status=CarePlanStatus.DRAFT).exists():
        raise FrozenRecordError(_("This ICP version is finalized and cannot change; start a "
                                  "new version instead."))


class PlanPart(models.Model):
    """A row belonging to one ICP version: frozen with it."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def save(self, *args, **kwargs):
        refuse_if_frozen(self.plan_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_frozen(self.plan_id)
        return super().delete(*args, **kwargs)


class ParticipantKind(models.TextChoices):
    MEMBER = "member", _("The member")
    PARENT_GUARDIAN = "parent_guardian", _("Parent or guardian")
    DECISION_MAKER = "decision_maker", _("Authorized health care decision-maker")
    CARES_STAFF = "cares_staff", _("CARES care team")
    PROVIDER = "provider", _("Provider")
    STATE_AGENCY = "state_agency", _("State agency")
    SCHOOL = "school", _("School or early childhood support")
    OTHER = "other", _("Other")


FAMILY_PARTICIPANTS = (ParticipantKind.PARENT_GUARDIAN, ParticipantKind.DECISION_MAKER)


class CarePlanParticipant(PlanPart):
    """Someone who took part in the care planning meeting (PS VI.A.1, VI.A.1.c.1)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("taking part as"), max_length=20,
                            choices=ParticipantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship or role"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta(PlanPart.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class TeamRole(models.TextChoices):
    """PS VI.A.1.c.5.a: who is on the member's care team."""

    CARE_MANAGER = "care_manager", _("Care manager")
    CARES_STAFF = "cares_staff", _("CARES care team")
    PCP = "pcp", _("PCP or PCP designee")
    SPECIALIST = "specialist", _("Specialist")
    SCHOOL = "school", _("School or early childhood support")
    CCM = "ccm", _("Community Case Management (CCM)")
    CSN = "csn", _("Continuous Skilled Nursing (CSN)")
    COMMUNITY = "community", _("Community support")
    STATE_AGENCY = "state_agency", _("State agency")
    BEHAVIORAL_HEALTH = "behavioral_health", _("Behavioral health provider")
    DENTAL = "dental", _("Dental provider")
    DME = "dme", _("Durable medical equipment supplier")
    FAMILY = "family", _("Member or family")
    OTHER = "other", _("Other")


class CareTeamEntry(PlanPart):
    """A care team member with contact details, as the ICP lists them (PS VI.A.1.c.5.a).

    A copy, not a link: a finalized plan keeps the details it was finalized with. The family
    is listed too (role ``family``), so they can own action steps and be the guardian
    contacts of the emergency plan.
    """

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    name = models.CharField(_("name"), max_length=200)
    organization = models.CharField(_("organization or relationship"), max_length=200,
                                    blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    emergency = models.BooleanField(
        _("on the emergency plan"), default=False,
        help_text=_("The providers most involved in the member's care, and the guardians to "
                    "call."))
    history = HistoricalRecords()

    class Meta(PlanPart.Meta):
        verbose_name_plural = _("care team entries")

    def __str__(self) -> str:
        who = f"{self.name}, {self.organization}" if self.organization else self.name
        return f"{who} ({self.get_role_display()})"

    @property
    def has_contact(self) -> bool:
        return bool(self.phone.strip() or self.email.strip())


class GoalKind(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    FUNCTIONAL = "functional", _("Functional")
    DEVELOPMENTAL = "developmental", _("Developmental")
    SOCIAL = "social", _("Social")
    ASPIRATIONAL = "aspirational", _("Aspirational")


class GoalTerm(models.TextChoices):
    SHORT = "short", _("Short-term")
    LONG = "long", _("Long-term")


class Goal(PlanPart):
    """PS VI.A.1.c.5.b.ii: specific, achievable, time-specific (aspirational ones excepted)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=16, choices=GoalKind.choices)
    term = models.CharField(_("term"), max_length=8, choices=GoalTerm.choices,
                            default=GoalTerm.SHORT)
    description = models.TextField(_("goal"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(PlanPart.Meta):
        pass

    def __str__(self) -> str:
        return self.description[:80]


class ActionStep(PlanPart):
    """PS VI.A.1.c.5.c: a recommended action step for a goal, who is responsible, and any
    accessibility requirements."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="action_steps")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps",
                             verbose_name=_("goal"))
    description = models.TextField(_("action step"))
    responsible = models.ForeignKey(CareTeamEntry, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="steps",
                                    verbose_name=_("responsible care team member"))
    accessibility = models.TextField(
        _("accessibility requirements"), blank=True,
        help_text=_("e.g. interpreter, wheelchair access, large print; write 'None' if there "
                    "are none."))
    due_on = models.DateField(_("by"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(PlanPart.Meta):
        pass

    def __str__(self) -> str:
        return self.description[:80]


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


# --- Sharing and copies of a finalized ICP (PS VI.A.1.c.4-5, VIII) --------------------------------

class ShareRecipient(models.TextChoices):
    PCP = "pcp", _("PCP")
    PCP_DESIGNEE = "pcp_designee", _("PCP designee")
    PROVIDER = "provider", _("Other treating provider")
    STATE_AGENCY = "state_agency", _("State agency")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


# Sharing for treatment needs no authorization; anyone else needs a release in force.
TREATMENT_RECIPIENTS = (ShareRecipient.PCP, ShareRecipient.PCP_DESIGNEE, ShareRecipient.PROVIDER)


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
