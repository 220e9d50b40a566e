"""What became of an ICP goal (PS VII.B: outcomes beside timeliness).

Not a part of the plan version (``PlanPart`` rows are frozen with a finalized plan): an outcome
is recorded *about* a goal of a finalized or superseded version, later, when its target date
comes. One outcome per goal; recording again replaces it (the history keeps the earlier one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class GoalAchievement(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NO_LONGER_RELEVANT = "no_longer_relevant", _("No longer relevant")


class GoalOutcome(models.Model):
    goal = models.OneToOneField("careplans.Goal", on_delete=models.CASCADE,
                                related_name="outcome", verbose_name=_("goal"))
    achievement = models.CharField(_("outcome"), max_length=20,
                                   choices=GoalAchievement.choices)
    achieved_on = models.DateField(
        _("met on"), null=True, blank=True,
        help_text=_("The day the goal was met (needed when it was met)."))
    assessed_on = models.DateField(_("assessed on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal outcome")
        verbose_name_plural = _("goal outcomes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(achievement="met") | models.Q(achieved_on__isnull=False),
                name="goal_met_has_date"),
            models.CheckConstraint(
                condition=models.Q(achieved_on__isnull=True)
                | models.Q(achieved_on__lte=models.F("assessed_on")),
                name="goal_met_before_assessed"),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} ({self.goal_id})"
