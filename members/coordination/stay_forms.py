"""Forms for hospital stays and emergency-department visits (PS VI.B.1.i, VI.A.1.b.2). They
validate input; ``members.coordination.services.hospital_stays`` decides and writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cares.base.staff.forms import DATE_INPUT
from members.coordination.models import HospitalStay
from members.forms import TEXTAREA
from members.models import Provider


class HospitalStayForm(forms.ModelForm):
    """A stay: where, when, why, and how the care team took part."""

    class Meta:
        model = HospitalStay
        fields = ["setting", "facility", "admitted_on", "discharged_on", "reason",
                  "discharge_planning", "team_on_site"]
        widgets = {"setting": forms.RadioSelect, "admitted_on": DATE_INPUT,
                   "discharged_on": DATE_INPUT}
        help_texts = {
            "facility": _("From the directory; add the hospital there if it is missing."),
            "discharged_on": _("Leave empty while the stay goes on."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Provider.objects.filter(active=True)
        self.fields["setting"].choices = self.fields["setting"].choices[1:]  # no blank
        if self.initial.get("admitted_on") in (None, ""):
            self.initial["admitted_on"] = timezone.localdate()


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label=_("Discharged on"), widget=DATE_INPUT,
                                    initial=timezone.localdate)
    discharge_planning = forms.BooleanField(
        label=_("The care team took part in discharge planning"), required=False)
    team_on_site = forms.BooleanField(label=_("A care team member was on site"),
                                      required=False)


class StayFollowUpForm(forms.Form):
    follow_up_on = forms.DateField(label=_("Followed up on"), widget=DATE_INPUT,
                                   initial=timezone.localdate)
    follow_up_notes = forms.CharField(label=_("What the follow-up found"), widget=TEXTAREA,
                            help_text=_("With the member or family: how they are, new needs, "
                                        "medications, appointments after the discharge."))


class ReassessmentDismissForm(forms.Form):
    reason = forms.CharField(label=_("Why no reassessment is needed"), max_length=300,
                             widget=TEXTAREA)
