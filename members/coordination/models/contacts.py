"""Contacts with the member, their family, their providers, school or agencies (PS VI.B.1.a):
a first-class record. Only a contact with the member or parent/guardian made in person or by
telehealth is the regular contact PS VI.B.1.a asks for (deadlines.md, reading 13); phone calls
and messages are recorded all the same."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.languages import validate_language_tag

USER = settings.AUTH_USER_MODEL


class ContactMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person (face to face)")
    TELEHEALTH = "telehealth", _("Telehealth (video)")
    PHONE = "phone", _("Phone")
    MESSAGE = "message", _("Message (text, e-mail, portal)")


# PS VI.B.1.a: regular contact is face-to-face or by telehealth (reading 13).
QUALIFYING_MODES = frozenset({ContactMode.IN_PERSON, ContactMode.TELEHEALTH})


# (field, label) of each party a contact can be with, in order.
CONTACT_PARTIES: tuple[tuple[str, str], ...] = (
    ("with_member", _("the member")),
    ("with_guardian", _("parent or guardian")),
    ("with_provider", _("a provider")),
    ("with_school", _("school")),
    ("with_agency", _("a state or community agency")),
)


class Contact(models.Model):
    """A contact with the member, their family or the people around them (PS VI.B.1.a)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="contact_records")
    contact_at = models.DateTimeField(_("date and time"))
    contact_mode = models.CharField(_("how"), max_length=16, choices=ContactMode.choices)
    with_member = models.BooleanField(_("with the member"), default=False)
    with_guardian = models.BooleanField(_("with a parent or guardian"), default=False)
    with_provider = models.BooleanField(_("with a provider"), default=False)
    with_school = models.BooleanField(_("with the school"), default=False)
    with_agency = models.BooleanField(_("with a state or community agency"), default=False)
    participants = models.CharField(_("names of who took part"), max_length=300, blank=True)
    staff = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("staff member"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True,
                                                   blank=True)
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    interpreter_language = models.CharField(_("interpreted language"), max_length=35,
                                            blank=True, validators=[validate_language_tag])
    summary = models.TextField(_("what happened"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "contact_at", "pk"]
        indexes = [models.Index(fields=["member", "contact_at"])]

    def __str__(self) -> str:
        return f"contact {self.contact_at:%Y-%m-%d %H:%M}"

    @property
    def with_family(self) -> bool:
        return self.with_member or self.with_guardian

    @property
    def qualifies(self) -> bool:
        """Regular contact of PS VI.B.1.a: the member or parent/guardian, in person or by
        telehealth (reading 13)."""
        return self.with_family and self.contact_mode in QUALIFYING_MODES

    @property
    def parties(self) -> list[str]:
        return [str(label) for name, label in CONTACT_PARTIES if getattr(self, name)]
