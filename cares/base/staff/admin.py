"""Admin for staff and program records. Role assignments made here pass the same
qualification check as everywhere else (``staff_role_problems``); a failing role is refused
with its message and nothing is saved. Group membership follows the roles on every save and
delete, and every change of access is audited (``cares.base.staff.signals``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from cares.base.staff.models import (
    Credential,
    Program,
    RoleAssignment,
    StaffProfile,
    Training,
    User,
)
from cares.base.staff.services import staff_role_problems


def _kept_instances(formset) -> list:
    return [
        f.instance for f in formset.forms
        if getattr(f, "cleaned_data", None)
        and not (formset.can_delete and formset._should_delete_form(f))
        and (f.instance.pk is not None or f.has_changed())
    ]


class CredentialInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The role inline (validated next) checks roles against these pending credentials.
        self.instance._pending_credentials = _kept_instances(self)


class RoleInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        profile = self.instance
        credentials = getattr(profile, "_pending_credentials", None)
        if credentials is None:
            credentials = list(profile.credentials.all()) if profile.pk else []
        problems = staff_role_problems(
            profile=profile, credentials=credentials, roles=_kept_instances(self)
        )
        if problems:
            raise forms.ValidationError(problems)


class CredentialInline(admin.TabularInline):
    model = Credential
    formset = CredentialInlineFormSet
    extra = 0


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "staff"
    formset = RoleInlineFormSet
    extra = 0


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "hire_date", "education", "active"]
    list_filter = ["active", "roles__role"]
    search_fields = ["user__email", "user__last_name", "key"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    # Credentials must come before roles: the role check reads the pending credentials.
    inlines = [CredentialInline, RoleInline, TrainingInline]


class RoleAssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["staff", "role", "is_backup", "covers"]

    def clean(self):
        cleaned = super().clean()
        staff = cleaned.get("staff")
        if staff and cleaned.get("role") and not self.errors:
            candidate = RoleAssignment(
                staff=staff, role=cleaned["role"], is_backup=cleaned.get("is_backup", False),
                covers=cleaned.get("covers"),
            )
            problems = staff_role_problems(
                profile=staff, credentials=list(staff.credentials.all()), roles=[candidate]
            )
            if problems:
                raise forms.ValidationError(problems)
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    form = RoleAssignmentAdminForm
    list_display = ["staff", "role", "is_backup", "covers"]
    list_filter = ["role", "is_backup"]
    list_select_related = ["staff__user", "covers__user"]
    # Saving, moving, deleting or bulk-deleting a role here recomputes the groups of everyone
    # concerned and writes a high-priority audit event: cares.base.staff.signals, on every path.


@admin.register(Credential)
class CredentialAdmin(SimpleHistoryAdmin):
    list_display = ["staff", "type", "license_number", "state", "expires"]
    list_filter = ["type", "state"]
    list_select_related = ["staff__user"]


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ["staff", "topic", "completed"]
    list_filter = ["topic"]
    list_select_related = ["staff__user"]


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "address"]


class CaresUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class CaresUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    form = CaresUserChangeForm
    add_form = CaresUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                               "user_permissions"],
                    "description": "Groups follow the staff member's roles: change the roles "
                                   "on the staff record."}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    # Role groups are recomputed from role assignments (cares.base.staff.services.user_sync_access).
    readonly_fields = ["groups"]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name",
                                                "password1", "password2"]}),
    ]
