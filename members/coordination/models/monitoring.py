"""Monitoring reviews (PS VI.D.1): at least every six months, the three determinations a-c.
The deadline engine reads a review's ``reviewed_on``. The updated ICP version is a foreign key
declared by name: coordination sits below ``careplans`` and imports nothing from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class MonitoringReview(models.Model):
    """PS VI.D.1: at least every six months, the three determinations a-c."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="monitoring_reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    participants = models.CharField(
        _("participants"), max_length=300, blank=True,
        help_text=_("The member and parent/guardian and the care team members who took "
                    "part."))
    services_per_icp = models.BooleanField(
        _("services are furnished in accordance with the ICP (VI.D.1.a)"), null=True,
        blank=True)
    services_adequate = models.BooleanField(
        _("services in the ICP are adequate (VI.D.1.b)"), null=True, blank=True)
    changes_reflected = models.BooleanField(
        _("changes in needs or status are reflected in the ICP (VI.D.1.c)"), null=True,
        blank=True)
    icp_update_needed = models.BooleanField(_("the ICP must be updated"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    new_care_plan = models.ForeignKey(
        "careplans.CarePlan", on_delete=models.PROTECT, null=True, blank=True,
        related_name="monitoring_reviews", verbose_name=_("updated ICP version"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"monitoring {self.reviewed_on}"

    @property
    def icp_update_pending(self) -> bool:
        return self.icp_update_needed and self.new_care_plan_id is None
