"""Forms for letters: they validate input; services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices import content
from notices.models import Channel, DeliveryStatus, LetterKind


class LetterNewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Letter"), choices=LetterKind.choices)


class ConfirmForm(forms.Form):
    """Releasing a letter: the person confirms its languages and recipients."""

    confirm = forms.BooleanField(
        label=_("I checked the languages and the recipients above: release the letter."),
        error_messages={"required": _("Confirm the languages and the recipients to release "
                                      "the letter.")})


class TrackingNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("From the certified mail receipt (PS Form 3800): 20 to "
                                         "22 digits."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return content.normalize_tracking_number(value)
        except content.TrackingNumberError as exc:
            raise forms.ValidationError(str(exc), code="tracking_number") from exc


class MailedForm(forms.Form):
    delivery = forms.ModelChoiceField(
        label=_("Copy"), queryset=None, required=False,
        help_text=_("Which envelope (needed only when the letter went to several addresses)."))
    tracking_number = TrackingNumberField(label=_("USPS certified mail tracking number"))
    mailed_on = forms.DateField(label=_("Mailed on"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = letter.deliveries.filter(
            channel=Channel.CERTIFIED_MAIL, status=DeliveryStatus.PENDING)
        self.fields["delivery"].label_from_instance = lambda d: f"{d.recipient} · {d.address}"


class CorrectForm(forms.Form):
    correction_reason = forms.CharField(
        label=_("What the correction changes"), max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}))


class TemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Body (HTML)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace"}),
        help_text=_("Insert the letter's details from the list of variables. Mark each "
                    "required element with data-element (see the English template)."))
    css = forms.CharField(label=_("Extra CSS"), required=False,
                          widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args, template, reasons: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.reason_keys = []
        if template.kind == LetterKind.TERMINATION:
            for key, label in reasons:
                name = f"reason_{key}"
                self.reason_keys.append((name, key))
                self.fields[name] = forms.CharField(
                    label=label, max_length=500, initial=template.reasons.get(key, ""),
                    widget=forms.Textarea(attrs={"rows": 2}))

    def reasons(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.reason_keys}


class ApproveForm(forms.Form):
    translator = forms.CharField(
        label=_("Qualified translator who reviewed this translation"), max_length=200,
        required=False)


class BatchMailedForm(forms.Form):
    """Tracking numbers for the copies of one mailing batch, all mailed on one day."""

    mailed_on = forms.DateField(label=_("Mailed on"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, deliveries, **kwargs):
        super().__init__(*args, **kwargs)
        self.deliveries = [d for d in deliveries if d.status == DeliveryStatus.PENDING]
        for delivery in self.deliveries:
            self.fields[f"tracking_{delivery.pk}"] = TrackingNumberField(
                label=f"#{delivery.letter_id} · {delivery.recipient}", required=False,
                help_text="")

    def entries(self):
        for delivery in self.deliveries:
            number = self.cleaned_data.get(f"tracking_{delivery.pk}")
            if number:
                yield delivery, number
