"""The form asking for a member record packet. The rules live in
``cares.program.quality.packets.service``; this only collects the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.access import visible_members
from members.selectors import member_with_id


class PacketForm(forms.Form):
    member = forms.CharField(label=_("MassHealth ID"), max_length=20,
                             help_text=_("The member's 12-digit MassHealth ID."))
    records_from = forms.DateField(label=_("Records from"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    records_to = forms.DateField(label=_("Records to"),
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_member(self):
        member = member_with_id(self.cleaned_data["member"], visible_members(self.user))
        if member is None:
            raise forms.ValidationError(_("No member has that MassHealth ID."))
        return member
