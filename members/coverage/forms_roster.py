"""The shift form of the on-call roster. Start and end are a date and a time each, in the
program's local time (America/New_York); a time that does not exist or occurs twice on a
daylight-saving day is refused next to the field. Who may take calls is the service's rule
(``members.coverage.roster``): the form only offers the people who hold a role that does."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.coverage.roster import call_candidates


def _when() -> forms.SplitDateTimeWidget:
    return forms.SplitDateTimeWidget(
        date_attrs={"type": "date"}, time_attrs={"type": "time"},
        date_format="%Y-%m-%d", time_format="%H:%M")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.user)


class ShiftForm(forms.Form):
    staff = PersonChoice(label=_("On call"), queryset=call_candidates())
    backup = PersonChoice(label=_("Backup"), queryset=call_candidates(), required=False,
                          help_text=_("Behind the person on call, should they be unreachable."))
    starts_at = forms.SplitDateTimeField(label=_("Starts (date, time)"), widget=_when())
    ends_at = forms.SplitDateTimeField(label=_("Ends (date, time)"), widget=_when(),
                                       help_text=_("Local time (Eastern). At most 7 days."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = call_candidates()
        self.fields["backup"].queryset = call_candidates()
