"""The Individual Care Plan (PS VI.A.1.c): its versions, and the parts frozen with each
version (participants, care team, goals, action steps). A finalized version never changes: the
only move it makes is to superseded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from careplans.models.assessment import Assessment, FrozenRecordError


class CarePlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALIZED = "finalized", _("Finalized")
    SUPERSEDED = "superseded", _("Superseded")


class SchoolPlan(models.TextChoices):
    IN_PLACE = "in_place", _("In place")
    REQUESTED = "requested", _("Requested or being evaluated")
    NONE = "none", _("None")
    NOT_IN_SCHOOL = "not_in_school", _("Not applicable: not in school")


class CarePlanQuerySet(models.QuerySet):
    def finalized_on_or_after(self, member_id: int, day) -> CarePlanQuerySet:
        """The member's ICP versions finalized on or after ``day``, by version (an updated ICP
        a monitoring review can name, PS VI.B)."""
        return self.filter(member_id=member_id, finalized_on__isnull=False,
                           finalized_on__gte=day).order_by("version")


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

    objects = CarePlanQuerySet.as_manager()

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


class GoalQuerySet(models.QuerySet):
    def in_finalized_plan_of(self, member_id: int) -> GoalQuerySet:
        """The goals of the member's finalized ICP, with their plan (a referral may name one,
        PS VI.A.1.c.5.b.ii)."""
        return self.filter(plan__member_id=member_id,
                           plan__status=CarePlanStatus.FINALIZED).select_related("plan")


class Goal(PlanPart):
    """PS VI.A.1.c.5.b.ii: specific, achievable, time-specific (aspirational ones excepted)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=16, choices=GoalKind.choices)
    term = models.CharField(_("term"), max_length=8, choices=GoalTerm.choices,
                            default=GoalTerm.SHORT)
    description = models.TextField(_("goal"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = GoalQuerySet.as_manager()

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
