"""An episode: one assignment of a member to CARES, from referral to termination (PS I, VIII),
with its status moves, eligibility evaluation, education and consent, and the care team."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.staff.models import Role, StaffProfile, User
from members.models.member import Member


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
    # Of those considered, the ones met, and where each finding came from (criterion code ->
    # source). Evaluations recorded before these were asked for have neither.
    criteria_met = models.JSONField(_("criteria met"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=dict, blank=True)
    eligible = models.BooleanField(_("eligible"))
    rationale = models.TextField(_("rationale"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluated_on", "pk"]

    def __str__(self) -> str:
        return f"{'eligible' if self.eligible else 'not eligible'} ({self.evaluated_on})"

    def criteria_labels(self) -> list[str]:
        """Each criterion considered, with whether it was met and its source when recorded."""
        labels = dict(EligibilityCriterion.choices)
        if not self.criteria_met and not self.sources:  # recorded before "met" was asked
            return [str(labels.get(c, c)) for c in self.criteria]
        rows = []
        for code in self.criteria:
            label = str(labels.get(code, code))
            met = _("met") if code in self.criteria_met else _("not met")
            source = self.sources.get(code, "")
            rows.append(f"{label}: {met}" + (f" ({source})" if source else ""))
        return rows


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
