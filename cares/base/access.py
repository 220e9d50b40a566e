"""The one place that decides who may see or change what.

Views, downloads, exports, admin and tasks ask these functions; anything not granted here is
denied. Permissions are carried by one group per role (created by a migration) and kept in
step with each staff member's roles by ``cares.base.staff.services.staff_sync_groups``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from cares.base.staff.models import Role

MANAGE_STAFF = "staff.manage_staff"
VIEW_MEMBER = "members.view_member"
VIEW_ALL_MEMBERS = "members.view_all_members"
MANAGE_MEMBERS = "members.manage_members"
VIEW_DIRECTORY = "members.view_provider"
EDIT_DIRECTORY = "members.change_provider"
VIEW_AUDIT = "audit.view_auditevent"
BREAK_GLASS = "members.break_glass"
# Clinical detail (eligibility rationale and criteria; the aftercare plan's recommendations,
# services, medications and referrals). Not for family support staff: minimum necessary.
VIEW_CLINICAL = "members.view_clinical"
# Worklists and the program dashboard (cares/program/dashboards; a proxy model carries them).
VIEW_WORKLIST = "dashboards.view_worklist"
VIEW_PROGRAM_DASHBOARD = "dashboards.view_program_dashboard"
# Around the clock (members.coverage): the on-call roster, consultation hours, leave, backup
# coverage, supervision and medical training sessions; the program director and senior care
# managers edit them (issue 17).
MANAGE_COVERAGE = "members.manage_coverage"
# Quality management and audits (members.quality, cares.program.quality; PS VII, issue 18):
# review requests and member record packets, experience surveys, grievances. The free-text
# answers of experience surveys are for the program director alone.
MANAGE_QUALITY = "members.manage_quality"
VIEW_SURVEY_TEXT = "members.view_survey_text"

# The group that carries each role's permissions (names are created by migration 0002).
ROLE_GROUPS: dict[str, str] = {
    Role.PROGRAM_DIRECTOR: "Program director",
    Role.SENIOR_CARE_MANAGER: "Senior care manager",
    Role.CARE_COORDINATOR: "Care coordinator",
    Role.FAMILY_SUPPORT: "Family support staff",
    Role.SENIOR_MEDICAL_PROFESSIONAL: "Senior medical professional",
}

# What each role's group may do. Kept in step by sync_role_groups (migration and post_migrate).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.PROGRAM_DIRECTOR: (
        MANAGE_STAFF, VIEW_AUDIT, VIEW_MEMBER, VIEW_ALL_MEMBERS, MANAGE_MEMBERS, VIEW_CLINICAL,
        VIEW_DIRECTORY, "members.add_provider", EDIT_DIRECTORY,
        "staff.view_staffprofile", "staff.add_staffprofile", "staff.change_staffprofile",
        "staff.view_credential", "staff.add_credential", "staff.change_credential",
        "staff.delete_credential",
        "staff.view_roleassignment", "staff.add_roleassignment",
        "staff.change_roleassignment", "staff.delete_roleassignment",
        "staff.view_training", "staff.add_training", "staff.change_training",
        "staff.delete_training",
        "staff.view_program", "staff.change_program",
        "staff.view_user",
        VIEW_WORKLIST, VIEW_PROGRAM_DASHBOARD, MANAGE_COVERAGE, MANAGE_QUALITY, VIEW_SURVEY_TEXT,
    ),
    Role.SENIOR_CARE_MANAGER: (
        VIEW_MEMBER, VIEW_ALL_MEMBERS, MANAGE_MEMBERS, VIEW_CLINICAL, VIEW_DIRECTORY,
        "members.add_provider", EDIT_DIRECTORY, BREAK_GLASS,
        VIEW_WORKLIST, VIEW_PROGRAM_DASHBOARD, MANAGE_COVERAGE, MANAGE_QUALITY,
    ),
    Role.CARE_COORDINATOR: (
        VIEW_MEMBER, MANAGE_MEMBERS, VIEW_CLINICAL, VIEW_DIRECTORY, "members.add_provider",
        EDIT_DIRECTORY, BREAK_GLASS, VIEW_WORKLIST,
    ),
    # Minimum necessary: their care teams' members, without clinical detail; read only.
    Role.FAMILY_SUPPORT: (VIEW_MEMBER, VIEW_DIRECTORY),
    Role.SENIOR_MEDICAL_PROFESSIONAL: (),
}


def sync_role_groups(*, group_model=None, permission_model=None) -> None:
    """Create one group per role and give it exactly its permissions. Idempotent.

    Takes the models as arguments so a data migration can pass its historical models.
    """
    if group_model is None:
        group_model, permission_model = Group, Permission
    existing = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename")
    }
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=ROLE_GROUPS[role])
        # A permission of an app not migrated yet is added when that app's migrations run.
        group.permissions.set([existing[p] for p in perms if p in existing])


def sync_role_groups_migration(apps, schema_editor) -> None:
    """RunPython body for the migrations that create or update the role groups."""
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(group_model=apps.get_model("auth", "Group"),
                     permission_model=apps.get_model("auth", "Permission"))


# Roles whose holders may sign in to the Django admin (with their group's model permissions).
ADMIN_ROLES = frozenset({Role.PROGRAM_DIRECTOR})


def staff_profile(user):
    return getattr(user, "staff_profile", None) if user.is_authenticated else None


def may(user, permission: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(permission))


def require(user, permission: str) -> None:
    if not may(user, permission):
        raise PermissionDenied


def permission_required(permission: str):
    """View decorator: 403 for a signed-in user without ``permission``.

    Anonymous users never get here: LoginRequiredMiddleware sends them to sign-in first.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- Permissions that need no member ---------------------------------------------------------

def may_see_clinical(user) -> bool:
    """Whether ``user`` receives clinical detail of the members they may see (minimum
    necessary: not family support staff)."""
    return may(user, VIEW_CLINICAL)


def may_mail(user) -> bool:
    """The daily mailing batch holds every member's letters: those who see all members and
    manage them (program director, senior care managers)."""
    return may(user, VIEW_ALL_MEMBERS) and may(user, MANAGE_MEMBERS)


# The senior medical professional sees no member record: only the consultations addressed to
# them (minimum necessary), each read recorded (members.access.consultations_for).
def may_answer_consultations(user) -> bool:
    """An active senior medical professional (their own queue of consultations)."""
    profile = staff_profile(user)
    return bool(profile is not None and profile.active and user.is_active
                and profile.roles.filter(role=Role.SENIOR_MEDICAL_PROFESSIONAL).exists())
