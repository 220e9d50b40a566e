"""Forms for assessments and care plans. They validate input; a service in
``careplans.services`` (or ``copies``, ``emergency``) decides and writes.

Lists of rows (sources, participants, team, goals, steps, medications, allergies) are model
formsets with a prefix; ``formset_rows`` turns one into the ``rows`` the services take.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careplans.copies import MAX_TRANSLATION_BYTES
from careplans.emergency import link_days
from careplans.models import (
    ActionStep,
    Assessment,
    AssessmentKind,
    AssessmentSource,
    CarePlan,
    CareTeamEntry,
    DeliveryMedium,
    Goal,
    ShareRecipient,
)
from careplans.rules import FINALIZE_FIELDS
from careplans.selectors import copy_languages
from careplans.services import ASSESSMENT_FIELDS, PLAN_ROWS, PLAN_SECTIONS, SOURCE_FIELDS
from cares.base.documents.uploads import read_upload
from cares.base.language_field import LanguageField
from cares.base.languages import language_name
from cares.base.staff.forms import DATE_INPUT
from cares.base.toolkit import mark_needed

TEXTAREA = forms.Textarea(attrs={"rows": 3})
SMALL_TEXTAREA = forms.Textarea(attrs={"rows": 2})

FULL_ONLY = ("medical_history", "behavioral_history", "social", "educational", "emotional",
             "functional", "developmental", "housing_screen", "housing_notes",
             "nutrition_screen", "nutrition_notes", "snap", "wic", "utilities_screen",
             "utilities_notes", "transportation_screen", "transportation_notes",
             "current_services", "medications", "allergies", "dme", "needs_identified")


def formset_rows(formset) -> list[dict]:
    """A valid model formset as service rows: every existing row and every new row that was
    filled in."""
    rows = []
    fields = [name for name in formset.form.base_fields if name != "id"]
    for form in formset.forms:
        instance_pk = form.instance.pk
        offered = getattr(form, "prefilled_from", "")  # a starting value, kept as it is
        if instance_pk is None and not form.has_changed() and not offered:
            continue
        data = getattr(form, "cleaned_data", {}) or {}
        rows.append({"id": instance_pk, "delete": bool(data.get("DELETE")),
                     **{name: data.get(name) for name in fields if name != "DELETE"}})
    return rows


# --- Assessments ---------------------------------------------------------------------------------

class AssessmentStartForm(forms.Form):
    assessment_kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices,
                             widget=forms.RadioSelect, initial=AssessmentKind.INITIAL)


class AssessmentForm(forms.ModelForm):
    """The sections of an assessment of its kind (PS VI.A.1.a-b)."""

    class Meta:
        model = Assessment
        fields = list(ASSESSMENT_FIELDS)
        widgets = {name: TEXTAREA for name in ASSESSMENT_FIELDS
                   if not name.endswith("_screen") and name not in ("snap", "wic",
                                                                     "continues_eligible",
                                                                     "icp_update_needed")}
        help_texts = {"icp_update_needed": _(
            "PS VI.A.1.b.3: the reassessment found that the ICP must be updated. Once the "
            "assessment is completed, the update is due within the program's update window; "
            "the next ICP version finalized answers it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        drop = []
        if kind == AssessmentKind.ABBREVIATED:
            drop += FULL_ONLY
        if kind != AssessmentKind.ABBREVIATED:
            drop += ["current_status", "risk_rescreen"]
        if kind != AssessmentKind.SIGNIFICANT_CHANGE:
            drop.append("change_summary")
        if kind == AssessmentKind.INITIAL:  # only a reassessment asks for an ICP update
            drop += ["continues_eligible", "icp_update_needed"]
        for name in drop:
            self.fields.pop(name, None)


class SourceForm(forms.ModelForm):
    class Meta:
        model = AssessmentSource
        fields = list(SOURCE_FIELDS)
        widgets = {"consulted_on": DATE_INPUT}


SourceFormSet = forms.modelformset_factory(AssessmentSource, form=SourceForm, extra=2,
                                           can_delete=True)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE_INPUT,
                                   initial=timezone.localdate)


# --- The ICP -------------------------------------------------------------------------------------

class PlanStartForm(forms.Form):
    """Starting a version takes no input: the service decides what it starts from."""


class PlanSectionForm(forms.ModelForm):
    """Some of the plan's own fields; those finalizing needs are marked so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_needed(self, FINALIZE_FIELDS, _("Needed to finalize"))


