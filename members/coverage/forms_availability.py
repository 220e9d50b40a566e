"""The consultation-hours form (PS IV.A.2). Who may hold hours is the service's rule
(``members.coverage.availability.hours_add``): the form offers active staff holding the
senior medical professional role."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cares.base.staff.models import Role, StaffProfile
from members.coverage.models import Weekday

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def medical_staff():
    return (StaffProfile.objects.filter(active=True, roles__role=Role.SENIOR_MEDICAL_PROFESSIONAL,
                                        roles__is_backup=False)
            .distinct().select_related("user"))


class HoursForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Senior medical professional"),
                                   queryset=StaffProfile.objects.none())
    weekday = forms.TypedChoiceField(label=_("Day of the week"), choices=Weekday.choices,
                                     coerce=int)
    starts = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    ends = forms.TimeField(label=_("Until"), widget=TIME_INPUT)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT, required=False,
                                  help_text=_("Leave empty for hours without an end date."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = medical_staff()
