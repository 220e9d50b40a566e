"""Forms for the staff pages. They validate input; staff_save decides and writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from cares.base.staff.models import (
    Credential,
    Program,
    Role,
    RoleAssignment,
    StaffProfile,
    Training,
    User,
)
from cares.base.staff.services import PROGRAM_LENGTHS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffForm(forms.ModelForm):
    """A staff member's identity, qualifications and primary roles."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail (used to sign in)"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each role is checked against PS IV.B before anything is saved."),
    )
    password = forms.CharField(
        label=_("Initial password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Leave blank to keep the current password."),
    )

    class Meta:
        model = StaffProfile
        fields = [
            "phone", "hire_date", "active", "education", "human_services_degree",
            "clinical_experience_years", "target_population_years",
            "relevant_experience_years", "admin_experience_years",
            "caregiver_of_special_needs_youth", "certified_chw",
        ]
        widgets = {"hire_date": DATE_INPUT}

    field_order = ["first_name", "last_name", "email", "password", "phone", "roles"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.pk:
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
            self.fields["email"].initial = user.email
            self.fields["roles"].initial = [
                r.role for r in self.instance.roles.all() if not r.is_backup
            ]
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = _("At least 12 characters.")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        clash = User.objects.filter(email__iexact=email)
        if self.user.pk:
            clash = clash.exclude(pk=self.user.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            probe = User(
                email=cleaned.get("email", ""), first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned

    def user_instance(self) -> User:
        self.user.first_name = self.cleaned_data["first_name"]
        self.user.last_name = self.cleaned_data["last_name"]
        self.user.email = self.cleaned_data["email"]
        return self.user

    def role_instances(self) -> list[RoleAssignment]:
        existing = {r.role: r for r in self.instance.roles.all() if not r.is_backup} \
            if self.instance.pk else {}
        return [existing.get(role) or RoleAssignment(role=role, is_backup=False)
                for role in self.cleaned_data["roles"]]



# The grievance targets (PS VII, issue 18), calendar days from receipt.
GRIEVANCE_TARGETS = ("grievance_acknowledge_days", "grievance_resolve_days")


class ProgramSettingsForm(forms.ModelForm):
    """The program record: its name and contact details (on every letter) and the lengths
    the PS leaves to the program, which the deadline rule book reads."""

    LENGTHS = PROGRAM_LENGTHS

    class Meta:
        model = Program
        fields = ["name", "phone", "address", "on_call_phone", "callback_target_minutes",
                  "transition_plan_days", "contact_interval_days", "discharge_follow_up_days",
                  "icp_update_days", *GRIEVANCE_TARGETS]
        widgets = {"on_call_phone": forms.TextInput(attrs={"type": "tel",
                                                           "autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in GRIEVANCE_TARGETS:  # left out of a post: the current target stays
            self.fields[name].required = False

    def _target(self, name: str):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_grievance_acknowledge_days(self):
        return self._target("grievance_acknowledge_days")

    def clean_grievance_resolve_days(self):
        return self._target("grievance_resolve_days")


class FinalInstancesMixin:
    """The rows a formset describes once saved: kept, changed and new, without deleted ones."""

    def final_instances(self) -> list:
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            rows.append(form.instance)
        return rows


class CredentialFormSetBase(FinalInstancesMixin, BaseInlineFormSet):
    pass


class TrainingFormSetBase(FinalInstancesMixin, BaseInlineFormSet):
    pass


class BackupFormSetBase(FinalInstancesMixin, BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset().filter(is_backup=True).select_related("covers__user")

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.is_backup = True
        covers = form.fields["covers"]
        covers.required = False
        covers.queryset = StaffProfile.objects.filter(active=True).select_related("user")
        if self.instance.pk:
            covers.queryset = covers.queryset.exclude(pk=self.instance.pk)
        return form

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            role = form.cleaned_data.get("role")
            if role in seen:
                raise forms.ValidationError(
                    _("Backup coverage for %(role)s is listed twice.")
                    % {"role": Role(role).label.lower()}
                )
            seen.add(role)


CredentialFormSet = inlineformset_factory(
    StaffProfile, Credential, formset=CredentialFormSetBase,
    fields=["type", "license_number", "state", "expires"], extra=1, can_delete=True,
    widgets={"expires": DATE_INPUT},
)
TrainingFormSet = inlineformset_factory(
    StaffProfile, Training, formset=TrainingFormSetBase,
    fields=["topic", "completed"], extra=2, can_delete=True,
    widgets={"completed": DATE_INPUT},
)
BackupFormSet = inlineformset_factory(
    StaffProfile, RoleAssignment, formset=BackupFormSetBase, fk_name="staff",
    fields=["role", "covers"], extra=1, can_delete=True,
    labels={"role": _("Backup for role")},
)
