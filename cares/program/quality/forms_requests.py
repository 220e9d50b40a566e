"""Forms of review and documentation requests (PS VII.C, VII.D). The rules are the services'
(``members.quality.requests``): the forms only read the input, and a refusal shows next to
the field it is about (the service names its parameters as these fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import RecordPacket, ReviewKind, SendMethod


def _day() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    reference = forms.CharField(label=_("Requester's reference"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind of review"), choices=ReviewKind.choices)
    requester = forms.CharField(label=_("Requested by"), max_length=200,
                                help_text=_("MassHealth or the designee that asked."))
    requester_contact = forms.CharField(label=_("Requester's contact"), max_length=200,
                                        required=False)
    received_on = forms.DateField(label=_("Received on"), widget=_day())
    due_on = forms.DateField(label=_("Due on"), widget=_day(),
                             help_text=_("As given by the requester."))
    masshealth_ids = forms.CharField(
        label=_("Members concerned (MassHealth IDs)"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, or separated by commas."))
    asked = forms.CharField(label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 4}))
    records_from = forms.DateField(label=_("Records from"), widget=_day(), required=False)
    records_to = forms.DateField(label=_("Records to"), widget=_day(), required=False,
                                 help_text=_("The period of the records asked for, if the "
                                             "request gives one."))


class PacketRangeForm(forms.Form):
    """The period of the packets, asked for when the request gives none."""

    records_from = forms.DateField(label=_("Records from"), widget=_day())
    records_to = forms.DateField(label=_("Records to"), widget=_day())


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is closed without an answer"), max_length=300)


class PacketChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: RecordPacket) -> str:
        return _("%(member)s: records %(start)s to %(end)s, made %(made)s") % {
            "member": obj.member, "start": obj.records_from.isoformat(),
            "end": obj.records_to.isoformat(),
            "made": (obj.finished_at or obj.requested_at).date().isoformat()}


class AnswerForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=_day())
    sent_to = forms.CharField(label=_("Sent to"), max_length=200)
    method = forms.ChoiceField(label=_("How"), choices=SendMethod.choices)
    packets = PacketChoice(label=_("Record packets sent"), queryset=RecordPacket.objects.none(),
                           widget=forms.CheckboxSelectMultiple, required=False,
                           help_text=_("Every member concerned needs a ready packet."))
    note = forms.CharField(label=_("What was sent"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)

    def __init__(self, *args, packets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["packets"].queryset = packets if packets is not None else \
            RecordPacket.objects.none()
