"""Staff, their roles, credentials and training (PS IV, V), and the program itself.

Models hold data and invariants only; the qualification rules live in
``cares.base.staff.qualifications`` and every write goes through ``cares.base.staff.services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Sign-in is by e-mail address, one account per person."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the admin site"),
        default=False,
        help_text=_("Lets this user sign in to the Django admin (program directors, IT)."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()
    history = HistoricalRecords()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


def _length(label: str, default: int, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, help_text=help_text,
        validators=[MinValueValidator(1), MaxValueValidator(365)])


class Program(models.Model):
    """The CARES program provider (its name and contact details appear on letters), and the
    program's own settings: the lengths the PS leaves to the program (deadlines.md notes),
    which the deadline rule book reads from here. The program director edits them."""

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    transition_plan_days = _length(
        _("transition-to-adulthood plan (days)"), 60,
        _("Days from the 16th birthday (or enrollment, if later) to the transition plan "
          "(PS VI.C sets the start, the program the length)."))
    contact_interval_days = _length(
        _("contact interval (days)"), 30,
        _("Longest gap between two face-to-face or telehealth contacts (PS VI.B.1.a)."))
    discharge_follow_up_days = _length(
        _("discharge follow-up window (days)"), 7,
        _("Days from a hospital or emergency-department discharge to the follow-up "
          "(PS VI.B.1.i)."))
    icp_update_days = _length(
        _("ICP update window (days)"), 30,
        _("Days from a review that finds the ICP must change to the new ICP version "
          "(PS VI.A.1.b.3, VI.D.1.c)."))
    on_call_phone = models.CharField(
        _("24/7 on-call number"), max_length=40, blank=True,
        help_text=_("The dedicated number answered 24 hours a day, 365 days a year "
                    "(PS VI.B.1.b); printed on letters, the ICP and the emergency plan."))
    callback_target_minutes = models.PositiveSmallIntegerField(
        _("call-back target (minutes)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("A call not answered live is called back within this many minutes."))
    grievance_acknowledge_days = models.PositiveSmallIntegerField(
        _("grievance acknowledgement target (days)"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("A grievance is acknowledged within this many calendar days of receipt."))
    grievance_resolve_days = models.PositiveSmallIntegerField(
        _("grievance resolution target (days)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A grievance is resolved within this many calendar days of receipt."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROGRAM_DIRECTOR = "program_director", _("Program director")
    SENIOR_CARE_MANAGER = "senior_care_manager", _("Senior care manager")
    CARE_COORDINATOR = "care_coordinator", _("Care coordinator")
    FAMILY_SUPPORT = "family_support", _("Family support staff")
    SENIOR_MEDICAL_PROFESSIONAL = "senior_medical_professional", _("Senior medical professional")


class Education(models.TextChoices):
    NONE = "none", _("No diploma")
    HIGH_SCHOOL = "high_school", _("High school diploma or equivalent (GED)")
    ASSOCIATE = "associate", _("Associate's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


EDUCATION_RANK = {
    Education.NONE: 0,
    Education.HIGH_SCHOOL: 1,
    Education.ASSOCIATE: 2,
    Education.BACHELOR: 3,
    Education.MASTER: 4,
    Education.DOCTORATE: 5,
}


class CredentialType(models.TextChoices):
    MD = "MD", _("Medical doctor (MD)")
    DO = "DO", _("Doctor of osteopathic medicine (DO)")
    NP = "NP", _("Nurse practitioner (NP)")
    PA = "PA", _("Physician assistant (PA)")
    RN = "RN", _("Registered nurse (RN)")
    LICSW = "LICSW", _("Licensed independent clinical social worker (LICSW)")
    LCSW = "LCSW", _("Licensed certified social worker (LCSW)")
    LSW = "LSW", _("Licensed social worker (LSW)")
    CHW = "CHW", _("Certified community health worker (CHW)")


class TrainingTopic(models.TextChoices):
    CARE_COORDINATION_PRINCIPLES = "care_coordination_principles", _(
        "Care coordination principles for children and families (PS V.A.1)"
    )
    EQUITY_IMPLICIT_BIAS = "equity_implicit_bias", _(
        "Racial, cultural and linguistic equity, including implicit bias (PS V.A.2)"
    )
    PRIVACY_HIPAA_FERPA = "privacy_hipaa_ferpa", _(
        "Privacy and confidentiality, HIPAA and FERPA (PS V.A.3)"
    )
    COMMUNITY_RESOURCES = "community_resources", _(
        "Community-based, social service and state agency resources (PS V.B.1)"
    )
    EDUCATION_SYSTEMS_IEP_504 = "education_systems_iep_504", _(
        "Educational systems, IEPs and 504 plans (PS V.B.2)"
    )
    SHARED_PLAN_OF_CARE = "shared_plan_of_care", _(
        "Shared plan of care development with families (PS V.B.3)"
    )
    ANNUAL = "annual", _("Annual training (PS V.A)")


years_field_kwargs = {
    "max_digits": 4,
    "decimal_places": 1,
    "default": Decimal("0"),
    "validators": [MinValueValidator(Decimal("0"))],
}


class StaffProfile(models.Model):
    """A member of the CARES team: what PS IV.B asks of them, and what they have."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="staff_profile")
    key = models.CharField(
        _("import key"), max_length=64, unique=True, null=True, blank=True,
        help_text=_("Identifier from the caseload interchange file, when imported."),
    )
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    education = models.CharField(
        _("highest education"), max_length=20, choices=Education.choices,
        default=Education.NONE,
    )
    human_services_degree = models.BooleanField(
        _("degree is in a human services field"), default=False
    )
    clinical_experience_years = models.DecimalField(
        _("years of clinical experience"), **years_field_kwargs
    )
    target_population_years = models.DecimalField(
        _("years with the target population"), **years_field_kwargs,
        help_text=_("Children and youth under 21 with medical complexity."),
    )
    relevant_experience_years = models.DecimalField(
        _("years of relevant experience"), **years_field_kwargs,
        help_text=_(
            "Experience with children, adolescents and transition-age youth (family support "
            "staff, PS IV.B.4.a.4-5). Years with the target population are counted above; "
            "care coordinators qualify by those (PS IV.B.3.a)."
        ),
    )
    admin_experience_years = models.DecimalField(
        _("years in an administrative role"), **years_field_kwargs
    )
    caregiver_of_special_needs_youth = models.BooleanField(
        _("has been the caregiver of a youth with special needs"), default=False
    )
    certified_chw = models.BooleanField(_("certified community health worker"), default=False)
    hire_date = models.DateField(_("hire date"))
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["user__last_name", "user__first_name"]
        permissions = [("manage_staff", "Can manage the program's staff")]

    def __str__(self) -> str:
        return str(self.user)