def _section_form(section: str):
    """A form for the plan's own fields of one page (``PLAN_SECTIONS``)."""
    fields = list(PLAN_SECTIONS[section])
    widgets = {name: TEXTAREA for name in fields
               if CarePlan._meta.get_field(name).get_internal_type() == "TextField"}
    if "meeting_on" in fields:
        widgets["meeting_on"] = DATE_INPUT
    return forms.modelform_factory(CarePlan, form=PlanSectionForm, fields=fields,
                                   widgets=widgets)


MeetingForm = _section_form("meeting")
SummaryForm = _section_form("summary")
TransitionsForm = _section_form("transitions")
EmergencyForm = _section_form("emergency")


def _formset(name: str, extra: int = 2, widgets=None, form=None):
    model, fields = PLAN_ROWS[name]
    if form is not None:
        return forms.modelformset_factory(model, form=form, extra=extra, can_delete=True)
    return forms.modelformset_factory(model, fields=list(fields), widgets=widgets or {},
                                      extra=extra, can_delete=True)


class StepForm(forms.ModelForm):
    """An action step: its goal and responsible person come from this plan."""

    class Meta:
        model = ActionStep
        fields = list(PLAN_ROWS["steps"][1])
        widgets = {"description": SMALL_TEXTAREA, "accessibility": SMALL_TEXTAREA,
                   "due_on": DATE_INPUT}

    def __init__(self, *args, plan: CarePlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(plan=plan)
        self.fields["goal"].label_from_instance = lambda g: \
            f"{g.get_kind_display()}: {g.description[:70]}"
        self.fields["responsible"].queryset = CareTeamEntry.objects.filter(plan=plan)


ParticipantFormSet = _formset("participants", extra=3)
TeamFormSet = _formset("team", extra=2)
GoalFormSet = _formset("goals", extra=2, widgets={"description": SMALL_TEXTAREA,
                                                  "target_date": DATE_INPUT})
StepFormSet = _formset("steps", extra=2, form=StepForm)
MedicationFormSet = _formset("medications", extra=2)
AllergyFormSet = _formset("allergies", extra=1)


class FinalizeForm(forms.Form):
    finalized_on = forms.DateField(label=_("Finalized on"), widget=DATE_INPUT,
                                   initial=timezone.localdate)


class ShareForm(forms.Form):
    """Sharing the finalized ICP with the PCP or designee, or another party."""

    recipient_kind = forms.ChoiceField(label=_("Shared with"), choices=ShareRecipient.choices,
                                       initial=ShareRecipient.PCP)
    recipient = forms.CharField(label=_("Name"), max_length=200)
    shared_on = forms.DateField(label=_("Shared on"), widget=DATE_INPUT,
                                initial=timezone.localdate)
    method = forms.CharField(label=_("How"), max_length=100, required=False,
                             help_text=_("e.g. fax, secure e-mail, patient portal"))
    release = forms.ModelChoiceField(
        label=_("Release of information"), queryset=None, required=False,
        help_text=_("Needed for anyone but a treating provider (PS VIII)."))

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = member.releases.all()


class DeliveryForm(forms.Form):
    """A copy given to the member or guardian (PS VIII)."""

    language = LanguageField(label=_("Language"))
    medium = forms.ChoiceField(label=_("Medium"), choices=DeliveryMedium.choices,
                               widget=forms.RadioSelect)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE_INPUT,
                                   initial=timezone.localdate)
    delivered_to = forms.CharField(label=_("Delivered to"), max_length=200, required=False)


class CopyForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(tag, language_name(tag))
                                           for tag in copy_languages(member)]


class TranslationForm(forms.Form):
    language = LanguageField(label=_("Language of the translation"))
    translation = forms.FileField(
        label=_("Translated ICP (PDF)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))

    def clean_translation(self) -> bytes | None:
        """The translated document's bytes (``None`` without one), read in chunks and refused
        once past the limit: a large upload is never read whole into memory."""
        upload = self.cleaned_data.get("translation")
        if not upload:
            return None
        try:
            return read_upload(upload, limit=MAX_TRANSLATION_BYTES)
        except ValidationError:
            raise forms.ValidationError(_("The translated document is larger than 10 MB."),
                                        code="too_large") from None


class LinkForm(forms.Form):
    expires_on = forms.DateField(
        label=_("Valid through"), widget=DATE_INPUT,
        initial=lambda: timezone.localdate() + timedelta(days=link_days()))
