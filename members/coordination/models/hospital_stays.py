"""Hospital stays and emergency-department visits (PS VI.B.1.i, VI.A.1.b.2, VI.A.1.c.4).

A discharge while enrolled starts ``discharge_follow_up`` (deadlines.md, reading 14), satisfied
by the follow-up recorded on the stay. A discharge also suggests a significant-change
reassessment (PS VI.A.1.b.2): not a deadline, a worklist suggestion the coordinator accepts or
dismisses with a reason. Sharing the ICP with the discharge team (PS VI.A.1.c.4) is a
``careplans.CarePlanShare`` that names the stay."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class StaySetting(models.TextChoices):
    INPATIENT = "inpatient", _("Inpatient admission")
    EMERGENCY = "emergency", _("Emergency department visit")


class ReassessmentDecision(models.TextChoices):
    """What the coordinator made of the reassessment a discharge suggests."""

    PENDING = "", _("Not decided yet")
    ACCEPTED = "accepted", _("Reassessment started")
    DISMISSED = "dismissed", _("Not needed")


class HospitalStay(models.Model):
    """An inpatient stay or an emergency-department visit (PS VI.B.1.i)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="hospital_stays")
    key = models.CharField(_("import key"), max_length=64, unique=True, null=True, blank=True)
    setting = models.CharField(_("setting"), max_length=12, choices=StaySetting.choices)
    facility = models.ForeignKey("members.Provider", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("facility"))
    admitted_on = models.DateField(_("admitted or arrived on"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    discharge_planning = models.BooleanField(
        _("the care team took part in discharge planning"), default=False)
    team_on_site = models.BooleanField(_("a care team member was on site"), default=False)
    follow_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    follow_up_notes = models.TextField(_("follow-up notes"), blank=True)
    reassessment = models.CharField(_("significant-change reassessment"), max_length=10,
                                    choices=ReassessmentDecision.choices, blank=True,
                                    default=ReassessmentDecision.PENDING)
    reassessment_reason = models.CharField(_("why no reassessment"), max_length=300,
                                           blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "admitted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True)
                | models.Q(discharged_on__gte=models.F("admitted_on")),
                name="stay_discharged_after_admission"),
            models.CheckConstraint(
                condition=models.Q(follow_up_on__isnull=True)
                | models.Q(discharged_on__isnull=False,
                           follow_up_on__gte=models.F("discharged_on")),
                name="stay_follow_up_after_discharge"),
        ]

    def __str__(self) -> str:
        return f"{self.get_setting_display()} {self.admitted_on}"

    @property
    def in_progress(self) -> bool:
        return self.discharged_on is None

    @property
    def reassessment_pending(self) -> bool:
        return self.discharged_on is not None and not self.reassessment
