"""Removal of assignment and the aftercare/transition plan (PS IX)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models.episode import Episode


class RemovalReason(models.TextChoices):
    """PS IX.A 1-8."""

    NO_LONGER_ELIGIBLE = "no_longer_eligible", _(
        "No longer meets the CARES eligibility criteria (IX.A.1)")
    CONDITIONS_RESOLVED = "conditions_resolved", _(
        "Chronic conditions no longer need to be managed or maintained (IX.A.2)")
    GOALS_MET = "goals_met", _("ICP goals met and member stable (IX.A.3)")
    NEEDS_MET_WITHOUT_CARES = "needs_met_without_cares", _(
        "Needs can be met without the intensive level of CARES (IX.A.4)")
    FAMILY_DECLINED = "family_declined", _("Member and family no longer interested (IX.A.5)")
    LOST_MASSHEALTH = "lost_masshealth", _("No longer eligible for MassHealth (IX.A.6)")
    MOVED_OUT_OF_STATE = "moved_out_of_state", _("Moved out of Massachusetts (IX.A.7)")
    INDEPENDENT_CHOICE = "independent_choice", _(
        "Independent choice of a member 18+, pregnant, a parent or married (IX.A.8)")


@dataclass(frozen=True)
class AftercareGap:
    """A PS IX.B element the aftercare/transition plan lacks: the part of the plan it belongs
    to, what it is, its citation and the field (of the aftercare plan page) that supplies it."""

    section: str
    text: str
    citation: str
    field: str

    def __str__(self) -> str:
        return f"{self.text} ({self.citation})"


def _filled(value) -> bool:
    return bool(value.strip() if isinstance(value, str) else value)


class Removal(models.Model):
    """PS IX: removal of assignment and the aftercare/transition plan (IX.B 1-5)."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="removal")
    initiated_on = models.DateField(_("removal initiated on"))
    reason = models.CharField(_("reason"), max_length=30, choices=RemovalReason.choices)
    member_is_pregnant = models.BooleanField(_("member is pregnant"), default=False)
    member_is_parent = models.BooleanField(_("member is a parent"), default=False)
    member_is_married = models.BooleanField(_("member is married"), default=False)
    planned_termination_date = models.DateField(_("planned termination date"))
    # IX.B.1: date and reason (above) and the signed consent form.
    consent_signed_on = models.DateField(_("consent form signed on"), null=True, blank=True)
    consent_signed_by = models.CharField(_("consent form signed by"), max_length=200,
                                         blank=True)
    # IX.B.2-5
    recommendations = models.TextField(
        _("summary of treatment/care recommendations and ongoing strategies and resources"),
        blank=True)
    referrals = models.TextField(
        _("referrals to other service providers for health or social services"), blank=True,
        help_text=_("Write 'None needed' if no referral is required."))
    services_in_place = models.TextField(
        _("services in place after removal, and the provider arranged for each"), blank=True)
    medications = models.TextField(
        _("prescribed medications, dosages and possible side effects; ongoing treatments, "
          "DME and therapies"), blank=True)
    plan_completed_on = models.DateField(_("aftercare plan completed on"), null=True,
                                         blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.initiated_on})"

    ELEMENTS = (
        ("PS IX.B.1", _("date and reason for removal and the signed consent form")),
        ("PS IX.B.2", _("summary of care recommendations and ongoing strategies")),
        ("PS IX.B.3", _("referrals to other service providers")),
        ("PS IX.B.4", _("services in place after removal and their providers")),
        ("PS IX.B.5", _("medications, dosages and side effects, treatments, DME and therapies")),
    )

    # The fields that supply each element, and the part of the plan each belongs to.
    ELEMENT_FIELDS = (
        ("initiated_on", "reason", "planned_termination_date", "consent_signed_on",
         "consent_signed_by"),
        ("recommendations",), ("referrals",), ("services_in_place",), ("medications",),
    )
    ELEMENT_SECTIONS = (_("Removal and signed consent"),) + (_("Aftercare/transition plan"),) * 4
    # What completing the plan needs of the fields its page edits.
    REQUIRED_FIELDS = ("consent_signed_on", "consent_signed_by", "recommendations", "referrals",
                       "services_in_place", "medications")

    def missing_items(self) -> list[AftercareGap]:
        """The PS IX.B elements still missing, each with the first blank field that supplies
        it."""
        items = []
        for (cite, text), fields, section in zip(self.ELEMENTS, self.ELEMENT_FIELDS,
                                                 self.ELEMENT_SECTIONS, strict=True):
            blank = [name for name in fields if not _filled(getattr(self, name))]
            if blank:
                items.append(AftercareGap(str(section), str(text), cite, blank[0]))
        return items

    def missing_elements(self) -> list[str]:
        """The PS IX.B elements still missing, in plain words with their citations."""
        return [str(item) for item in self.missing_items()]

    @property
    def plan_complete(self) -> bool:
        return not self.missing_elements()
