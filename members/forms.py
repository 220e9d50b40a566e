"""Forms for the member pages. They validate input; a service in ``members.services`` (or
``members.records``) decides and writes."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cares.base.language_field import LanguageField
from cares.base.staff.forms import DATE_INPUT
from cares.base.staff.models import StaffProfile
from cares.base.toolkit import mark_needed
from cares.base.widgets import PickList
from members.access import audit_identifier_exists
from members.models import (
    STATE_AGENCIES,
    EligibilityCriterion,
    Engagement,
    EpisodeClosureReason,
    Guardian,
    LegalAuthority,
    Member,
    MemberContact,
    Provider,
    ReferralSource,
    ReleaseOfInformation,
    Removal,
)
from members.services import AFTERCARE_FIELDS
from members.services.intake import ADULT_AGE
from members.staff_choices import (
    StaffChoiceField,
    StaffMultipleChoiceField,
    active_staff,
    default_staff,
    evaluator_choices,
    first_primary_role,
    primary_contact_choices,
    staff_group,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


# --- Member and referral ----------------------------------------------------------------------

class MassHealthIdField(forms.CharField):
    """The 12-digit MassHealth ID; spaces and dashes, as people copy it from a card or a letter,
    are dropped before it is checked."""

    def to_python(self, value):
        return re.sub(r"[\s-]", "", super().to_python(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "16", "inputmode": "numeric",
                "autocomplete": "off"}


class MemberForm(forms.ModelForm):
    """The member's own record: identity, address, contact and languages; and benefits."""

    benefit_fields = ("masshealth_renewal_date", "health_plan", "third_party_insurance",
                      "state_agencies")
    # Stored as a list of codes; the service refuses a code not in STATE_AGENCIES too.
    state_agencies = forms.MultipleChoiceField(
        label=_("State-agency services"), choices=STATE_AGENCIES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The state agencies the member receives services from."))

    class Meta:
        model = Member
        fields = [
            "legal_first_name", "legal_last_name", "preferred_name", "date_of_birth",
            "masshealth_id", "sex_gender", "address_line1", "address_line2", "city", "state",
            "postal_code", "phone", "email", "primary_language", "preferred_written_language",
            "interpreter_needed", "electronic_contact_available", "contact_preference",
            # Benefits (PS VI.B.1.h): ``benefit_fields``.
            "masshealth_renewal_date", "health_plan", "third_party_insurance", "state_agencies",
        ]
        field_classes = {"masshealth_id": MassHealthIdField, "primary_language": LanguageField,
                         "preferred_written_language": LanguageField}
        widgets = {
            "date_of_birth": DATE_INPUT,
            "masshealth_renewal_date": DATE_INPUT,
        }

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return born

    def validate_unique(self):
        super().validate_unique()
        # "Already exists" tells the user a member has this ID: record the disclosure.
        if any(e.code == "unique" for e in self.errors.as_data().get("masshealth_id", ())):
            audit_identifier_exists(member=Member.objects.filter(
                masshealth_id=self.instance.masshealth_id).exclude(pk=self.instance.pk).first(),
                field="masshealth_id")


class ReferralForm(forms.Form):
    """A referral or identification into CARES (PS III, VIII)."""

    referral_date = forms.DateField(label=_("Referral or identification date"),
                                    widget=DATE_INPUT, initial=timezone.localdate)
    referral_source = forms.ChoiceField(label=_("Referral source"),
                                        choices=[("", "---------"), *ReferralSource.choices])
    referring_entity = forms.CharField(
        label=_("Referring entity"), max_length=200, required=False,
        help_text=_("The organization or person who referred the member."))
    referring_contact = forms.ModelChoiceField(
        label=_("Referring provider (directory)"), queryset=Provider.objects.none(),
        required=False)

    referral_fields = ("referral_date", "referral_source", "referring_entity",
                       "referring_contact")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_contact"].queryset = Provider.objects.filter(active=True)

    def referral(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.referral_fields}


class IntakeForm(MemberForm, ReferralForm):
    """A new member and their referral in one form (PS VIII)."""

    assigned_to = StaffChoiceField(
        label=_("Assigned to"), queryset=StaffProfile.objects.none(), required=False,
        help_text=_("Joins the member's care team from the referral date to evaluate "
                    "eligibility and obtain consent; enrollment then sets the care team."))

    def __init__(self, *args, profile: StaffProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        field.queryset = primary_contact_choices()
        field.initial = default_staff(field.queryset, profile)


# --- Eligibility, consent, enrollment ---------------------------------------------------------

class CriteriaInput(forms.Widget):
    """Each criterion with a box to tick when it is met and the source of that finding
    (``source_<code>``)."""

    def __init__(self, choices=(), attrs=None):
        super().__init__(attrs)
        self.choices, self.sources = list(choices), {}

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an unticked list is "none met"

    def render(self, name, value, attrs=None, renderer=None):
        base = (attrs or {}).get("id") or f"id_{name}"
        rows = []
        for i, (code, label) in enumerate(self.choices):
            rows.append(format_html(
                '<div class="criterion mb-2"><div class="form-check"><input type="checkbox" '
                'class="form-check-input" name="{}" value="{}" id="{}_{}"{}>'
                '<label class="form-check-label" for="{}_{}" id="{}_{}_label">{}</label></div>'
                '<input type="text" class="form-control form-control-sm" name="source_{}" '
                'value="{}" maxlength="200" aria-label="{}" aria-describedby="{}_{}_label" '
                'placeholder="{}"></div>',
                name, code, base, i, " checked" if code in (value or ()) else "",
                base, i, base, i, label, code, self.sources.get(code, ""), _("Source"), base, i,
                _("Source: record, test, clinician or family report")))
        # Marked invalid as crispy marks an input with an error, so Bootstrap shows an error
        # about the criteria right under the list.
        given = {**self.attrs, **(attrs or {})}.get("class", "").split()
        classes = "criteria is-invalid" if "is-invalid" in given else "criteria"
        return format_html('<div id="{}" class="{}">{}</div>', base, classes,
                           format_html_join("", "{}", ((row,) for row in rows)))


class EligibilityForm(forms.Form):
    """A documented evaluation of eligibility for CARES (PS I, VIII): for each criterion,
    whether it was met and the source; PS I defers to the clinical criteria of 130 CMR
    433.485."""

    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DATE_INPUT,
                                   initial=timezone.localdate)
    evaluator = StaffChoiceField(label=_("Evaluator"), queryset=StaffProfile.objects.none())
    criteria = forms.MultipleChoiceField(
        label=_("Criteria met (130 CMR 433.485)"), choices=EligibilityCriterion.choices,
        required=False, widget=CriteriaInput(EligibilityCriterion.choices),
        help_text=_("Each criterion is considered: tick those the member meets and note the "
                    "source of each finding."))
    eligible = forms.TypedChoiceField(
        label=_("Decision"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Eligible for CARES")), ("no", _("Not eligible"))])
    rationale = forms.CharField(
        label=_("Rationale: how each criterion not met was weighed"), widget=TEXTAREA,
        help_text=_("For every criterion not ticked, say how it was weighed in the decision."))

    def __init__(self, *args, profile: StaffProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evaluator"]
        field.queryset = evaluator_choices()
        field.initial = default_staff(field.queryset, profile)
        self.fields["criteria"].widget.sources = self.sources()

    def sources(self) -> dict[str, str]:
        return {code: self.data.get(f"source_{code}", "")
                for code in EligibilityCriterion.values if self.data.get(f"source_{code}")}

    def evaluation(self) -> dict:
        """The values for ``eligibility_record``: every listed criterion was considered."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "criteria"}
        return {**values, "criteria": list(EligibilityCriterion.values),
                "criteria_met": self.cleaned_data["criteria"], "sources": self.sources()}


CONSENT_BY_MEMBER, CONSENT_BY_OTHER = "member", "other"


class EngagementForm(forms.ModelForm):
    """Education about CARES, rights, the right to choose, and consent (PS VIII). Who gave
    consent is picked from the member's guardians with legal authority, or the member when
    18 or older; someone else legally authorized is named in the two fields below."""

    consent_giver = forms.ChoiceField(label=_("Consent given by"), required=False,
                                      widget=forms.RadioSelect)

    class Meta:
        model = Engagement
        fields = ["educated_on", "education_mode", "rights_given_on", "choice_explained_on",
                  "consent_on", "consent_giver", "consent_by", "consent_relationship"]
        widgets = dict.fromkeys(
            ("educated_on", "rights_given_on", "choice_explained_on", "consent_on"), DATE_INPUT)
        help_texts = {
            "consent_by": _("Only when someone not listed above gave consent."),
            "consent_relationship": _("Only for someone not listed above, e.g. authorized "
                                      "representative, health care proxy.")}

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.guardians = {str(g.pk): g for g in member.guardians.exclude(
            legal_authority=LegalAuthority.NONE)}
        choices = [(pk, f"{g.name} ({g.relationship}) · {g.get_legal_authority_display()}")
                   for pk, g in self.guardians.items()]
        self.member = member
        if member.age_on(timezone.localdate()) >= ADULT_AGE:
            choices.append((CONSENT_BY_MEMBER, _("%(name)s, the member (18 or older)")
                            % {"name": member}))
        choices.append((CONSENT_BY_OTHER, _("Someone else legally authorized (name below)")))
        self.fields["consent_giver"].choices = choices
        if len(choices) == 2:  # one guardian or the member: the likely answer
            self.fields["consent_giver"].initial = choices[0][0]
        for name in ("consent_by", "consent_relationship"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        giver = cleaned.get("consent_giver") or (
            CONSENT_BY_OTHER if cleaned.get("consent_by", "").strip() else "")
        if giver in self.guardians:
            guardian = self.guardians[giver]
            cleaned["consent_by"], cleaned["consent_relationship"] = (
                guardian.name, guardian.relationship)
        elif giver == CONSENT_BY_MEMBER:
            cleaned["consent_by"], cleaned["consent_relationship"] = (
                f"{self.member.legal_first_name} {self.member.legal_last_name}", str(_("self")))
        elif giver == CONSENT_BY_OTHER:
            for name in ("consent_by", "consent_relationship"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("Name the person who gave consent and their "
                                           "relationship to the member."))
        else:
            self.add_error("consent_giver", _("Pick who gave consent."))
        cleaned["consent_giver"] = giver
        return cleaned

    def engagement(self) -> dict:
        """The values for ``engagement_record``."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "consent_giver"}
        return {**values, "by_member": self.cleaned_data["consent_giver"] == CONSENT_BY_MEMBER}


class EnrollmentForm(forms.Form):
    """Enrollment: effective date, designated primary contact and care team (PS VIII,
    VI.B.1.a)."""

    effective_date = forms.DateField(label=_("Enrollment effective date"), widget=DATE_INPUT,
                                     initial=timezone.localdate)
    primary_contact = StaffChoiceField(
        label=_("Designated primary contact"), queryset=StaffProfile.objects.none(),
        help_text=_("A care coordinator or senior care manager (PS VI.B.1.a)."))
    team = StaffMultipleChoiceField(
        label=_("Other care team members"), queryset=StaffProfile.objects.none(),
        required=False, widget=PickList(group_of=staff_group),
        help_text=_("Each joins with their role shown."))

    def __init__(self, *args, profile: StaffProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        primary = self.fields["primary_contact"]
        primary.queryset = primary_contact_choices()
        primary.initial = default_staff(primary.queryset, profile)
        self.fields["team"].queryset = active_staff(StaffProfile.objects.filter(
            roles__is_backup=False))

    def team_roles(self) -> list[tuple[StaffProfile, str]]:
        """The other team members, each with their first primary role."""
        primary = self.cleaned_data["primary_contact"]
        return [(staff, first_primary_role(staff)) for staff in self.cleaned_data["team"]
                if staff != primary]


class CareTeamForm(EnrollmentForm):
    """A change of the designated primary contact and care team, from a date (PS VI.B.1.a)."""

    def __init__(self, *args, episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].label = _("The change takes effect on")
        if episode is not None and episode.primary_contact_id:
            self.fields["primary_contact"].initial = episode.primary_contact_id
            self.fields["team"].initial = [
                m.staff_id for m in episode.member.care_team.filter(until__isnull=True)
                if m.staff_id != episode.primary_contact_id]


# --- Removal of assignment (PS IX) ------------------------------------------------------------

class RemovalForm(forms.ModelForm):
    class Meta:
        model = Removal
        fields = ["initiated_on", "reason", "member_is_pregnant", "member_is_parent",
                  "member_is_married", "planned_termination_date"]
        widgets = {"initiated_on": DATE_INPUT, "planned_termination_date": DATE_INPUT}


class AftercareForm(forms.ModelForm):
    """The aftercare/transition plan, PS IX.B 1-5."""

    class Meta:
        model = Removal
        fields = list(AFTERCARE_FIELDS)
        widgets = {
            "consent_signed_on": DATE_INPUT, "planned_termination_date": DATE_INPUT,
            "recommendations": TEXTAREA, "referrals": TEXTAREA, "services_in_place": TEXTAREA,
            "medications": TEXTAREA,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_needed(self, Removal.REQUIRED_FIELDS, _("Needed to complete the plan"))


class TerminationForm(forms.Form):
    termination_date = forms.DateField(label=_("Termination date"), widget=DATE_INPUT)


class EpisodeCloseForm(forms.Form):
    """Close a referral that did not lead to enrollment (PS VIII; deadlines.md reading 12)."""

    closed_on = forms.DateField(label=_("Closed on"), widget=DATE_INPUT)
    closing_reason = forms.ChoiceField(label=_("Reason"), choices=EpisodeClosureReason.choices,
                                       widget=forms.RadioSelect)
    closing_note = forms.CharField(label=_("What happened"), widget=TEXTAREA,
                           help_text=_("For example: who was contacted, when and how, and "
                                       "what the family said."))


# --- Guardians, contacts, releases ------------------------------------------------------------

class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["name", "relationship", "legal_authority", "phone", "email", "address",
                  "preferred_language", "receives_letters"]
        field_classes = {"preferred_language": LanguageField}


class IntakeGuardianRows(forms.BaseModelFormSet):
    """The parents and guardians entered at intake (prefix ``guardians``), all new: a post
    without the list (an older page, a script) has none rather than a broken form."""

    def __init__(self, data=None, *args, **kwargs):
        kwargs.setdefault("prefix", "guardians")
        kwargs.setdefault("queryset", Guardian.objects.none())
        if data is not None and f"{kwargs['prefix']}-TOTAL_FORMS" not in data:
            data = data.copy()
            data.update({f"{kwargs['prefix']}-TOTAL_FORMS": "0",
                         f"{kwargs['prefix']}-INITIAL_FORMS": "0"})
        super().__init__(data, *args, **kwargs)

    def rows(self) -> list[dict]:
        """The filled-in rows not removed, as field values for ``intake_create``."""
        fields = [name for name in self.form.base_fields if name not in ("id", "DELETE")]
        return [{name: form.cleaned_data.get(name) for name in fields} for form in self.forms
                if not form.cleaned_data.get("DELETE") and form.has_changed()]


IntakeGuardianFormSet = forms.modelformset_factory(
    Guardian, form=GuardianForm, formset=IntakeGuardianRows, extra=1, can_delete=True)


class MemberContactForm(forms.ModelForm):
    class Meta:
        model = MemberContact
        fields = ["provider", "role", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(active=True)


class ReleaseForm(forms.ModelForm):
    """A signed release of information meeting HIPAA requirements (PS VIII)."""

    class Meta:
        model = ReleaseOfInformation
        fields = ["provider", "party", "purpose", "scope", "signed_on", "signed_by",
                  "expires_on"]
        widgets = {"signed_on": DATE_INPUT, "expires_on": DATE_INPUT, "scope": TEXTAREA}
        help_texts = {"party": _("Leave blank to use the directory entry's name.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(active=True)
        self.fields["party"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("party"):
            provider = cleaned.get("provider")
            if provider is None:
                self.add_error("party", _("Name who the information is shared with, or pick "
                                          "a directory entry."))
            else:
                cleaned["party"] = str(provider)[:200]
        return cleaned


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label=_("Revoked on"), widget=DATE_INPUT,
                                 initial=timezone.localdate)


# --- Directory --------------------------------------------------------------------------------

class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["kind", "organization", "person", "phone", "fax", "email", "address",
                  "active"]
