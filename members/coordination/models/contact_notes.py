"""Contacts with the member, their family or their providers (PS VI.B.1.a)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class ContactMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    TELEHEALTH = "telehealth", _("Telehealth (video)")
    PHONE = "phone", _("Phone")


class ContactNote(models.Model):
    """A contact with the member, their family or their providers (PS VI.B.1.a)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="contact_notes")
    contact_at = models.DateTimeField(_("date and time"))
    contact_mode = models.CharField(_("how"), max_length=16, choices=ContactMode.choices)
    participants = models.CharField(_("participants"), max_length=300)
    summary = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "contact_at", "pk"]

    def __str__(self) -> str:
        return f"contact {self.contact_at:%Y-%m-%d %H:%M}"
