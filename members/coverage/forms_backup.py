"""Leave and backup coverage forms (PS IV.A.4). Moments are local (Eastern) time. The
staff pickers offer only plausible people; the full check is the service's
(``members.coverage.backup.coverage_add``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cares.base.staff.models import Role, StaffProfile
from cares.base.widgets import QuickSelect
from members.coverage.backup import plausible_backups, positions_held
from members.coverage.models import LeaveReason, StaffLeave
from members.models import Member

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LeaveForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=StaffProfile.objects.none(),
                                   widget=QuickSelect)  # every active staff member
    starts_at = forms.DateTimeField(label=_("From"), widget=MOMENT)
    ends_at = forms.DateTimeField(label=_("Until"), widget=MOMENT,
                                  help_text=_("Local time (Eastern)."))
    reason = forms.ChoiceField(label=_("Reason"), choices=LeaveReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = StaffProfile.objects.filter(
            active=True).select_related("user")


class CoverageForm(forms.Form):
    covered = forms.ModelChoiceField(label=_("Colleague covered"),
                                     queryset=StaffProfile.objects.none(), widget=QuickSelect)
    role = forms.ChoiceField(label=_("Position covered"), choices=Role.choices)
    backup = forms.ModelChoiceField(
        label=_("Backup"), queryset=StaffProfile.objects.none(), widget=QuickSelect,
        help_text=_("Only staff who qualify as backup for at least one position are offered; "
                    "the position's full check is made when you save (PS IV.A.4)."))
    starts_at = forms.DateTimeField(label=_("From"), widget=MOMENT)
    ends_at = forms.DateTimeField(label=_("Until"), widget=MOMENT,
                                  help_text=_("Local time (Eastern). Access ends by itself."))
    members = forms.ModelMultipleChoiceField(
        label=_("Members covered"), queryset=Member.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the colleague's whole caseload."))
    leave = forms.ModelChoiceField(label=_("Leave"), queryset=StaffLeave.objects.none(),
                                   required=False)

    def __init__(self, *args, members=None, leaves=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["covered"].queryset = positions_held()
        self.fields["backup"].queryset = StaffProfile.objects.filter(
            pk__in=[s.pk for s in plausible_backups()]).select_related("user")
        self.fields["members"].queryset = members if members is not None else Member.objects.none()
        self.fields["leave"].queryset = (leaves if leaves is not None
                                         else StaffLeave.objects.none())
