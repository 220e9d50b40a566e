"""The plan for transition to adulthood (PS VI.C). The deadline engine reads a plan's
``recorded_on``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class GuardianshipNeed(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No decision-making support needed")
    SUPPORTED = "supported", _("Supported decision-making, no guardianship")
    GUARDIANSHIP = "guardianship", _("Guardianship may be needed")
    UNDETERMINED = "undetermined", _("Not yet determined")


class TransitionPlan(models.Model):
    """PS VI.C: the plan for transition to adulthood (from age 16), updated regularly; from
    age 20 the timing of the transfer of primary and subspecialty care (VI.C.5)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="transition_plans")
    recorded_on = models.DateField(_("recorded on"))
    updated_on = models.DateField(_("last updated on"), null=True, blank=True)
    # VI.C.1
    goals_actions = models.TextField(_("the member's goals and prioritized actions"),
                                     blank=True)
    medical_summary = models.TextField(_("medical summary"), blank=True)
    emergency_plan = models.TextField(_("emergency care plan"), blank=True)
    condition_fact_sheet = models.TextField(
        _("condition fact sheet (if needed)"), blank=True)
    legal_documents = models.TextField(
        _("legal documents (if needed)"), blank=True,
        help_text=_("e.g. health care proxy, power of attorney, release forms."))
    # VI.C.2
    adult_clinicians = models.TextField(
        _("adult clinicians identified"), blank=True,
        help_text=_("Adult primary care and specialists the member has chosen or will meet."))
    insurance_linkages = models.TextField(_("linkages to insurance resources"), blank=True)
    community_linkages = models.TextField(
        _("self-care management information and community support services"), blank=True,
        help_text=_("Including long-term services and supports, and referrals made."))
    # VI.C.3
    guardianship_need = models.CharField(_("decision-making supports needed"), max_length=16,
                                         blank=True, choices=GuardianshipNeed.choices)
    decision_making_supports = models.TextField(_("decision-making supports"), blank=True)
    legal_referrals = models.TextField(_("referrals to legal resources"), blank=True)
    # VI.C.4
    adult_care_preparation = models.TextField(
        _("preparation for the adult approach to care"), blank=True,
        help_text=_("Legal changes in decision-making, privacy and consent, self-advocacy, "
                    "access to information."))
    # VI.C.5 (from age 20)
    primary_care_transfer_on = models.DateField(_("planned transfer of primary care"),
                                                null=True, blank=True)
    primary_care_transfer = models.TextField(_("timing of the transfer of primary care"),
                                             blank=True)
    subspecialty_involved = models.BooleanField(_("subspecialty care is involved"),
                                                null=True, blank=True)
    subspecialty_transfer_on = models.DateField(_("planned transfer of subspecialty care"),
                                                null=True, blank=True)
    subspecialty_transfer = models.TextField(_("timing of the transfer of subspecialty care"),
                                             blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "recorded_on", "pk"]

    def __str__(self) -> str:
        return f"transition plan {self.recorded_on}"

    ELEMENTS = (
        ("PS VI.C.1", _("the member's goals and prioritized actions, medical summary and "
                        "emergency care plan")),
        ("PS VI.C.2", _("adult clinicians, insurance and community linkages")),
        ("PS VI.C.3", _("the need for decision-making supports, including guardianship")),
        ("PS VI.C.4", _("preparation for the adult approach to care")),
        ("PS VI.C.5", _("timing of the transfer of primary care, and of subspecialty care if "
                        "involved")),
    )

    def missing_elements(self, *, age: int) -> list[str]:
        """The PS VI.C elements still missing, in plain words with their citations; VI.C.5
        only from age 20."""
        def filled(*names: str) -> bool:
            return all(str(getattr(self, n) or "").strip() for n in names)

        present = [
            filled("goals_actions", "medical_summary", "emergency_plan"),
            filled("adult_clinicians", "insurance_linkages", "community_linkages"),
            self.guardianship_need == GuardianshipNeed.NOT_NEEDED
            or (self.guardianship_need == GuardianshipNeed.SUPPORTED
                and filled("decision_making_supports"))
            or (self.guardianship_need == GuardianshipNeed.GUARDIANSHIP
                and filled("decision_making_supports", "legal_referrals")),
            filled("adult_care_preparation"),
            age < 20 or (
                (filled("primary_care_transfer") or self.primary_care_transfer_on is not None)
                and self.subspecialty_involved is not None
                and (not self.subspecialty_involved or filled("subspecialty_transfer")
                     or self.subspecialty_transfer_on is not None)),
        ]
        return [f"{text} ({cite})" for (cite, text), ok in zip(self.ELEMENTS, present,
                                                               strict=True) if not ok]
