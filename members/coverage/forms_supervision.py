"""Forms of supervision sessions and medical training sessions (PS IV.B.2.b.5-6). The rules
live in ``members.coverage.supervision``; these only collect the input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cares.base.staff.models import StaffProfile
from cares.base.widgets import PickList
from members.coverage import supervision
from members.models import Member


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class SupervisionForm(forms.Form):
    """A session for one coordinator: the members discussed are picked from their caseload,
    among the members the recording user may see (``visible``)."""

    coordinator = StaffChoice(queryset=StaffProfile.objects.none(), label=_("Care coordinator"),
                              widget=forms.HiddenInput)
    supervisor = StaffChoice(queryset=StaffProfile.objects.none(), label=_("Senior care manager"))
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    members_discussed = MemberChoices(
        queryset=Member.objects.none(), required=False, label=_("Members discussed"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the coordinator's caseload; kept by reference, so leave names out of "
                    "the notes."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(
        attrs={"rows": 4}))

    def __init__(self, data=None, *, coordinator: StaffProfile, visible, supervisor=None):
        initial = {"coordinator": coordinator.pk, "held_on": timezone.localdate(),
                   "supervisor": getattr(supervisor, "pk", None)}
        super().__init__(data, initial=initial)
        self.fields["coordinator"].queryset = StaffProfile.objects.filter(pk=coordinator.pk)
        self.fields["supervisor"].queryset = supervision.supervisor_candidates().exclude(
            pk=coordinator.pk).order_by("user__last_name", "user__first_name")
        self.fields["members_discussed"].queryset = supervision.caseload(coordinator).filter(
            pk__in=visible.values("pk")).order_by("legal_last_name", "legal_first_name", "pk")


class CoordinatorPickForm(forms.Form):
    coordinator = StaffChoice(queryset=StaffProfile.objects.none(), label=_("Care coordinator"))

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["coordinator"].queryset = supervision.active_coordinators().order_by(
            "user__last_name", "user__first_name")


class MedicalTrainingForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    led_by = StaffChoice(queryset=StaffProfile.objects.none(), label=_("Led by"))
    attendees = StaffChoices(queryset=StaffProfile.objects.none(), label=_("Attendees"),
                             widget=PickList(), required=False)  # every care coordinator
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, leader=None):
        super().__init__(data, initial={"held_on": timezone.localdate(),
                                        "led_by": getattr(leader, "pk", None)})
        self.fields["led_by"].queryset = supervision.supervisor_candidates().order_by(
            "user__last_name", "user__first_name")
        self.fields["attendees"].queryset = supervision.active_coordinators().order_by(
            "user__last_name", "user__first_name")
