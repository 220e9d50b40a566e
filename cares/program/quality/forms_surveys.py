"""Forms of the member experience surveys (PS VII.A). They read input; the rules are the
services' (``members.quality.surveys``, ``members.quality.survey_import``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cares.base.documents.uploads import read_upload
from cares.base.languages import LANGUAGES, language_label, language_tag
from cares.base.staff.forms import DATE_INPUT
from members.models import QuestionKind, ResponseMode, SurveyQuestion
from members.selectors import member_with_id

MAX_IMPORT_BYTES = 2 * 1024 * 1024
SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("Period from"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Period to"), widget=DATE_INPUT,
                                 help_text=_("Members enrolled on any day of the period are "
                                             "invited, one response per household."))
    languages = forms.MultipleChoiceField(
        label=_("Offered in (besides English)"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(tag, language_label(tag)) for tag, _name in LANGUAGES if tag != "en"])
    closed = forms.BooleanField(label=_("Closed: no more responses"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["closed"]


def translations_text(translations: dict) -> str:
    return "\n".join(f"{tag}: {text}" for tag, text in (translations or {}).items())


class QuestionForm(forms.ModelForm):
    translations = forms.CharField(
        label=_("Translations"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One line per language: the language (name or tag), a colon, the "
                    "question. For example “es: ¿Cómo ...?”"))

    class Meta:
        model = SurveyQuestion
        fields = ["kind", "text", "translations"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["translations"] = translations_text(self.instance.translations)

    def clean_translations(self):
        found = {}
        for line in (self.cleaned_data.get("translations") or "").splitlines():
            if not line.strip():
                continue
            name, colon, text = line.partition(":")
            tag = language_tag(name) if colon else None
            if tag is None or not text.strip():
                raise forms.ValidationError(
                    _("“%(line)s” is not a language, a colon and the question."),
                    params={"line": line.strip()[:60]})
            found[tag] = text.strip()
        return found


QuestionFormSet = forms.modelformset_factory(SurveyQuestion, form=QuestionForm, extra=2,
                                             can_delete=True)


def question_rows(formset) -> list[dict]:
    """The formset's rows as ``questions_save`` takes them (new empty rows left out)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if form.instance.pk is None and not form.has_changed():
            continue
        rows.append({"id": form.instance.pk, "delete": bool(data.get("DELETE")),
                     "kind": data.get("kind"), "text": data.get("text", ""),
                     "translations": data.get("translations") or {}})
    return rows


def _answer_field(question: SurveyQuestion) -> forms.Field:
    label = f"{question.position}. {question.text}"
    help_text = " · ".join(question.translations.values())
    if question.kind == QuestionKind.SCALE:
        # What 1 and 5 mean, before any translation of the question.
        scale = " · ".join(filter(None, [str(QuestionKind.SCALE.label), help_text]))
        return forms.TypedChoiceField(label=label, choices=SCALE_CHOICES, coerce=int,
                                      empty_value=None, required=False, help_text=scale,
                                      widget=forms.RadioSelect)
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(label=label, choices=[("yes", _("Yes")), ("no", _("No"))],
                                      coerce=lambda v: v == "yes", empty_value=None,
                                      required=False, help_text=help_text,
                                      widget=forms.RadioSelect)
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ResponseForm(forms.Form):
    """One household's response; one field per question (``q1``, ``q2``...), each may be
    left empty."""

    member = forms.CharField(label=_("Member's MassHealth ID"), max_length=12)
    received_on = forms.DateField(label=_("Received on"), widget=DATE_INPUT)
    mode = forms.ChoiceField(label=_("How it came in"), choices=[
        (m.value, m.label) for m in (ResponseMode.PAPER, ResponseMode.PHONE)])
    language = forms.ChoiceField(label=_("Language answered in"), required=False)

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.order_by("position"))
        self.fields["language"].choices = [("", "---------"), ("en", language_label("en")),
                                           *((t, language_label(t)) for t in survey.languages)]
        for question in self.questions:
            self.fields[f"q{question.position}"] = _answer_field(question)

    def clean_member(self):
        member = member_with_id(self.cleaned_data["member"])
        if member is None:
            raise forms.ValidationError(_("No member has this MassHealth ID."))
        return member

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.position}") for q in self.questions}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: masshealth_id, received_on, mode, language, then q1, q2, ... by question "
        "number. One row per household."))

    def clean_file(self):
        raw = read_upload(self.cleaned_data["file"], limit=MAX_IMPORT_BYTES)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as CSV in UTF-8.")) from None