class Credential(models.Model):
    """A licence or certification. An expired one does not count toward any check."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="credentials")
    type = models.CharField(_("type"), max_length=8, choices=CredentialType.choices)
    license_number = models.CharField(_("licence number"), max_length=40)
    state = models.CharField(
        _("state"), max_length=2, default="MA",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter state code, e.g. MA."))],
    )
    expires = models.DateField(_("expires"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["type", "expires"]

    def __str__(self) -> str:
        return f"{self.type} {self.license_number} ({self.state}, expires {self.expires})"

    def is_current(self, on) -> bool:
        return self.expires >= on


class RoleAssignment(models.Model):
    """A role a staff member holds, or covers as backup staff (PS IV.A.4)."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_backup = models.BooleanField(_("backup coverage"), default=False)
    covers = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, null=True, blank=True,
        related_name="covered_by", verbose_name=_("covers for"),
        help_text=_("For backup coverage: the colleague whose position is covered."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["is_backup", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "role", "is_backup"], name="staff_role_once"
            ),
            models.CheckConstraint(
                condition=models.Q(covers__isnull=True) | models.Q(is_backup=True),
                name="staff_role_covers_only_for_backup",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_role_display()
        return f"{label} (backup)" if self.is_backup else label


class Training(models.Model):
    """A completed training (PS V). Records are kept on file."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="trainings")
    topic = models.CharField(_("topic"), max_length=40, choices=TrainingTopic.choices)
    completed = models.DateField(_("completed on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["completed", "topic"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.completed})"


class EnrollmentLink(models.Model):
    """A one-time link that lets a new account set up its authenticator app (TOTP).

    Issued by the program director (``cares.base.staff.enrollment``): it expires after
    ``CARES_ENROLLMENT_LINK_HOURS``, works once, and only the SHA-256 of the token is stored.
    Without a device and without a valid link an account cannot enroll: a password alone
    never sets up the second factor."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrollment_links",
                             verbose_name=_("account"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-factor enrollment link")
        verbose_name_plural = _("two-factor enrollment links")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"enrollment link #{self.pk} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
