"""The people around a member: parents and guardians, the provider and agency directory and
its entries on a member's care team (PS VI.B.1.d), and releases of information (PS VIII)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.languages import validate_language_tag
from members.models.member import STATE_AGENCIES, Member

AGENCY_NAMES = dict(STATE_AGENCIES)


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
    # The state agencies, named once (members.models.member.STATE_AGENCIES).
    DCF = "dcf", AGENCY_NAMES["DCF"]
    DDS = "dds", AGENCY_NAMES["DDS"]
    DESE = "dese", AGENCY_NAMES["DESE"]
    DMH = "dmh", AGENCY_NAMES["DMH"]
    DPH = "dph", AGENCY_NAMES["DPH"]
    DTA = "dta", AGENCY_NAMES["DTA"]
    DYS = "dys", AGENCY_NAMES["DYS"]
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
