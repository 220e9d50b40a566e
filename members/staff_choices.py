"""Choosing staff on the members' forms: active staff with what a choice shows, the fields
that show each with their roles, and the groups of the care team picker (``PickList``)."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch, QuerySet

from cares.base.staff.models import Role, RoleAssignment, StaffProfile
from cares.base.widgets import QuickSelect
from members.services import EVALUATOR_ROLES, PRIMARY_CONTACT_ROLES


def active_staff(qs: QuerySet[StaffProfile]) -> QuerySet[StaffProfile]:
    """Active staff with what a choice shows (name, e-mail, primary roles) and no more: a
    program of 20,000 members offers hundreds, and reading whole rows was most of a form."""
    primary_roles = RoleAssignment.objects.filter(is_backup=False).only("staff", "role",
                                                                        "is_backup")
    return (qs.filter(active=True).distinct().select_related("user")
            .only("active", "user__first_name", "user__last_name", "user__email",
                  "user__is_active")
            .prefetch_related(Prefetch("roles", queryset=primary_roles, to_attr="primary_roles")))


def primary_contact_choices() -> QuerySet[StaffProfile]:
    """Active care coordinators and senior care managers (PS VI.B.1.a)."""
    return active_staff(StaffProfile.objects.filter(roles__role__in=PRIMARY_CONTACT_ROLES,
                                              roles__is_backup=False))


def evaluator_choices() -> QuerySet[StaffProfile]:
    """Active clinical staff who may document an eligibility evaluation."""
    return active_staff(StaffProfile.objects.filter(roles__role__in=EVALUATOR_ROLES))


def first_primary_role(staff: StaffProfile, among=None) -> str | None:
    """The staff member's first role that is not backup coverage (optionally among some)."""
    roles = getattr(staff, "primary_roles", None)
    if roles is None:
        roles = [r for r in staff.roles.all() if not r.is_backup]
    return next((r.role for r in roles if among is None or r.role in among), None)


class StaffChoiceField(forms.ModelChoiceField):
    widget = QuickSelect  # hundreds of staff at program scale

    def label_from_instance(self, obj):
        roles = ", ".join(r.get_role_display() for r in getattr(obj, "primary_roles", ()))
        return f"{obj} · {roles}" if roles else str(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = StaffChoiceField.label_from_instance


ROLE_ORDER = {role: order for order, role in enumerate(Role.values)}


def staff_group(staff: StaffProfile) -> tuple[int, str]:
    """A staff member's group on a ``PickList``: their first primary role, in the roles'
    order."""
    role = first_primary_role(staff)
    return (ROLE_ORDER[role], str(Role(role).label)) if role else (len(ROLE_ORDER), "")


def default_staff(queryset: QuerySet[StaffProfile], profile: StaffProfile | None):
    """The signed-in user's profile if it is among the choices (a sensible default)."""
    if profile is not None and queryset.filter(pk=profile.pk).exists():
        return profile.pk
    return None
