"""Calls to the dedicated 24/7 on-call line and their triage (PS VI.B.1.b, IV.A.5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class CallCategory(models.TextChoices):
    """What the 24/7 on-call line responds to and triages (PS VI.B.1.b)."""

    MEDICAL_QUESTION = "medical_question", _("Medical question")
    DME = "dme", _("Durable medical equipment need or failure")
    ACCESS = "access", _("Help accessing medical services")
    CRISIS = "crisis", _("Medical crisis or emergency")


class TriageDecision(models.TextChoices):
    ADVICE = "advice", _("Advice given, no further action")
    CALL_BACK = "call_back", _("Care team to call back next business day")
    CONTACT_CLINICIAN = "contact_clinician", _("PCP or specialist contacted")
    DME_VENDOR = "dme_vendor", _("DME supplier contacted")
    URGENT_VISIT = "urgent_visit", _("Urgent visit arranged")
    EMERGENCY = "emergency", _("Sent to the emergency department / 911")
    OTHER = "other", _("Other (see notes)")


class OnCallCall(models.Model):
    """A call to the dedicated 24/7 on-call line (PS VI.B.1.b, IV.A.5)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="on_call_calls")
    called_at = models.DateTimeField(_("call time"))
    caller = models.CharField(_("caller"), max_length=200,
                              help_text=_("Name and relationship to the member."))
    call_category = models.CharField(_("category"), max_length=20,
                                     choices=CallCategory.choices)
    summary = models.TextField(_("what the caller needed"))
    triage_decision = models.CharField(_("triage decision"), max_length=20,
                                       choices=TriageDecision.choices)
    triage_notes = models.TextField(_("triage notes"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True,
                                 help_text=_("What the care team does next, and by when."))
    handled_by = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("answered by"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    first_callback_at = models.DateTimeField(
        _("first call back"), null=True, blank=True,
        help_text=_("When the caller was first called back (leave empty if the call was "
                    "answered live)."))
    answered_live = models.BooleanField(
        _("answered live"), default=False,
        help_text=_("The call was answered by a person as it came in."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("on-call call")
        ordering = ["member", "called_at", "pk"]

    def __str__(self) -> str:
        return f"on-call {self.called_at:%Y-%m-%d %H:%M}"
