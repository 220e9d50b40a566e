"""Grievance forms (PS VII, issue 18). The forms check shapes only; the rules (dates in
order, not in the future, a known MassHealth ID) are the services'
(``members.quality.grievances``), whose refusals show next to these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms import MassHealthIdField
from members.models import GrievanceFrom, GrievanceTopic

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GrievanceForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE_INPUT)
    from_name = forms.CharField(label=_("From"), max_length=200,
                                help_text=_("The name of the person or organization."))
    from_kind = forms.ChoiceField(label=_("Who they are"), choices=GrievanceFrom.choices)
    masshealth_id = MassHealthIdField(
        label=_("Member concerned (MassHealth ID)"), max_length=16, required=False,
        help_text=_("Optional: the 12-digit MassHealth ID of the member it concerns."))
    topic = forms.ChoiceField(label=_("About"), choices=GrievanceTopic.choices)
    description = forms.CharField(label=_("What it is about"), widget=forms.Textarea(
        attrs={"rows": 5}))

    @classmethod
    def of(cls, grievance, data=None):
        """The form filled with ``grievance``'s details (to correct them)."""
        return cls(data, initial={
            "received_on": grievance.received_on, "from_name": grievance.from_name,
            "from_kind": grievance.from_kind, "topic": grievance.topic,
            "description": grievance.description,
            "masshealth_id": grievance.member.masshealth_id if grievance.member else ""})


class AcknowledgeForm(forms.Form):
    acknowledged_on = forms.DateField(label=_("Acknowledged on"), widget=DATE_INPUT)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("What was done and what the complainant was "
                                             "told."))
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DATE_INPUT)


class EscalateForm(forms.Form):
    escalated_to = forms.CharField(label=_("Escalated to"), max_length=200)
    escalated_on = forms.DateField(label=_("Escalated on"), widget=DATE_INPUT)
