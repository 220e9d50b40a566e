"""Requests for consultation with the senior medical professional (PS IV.A.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class ConsultMode(models.TextChoices):
    PHONE = "phone", _("Phone")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    TELEHEALTH = "telehealth", _("Telehealth (video)")


class ConsultationRequest(models.Model):
    """A care team member's request for consultation with the senior medical professional,
    answered within one business day (PS IV.A.2). The deadline belongs to the senior
    medical professional asked (a staff deadline)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="consultations")
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    consultant = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT,
                                   related_name="consultations",
                                   verbose_name=_("senior medical professional"))
    question = models.TextField(_("question"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_mode = models.CharField(_("how"), max_length=16, blank=True,
                                     choices=ConsultMode.choices)
    response = models.TextField(_("response"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "requested_at", "pk"]
        indexes = [models.Index(fields=["consultant", "requested_at"])]

    def __str__(self) -> str:
        return f"consultation {self.requested_at:%Y-%m-%d %H:%M}"
