"""Members and their enrollment lifecycle (PS I, VIII, IX).

A member's assignment to CARES is an **episode**: referred -> evaluated (eligible or not) ->
consented -> enrolled -> removal initiated -> terminated. Status moves only along
``Episode.PIPELINE`` and only through ``members.services``; each move writes a status-change
row. Re-referral after termination starts a new episode and keeps the old one.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.languages import validate_language_tag
from cares.base.staff.models import Role, StaffProfile, User

masshealth_id_validator = RegexValidator(
    r"^\d{12}$", _("A MassHealth ID is exactly 12 digits."), code="masshealth_id"
)


def age_on(date_of_birth: date, on: date) -> int:
    return relativedelta(on, date_of_birth).years


class Member(models.Model):
    """A child or young person under 21 referred to or served by the program."""

    key = models.CharField(_("import key"), max_length=64, unique=True, null=True, blank=True)
    legal_first_name = models.CharField(_("legal first name"), max_length=100)
    legal_last_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    masshealth_id = models.CharField(
        _("MassHealth ID"), max_length=12, unique=True, validators=[masshealth_id_validator],
        error_messages={"unique": _("Another member already has this MassHealth ID.")},
    )
    sex_gender = models.CharField(
        _("sex / gender, as the family states it"), max_length=60, blank=True
    )
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address, line 2"), max_length=200, blank=True)
    city = models.CharField(_("city or town"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, default="MA", blank=True)
    postal_code = models.CharField(
        _("ZIP code"), max_length=10, blank=True,
        validators=[RegexValidator(r"^\d{5}(-\d{4})?$", _("Use a 5-digit ZIP code."))],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    primary_language = models.CharField(
        _("primary language"), max_length=35, default="en",
        validators=[validate_language_tag], help_text=_("Language tag, e.g. en, es, vi, zh-Hant."),
    )
    preferred_written_language = models.CharField(
        _("preferred written language"), max_length=35, default="en",
        validators=[validate_language_tag],
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    electronic_contact_available = models.BooleanField(
        _("electronic contact available"), default=False,
        help_text=_("The family can receive letters and care plans electronically."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["legal_last_name", "legal_first_name", "pk"]
        indexes = [
            models.Index(fields=["legal_last_name", "legal_first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        permissions = [
            ("view_all_members", "Can see every member, not only their care teams'"),
            ("manage_members", "Can refer, evaluate, enroll and remove members"),
            ("break_glass", "Can open a member outside their care team, giving a reason"),
            ("view_clinical", "Can see clinical detail"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    def age_on(self, on: date) -> int:
        return age_on(self.date_of_birth, on)

    @property
    def birthday_21(self) -> date:
        return self.date_of_birth + relativedelta(years=21)

    @property
    def transfer_planning_from(self) -> date:
        """Age 20 and a half: flag the approaching 21st birthday (PS VI.C.5)."""
        return self.date_of_birth + relativedelta(years=20, months=6)


class EpisodeStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ELIGIBLE = "eligible", _("Evaluated: eligible")
    INELIGIBLE = "ineligible", _("Evaluated: not eligible")
    CONSENTED = "consented", _("Consented")
    ENROLLED = "enrolled", _("Enrolled")
    REMOVAL_INITIATED = "removal_initiated", _("Removal initiated")
    TERMINATED = "terminated", _("Terminated")
    CLOSED_UNENROLLED = "closed_unenrolled", _("Closed before enrollment")


class EpisodeClosureReason(models.TextChoices):
    """Why an episode closed before enrollment (PS VIII: the 60-day duties arise only "if the
    member/parent/caregiver consents"; deadlines.md reading 12)."""

    INELIGIBLE = "ineligible", _("Found not eligible")
    DECLINED = "declined", _("Family declined CARES services")
    WITHDREW = "withdrew", _("Family withdrew before enrollment")
    UNREACHABLE = "unreachable", _("Family could not be reached")


class ReferralSource(models.TextChoices):
    PCP = "pcp", _("Primary care provider")
    SPECIALIST = "specialist", _("Pediatric specialty provider")
    HOSPITAL = "hospital", _("Hospital or discharge planner")
    BEHAVIORAL_HEALTH = "behavioral_health", _("Behavioral health provider")
    MANAGED_CARE = "managed_care", _("MassHealth managed care entity")
    STATE_AGENCY = "state_agency", _("State agency")
    SCHOOL = "school", _("School or early childhood program")
    FAMILY = "family", _("Member or family (self-referral)")
    CARES_TEAM = "cares_team", _("Identified by the CARES team")
    OTHER = "other", _("Other")


class Episode(models.Model):
    """One assignment of a member to the program, from referral to termination."""

    S = EpisodeStatus
    # Allowed moves (django-oscar's pipeline pattern). Anything else is refused.
    PIPELINE: dict[str, tuple[str, ...]] = {
        S.REFERRED: (S.ELIGIBLE, S.INELIGIBLE, S.CLOSED_UNENROLLED),
        S.ELIGIBLE: (S.CONSENTED, S.INELIGIBLE, S.CLOSED_UNENROLLED),
        S.INELIGIBLE: (),
        S.CONSENTED: (S.ENROLLED, S.INELIGIBLE, S.CLOSED_UNENROLLED),
        S.ENROLLED: (S.REMOVAL_INITIATED,),
        S.REMOVAL_INITIATED: (S.TERMINATED,),
        S.TERMINATED: (),
        S.CLOSED_UNENROLLED: (),
    }
    # Closed before enrollment (reading 12): found ineligible, or closed with another reason.
    CLOSED_BEFORE_ENROLLMENT = (S.INELIGIBLE, S.CLOSED_UNENROLLED)
    # The episodes that can still close that way.
    CLOSABLE_BEFORE_ENROLLMENT = (S.REFERRED, S.ELIGIBLE, S.CONSENTED)
    CLOSED = (S.INELIGIBLE, S.CLOSED_UNENROLLED, S.TERMINATED)

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="episodes")
    status = models.CharField(
        _("status"), max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.REFERRED
    )
    referral_date = models.DateField(_("referral or identification date"))
    referral_source = models.CharField(
        _("referral source"), max_length=20, choices=ReferralSource.choices
    )
    referring_entity = models.CharField(
        _("referring entity"), max_length=200, blank=True,
        help_text=_("The organization or person who referred the member."),
    )
    referring_contact = models.ForeignKey(
        "members.Provider", on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals_made", verbose_name=_("referring provider (directory)"),
    )
    effective_date = models.DateField(_("enrollment effective date"), null=True, blank=True)
    primary_contact = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, null=True, blank=True,
        related_name="primary_for", verbose_name=_("designated primary contact"),
        help_text=_("A care coordinator or senior care manager (PS VI.B.1.a)."),
    )
    termination_date = models.DateField(_("termination date"), null=True, blank=True)
    closed_on = models.DateField(_("closed before enrollment on"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closing"), max_length=20, blank=True,
                                      choices=EpisodeClosureReason.choices)
    closure_note = models.TextField(_("what happened"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        ordering = ["member", "-referral_date", "-pk"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            # Reading 12: an episode with an enrollment cannot also close before enrollment,
            # and a closing always has its date and reason.
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(effective_date__isnull=True),
                name="episode_closed_before_enrollment_not_enrolled"),
            models.CheckConstraint(
                condition=(models.Q(closed_on__isnull=True) & models.Q(closure_reason=""))
                | (models.Q(closed_on__isnull=False) & ~models.Q(closure_reason="")),
                name="episode_closing_has_date_and_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()} ({self.referral_date})"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    @property
    def closed_before_enrollment(self) -> bool:
        return self.status in self.CLOSED_BEFORE_ENROLLMENT

    def can_move_to(self, status: str) -> bool:
        return status in self.PIPELINE[self.status]


class EpisodeStatusChange(models.Model):
    """Every status move, with its date and author (append-only)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=EpisodeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=EpisodeStatus.choices)
    on = models.DateField(_("effective on"))
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} on {self.on}"


class EligibilityCriterion(models.TextChoices):
    UNDER_21 = "under_21", _("Under 21 years of age")
    MASSHEALTH = "masshealth", _("MassHealth member")
    MEDICAL_COMPLEXITY = "medical_complexity", _(
        "Medical complexity: chronic conditions across multiple systems"
    )
    FUNCTIONAL_LIMITATION = "functional_limitation", _("Significant functional limitations")
    INTENSIVE_COORDINATION = "intensive_coordination", _(
        "Needs intensive care coordination across providers and systems"
    )
    CLINICAL_CRITERIA = "clinical_criteria", _(
        "Meets the clinical eligibility criteria of 130 CMR 433.485 / 405.477 / 410.482"
    )


class EligibilityEvaluation(models.Model):
    """PS I, VIII: a documented evaluation of eligibility for CARES."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("evaluated on"))
    evaluator = models.ForeignKey(StaffProfile, on_delete=models.PROTECT,
                                  verbose_name=_("evaluator"))
    criteria = models.JSONField(_("criteria considered"), default=list)
    eligible = models.BooleanField(_("eligible"))
    rationale = models.TextField(_("rationale"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluated_on", "pk"]

    def __str__(self) -> str:
        return f"{'eligible' if self.eligible else 'not eligible'} ({self.evaluated_on})"

    def criteria_labels(self) -> list[str]:
        labels = dict(EligibilityCriterion.choices)
        return [str(labels.get(c, c)) for c in self.criteria]


class EducationMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face, in person")
    TELEHEALTH = "telehealth", _("Telehealth")


class Engagement(models.Model):
    """PS VIII: education about CARES, rights, right to choose, and consent."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="engagement")
    educated_on = models.DateField(_("member/guardian educated about CARES on"))
    education_mode = models.CharField(_("how"), max_length=20, choices=EducationMode.choices)
    rights_given_on = models.DateField(_("rights and responsibilities given on"))
    choice_explained_on = models.DateField(
        _("right to choose among CARES providers and other TCM services explained on")
    )
    consent_on = models.DateField(_("consent to receive CARES services given on"))
    consent_by = models.CharField(_("consent given by (name)"), max_length=200)
    consent_relationship = models.CharField(
        _("relationship to the member"), max_length=60,
        help_text=_("e.g. self, mother, legal guardian"),
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"consent {self.consent_on}"


class CareTeamMember(models.Model):
    """Staff on a member's care team. Current while ``until`` is empty."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="care_team")
    staff = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="care_teams")
    role = models.CharField(_("role on the team"), max_length=32, choices=Role.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "staff"], condition=models.Q(until__isnull=True),
                name="care_team_current_once",
            )
        ]
        indexes = [models.Index(fields=["staff", "member"], condition=models.Q(
            until__isnull=True), name="care_team_current_idx")]

    def __str__(self) -> str:
        return f"{self.staff} ({self.get_role_display()})"


class LegalAuthority(models.TextChoices):
    PARENT = "parent", _("Parent with legal custody")
    GUARDIAN = "guardian", _("Court-appointed legal guardian")
    HEALTH_CARE_PROXY = "health_care_proxy", _("Health care proxy")
    AUTHORIZED_REPRESENTATIVE = "authorized_representative", _("Authorized representative")
    NONE = "none", _("No legal authority (contact only)")


class Guardian(models.Model):
    """A parent, guardian or authorized representative, and who receives letters."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="guardians")
    key = models.CharField(max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=60,
                                    help_text=_("e.g. mother, grandfather, foster parent"))
    legal_authority = models.CharField(_("legal authority"), max_length=30,
                                       choices=LegalAuthority.choices,
                                       default=LegalAuthority.PARENT)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("mailing address"), max_length=300, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=35, blank=True,
                                          validators=[validate_language_tag])
    receives_letters = models.BooleanField(_("receives letters"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-receives_letters", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ProviderKind(models.TextChoices):
    """PS VI.A.1.c.5.a and VI.B.1.d: who can be on a member's care team."""

    PCP = "pcp", _("PCP or PCP designee")
    SPECIALIST = "specialist", _("Specialist")
    DENTAL = "dental", _("Dental provider")
    BEHAVIORAL_HEALTH = "behavioral_health", _("Behavioral health provider")
    SCHOOL = "school", _("School support")
    EARLY_CHILDHOOD = "early_childhood", _("Early childhood / early intervention support")
    CCM = "ccm", _("Community Case Management (CCM)")
    CSN = "csn", _("Continuous Skilled Nursing (CSN)")
    COMMUNITY = "community", _("Community support")
    HEALTH_SYSTEM = "health_system", _("Hospital or health system")
    MANAGED_CARE = "managed_care", _("MassHealth managed care entity")
    DCF = "dcf", _("DCF (Department of Children and Families)")
    DDS = "dds", _("DDS (Department of Developmental Services)")
    DESE = "dese", _("DESE (Elementary and Secondary Education)")
    DMH = "dmh", _("DMH (Department of Mental Health)")
    DPH = "dph", _("DPH (Department of Public Health)")
    DTA = "dta", _("DTA (Department of Transitional Assistance)")
    DYS = "dys", _("DYS (Department of Youth Services)")
    DME = "dme", _("Durable medical equipment supplier")
    OTHER = "other", _("Other")


class Provider(models.Model):
    """The provider and agency directory, shared by all members."""

    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    organization = models.CharField(_("organization"), max_length=200)
    person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("provider and agency directory")
        ordering = ["organization", "person", "pk"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.person}" if self.person else self.organization


class MemberContact(models.Model):
    """A directory entry on a member's care team, with its role for this member."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contacts")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("role for this member"), max_length=20,
                            choices=ProviderKind.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "provider", "role"],
                                               name="member_contact_once")]

    def __str__(self) -> str:
        return f"{self.provider} ({self.get_role_display()})"


class ReleaseOfInformation(models.Model):
    """A HIPAA authorization to share the member's information with a party (PS VIII)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="releases")
    party = models.CharField(_("shared with"), max_length=200)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("directory entry"))
    purpose = models.CharField(_("purpose"), max_length=300)
    scope = models.TextField(_("information covered"))
    signed_on = models.DateField(_("signed on"))
    signed_by = models.CharField(_("signed by"), max_length=200)
    expires_on = models.DateField(_("expires on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("release of information")
        verbose_name_plural = _("releases of information")
        ordering = ["-signed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.party} ({self.signed_on}–{self.expires_on})"

    def status_on(self, on: date) -> str:
        if self.revoked_on and self.revoked_on <= on:
            return "revoked"
        if self.signed_on > on:
            return "not_yet"
        if self.expires_on < on:
            return "expired"
        return "in_force"

    def in_force(self, on: date) -> bool:
        return self.status_on(on) == "in_force"


class RemovalReason(models.TextChoices):
    """PS IX.A 1-8."""

    NO_LONGER_ELIGIBLE = "no_longer_eligible", _(
        "No longer meets the CARES eligibility criteria (IX.A.1)")
    CONDITIONS_RESOLVED = "conditions_resolved", _(
        "Chronic conditions no longer need to be managed or maintained (IX.A.2)")
    GOALS_MET = "goals_met", _("ICP goals met and member stable (IX.A.3)")
    NEEDS_MET_WITHOUT_CARES = "needs_met_without_cares", _(
        "Needs can be met without the intensive level of CARES (IX.A.4)")
    FAMILY_DECLINED = "family_declined", _("Member and family no longer interested (IX.A.5)")
    LOST_MASSHEALTH = "lost_masshealth", _("No longer eligible for MassHealth (IX.A.6)")
    MOVED_OUT_OF_STATE = "moved_out_of_state", _("Moved out of Massachusetts (IX.A.7)")
    INDEPENDENT_CHOICE = "independent_choice", _(
        "Independent choice of a member 18+, pregnant, a parent or married (IX.A.8)")


class Removal(models.Model):
    """PS IX: removal of assignment and the aftercare/transition plan (IX.B 1-5)."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="removal")
    initiated_on = models.DateField(_("removal initiated on"))
    reason = models.CharField(_("reason"), max_length=30, choices=RemovalReason.choices)
    member_is_pregnant = models.BooleanField(_("member is pregnant"), default=False)
    member_is_parent = models.BooleanField(_("member is a parent"), default=False)
    member_is_married = models.BooleanField(_("member is married"), default=False)
    planned_termination_date = models.DateField(_("planned termination date"))
    # IX.B.1: date and reason (above) and the signed consent form.
    consent_signed_on = models.DateField(_("consent form signed on"), null=True, blank=True)
    consent_signed_by = models.CharField(_("consent form signed by"), max_length=200,
                                         blank=True)
    # IX.B.2-5
    recommendations = models.TextField(
        _("summary of treatment/care recommendations and ongoing strategies and resources"),
        blank=True)
    referrals = models.TextField(
        _("referrals to other service providers for health or social services"), blank=True,
        help_text=_("Write 'None needed' if no referral is required."))
    services_in_place = models.TextField(
        _("services in place after removal, and the provider arranged for each"), blank=True)
    medications = models.TextField(
        _("prescribed medications, dosages and possible side effects; ongoing treatments, "
          "DME and therapies"), blank=True)
    plan_completed_on = models.DateField(_("aftercare plan completed on"), null=True,
                                         blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.initiated_on})"

    ELEMENTS = (
        ("PS IX.B.1", _("date and reason for removal and the signed consent form")),
        ("PS IX.B.2", _("summary of care recommendations and ongoing strategies")),
        ("PS IX.B.3", _("referrals to other service providers")),
        ("PS IX.B.4", _("services in place after removal and their providers")),
        ("PS IX.B.5", _("medications, dosages and side effects, treatments, DME and therapies")),
    )

    def missing_elements(self) -> list[str]:
        """The PS IX.B elements still missing, in plain words with their citations."""
        present = (
            bool(self.initiated_on and self.reason and self.planned_termination_date
                 and self.consent_signed_on and self.consent_signed_by.strip()),
            bool(self.recommendations.strip()),
            bool(self.referrals.strip()),
            bool(self.services_in_place.strip()),
            bool(self.medications.strip()),
        )
        return [f"{text} ({cite})" for (cite, text), ok in zip(self.ELEMENTS, present, strict=True)
                if not ok]

    @property
    def plan_complete(self) -> bool:
        return not self.missing_elements()


# --- Care coordination records (PS III, IV.A.2, VI.B-D) -----------------------------------------
# Defined in members.coordination.models (this app's models, kept in their own module) and
# importable from here like every other model of the app.

from members.coordination.models import (  # noqa: E402, F401
    CaseReview,
    ConsultationRequest,
    ContactNote,
    MonitoringReview,
    OnCallCall,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatusChange,
    ServiceReferral,
    TransitionPlan,
)
