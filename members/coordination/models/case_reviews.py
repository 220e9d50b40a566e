"""Interdisciplinary case review meetings (PS III)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video conference")
    AUDIO = "audio", _("Audio conference")
    HYBRID = "hybrid", _("In person and remote")


class CaseReview(models.Model):
    """An interdisciplinary case review meeting (PS III): all of the interdisciplinary team
    and the member and their parent/guardian."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="case_reviews")
    held_on = models.DateField(_("held on"))
    meeting_mode = models.CharField(_("how"), max_length=12, choices=MeetingMode.choices)
    attendees = models.TextField(_("attendees"),
                                 help_text=_("Names and roles of everyone present."))
    member_attended = models.BooleanField(_("the member attended"), default=False)
    guardian_attended = models.BooleanField(_("the parent/guardian attended"), default=False)
    absence_reason = models.CharField(
        _("why the member and parent/guardian were absent"), max_length=300, blank=True)
    decisions = models.TextField(_("decisions"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "held_on", "pk"]

    def __str__(self) -> str:
        return f"case review {self.held_on}"
