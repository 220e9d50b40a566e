"""The one place that decides who may see or change what.

Views, downloads, exports, admin and tasks ask these functions; anything not granted here is
denied. Permissions are carried by one group per role (created by a migration) and kept in
step with each staff member's roles by ``cares.staff.services.staff_sync_groups``.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from cares.staff.models import Role

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
# Worklists and the program dashboard (cares/dashboards; a proxy model carries them).
VIEW_WORKLIST = "dashboards.view_worklist"
VIEW_PROGRAM_DASHBOARD = "dashboards.view_program_dashboard"

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
        VIEW_WORKLIST, VIEW_PROGRAM_DASHBOARD,
    ),
    Role.SENIOR_CARE_MANAGER: (
        VIEW_MEMBER, VIEW_ALL_MEMBERS, MANAGE_MEMBERS, VIEW_CLINICAL, VIEW_DIRECTORY,
        "members.add_provider", EDIT_DIRECTORY, BREAK_GLASS,
        VIEW_WORKLIST, VIEW_PROGRAM_DASHBOARD,
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
        from django.contrib.auth.models import Group as group_model
        from django.contrib.auth.models import Permission as permission_model
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
    from django.contrib.auth.management import create_permissions

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


# --- Members: care-team scoping ---------------------------------------------------------------


def visible_members(user, *, break_glass: bool = True):
    """The members ``user`` may see: every member for senior care managers and the program
    director; the members of their current care teams for coordinators and family support
    staff, plus any opened by an unexpired break-glass grant (when ``break_glass``); nobody
    for anyone else."""
    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    from cares.audit.models import BreakGlassGrant
    from members.models import CareTeamMember, Member

    profile = staff_profile(user)
    if profile is not None and not profile.active:
        return Member.objects.none()
    if may(user, VIEW_ALL_MEMBERS):
        return Member.objects.all()
    if not may(user, VIEW_MEMBER) or profile is None:
        return Member.objects.none()
    on_team = CareTeamMember.objects.filter(member=OuterRef("pk"), staff=profile,
                                            until__isnull=True)
    condition = Q(Exists(on_team))
    if break_glass:
        grant = BreakGlassGrant.objects.filter(member=OuterRef("pk"), user=user,
                                               expires_at__gt=timezone.now())
        condition |= Q(Exists(grant))
    return Member.objects.filter(condition)


def may_download_responder_card(user, member) -> bool:
    """A printed responder card carries a live bearer link (PS VI.A.1.c.5.e), so only those
    who see ``member`` without a break-glass grant download it (the care team, those who see
    every member). Break-glass access is read-only and short-lived: it never yields a link
    that outlasts it."""
    return visible_members(user, break_glass=False).filter(pk=member.pk).exists()


def may_change_member(user, member) -> bool:
    """Write access to ``member``: the permission to manage members and the member on one's
    care teams (or every member, for those who see all). Break-glass access is read only."""
    return may(user, MANAGE_MEMBERS) and visible_members(user, break_glass=False).filter(
        pk=getattr(member, "pk", member)).exists()


def may_see_clinical(user) -> bool:
    """Whether ``user`` receives clinical detail of the members they may see (minimum
    necessary: not family support staff)."""
    return may(user, VIEW_CLINICAL)


def member_for(user, pk: int, *, change: bool = False, record_read: bool = True):
    """The member with ``pk`` if ``user`` may see it, with the read recorded in the audit log.

    Otherwise 404 (a member outside one's care team is indistinguishable from none) and a
    denied-access audit event. ``change=True`` asks for write access (``may_change_member``):
    403 for a user who may only read, and break-glass access does not grant it (404).
    ``record_read=False`` leaves the read to the caller (``record_member_read``), for a view
    that may still refuse part of the record (a clinical document): that is a denial, not a
    read.
    """
    from django.http import Http404

    from cares.audit.models import Action
    from cares.audit.services import audit_record
    from members.models import Member

    found = visible_members(user, break_glass=not change).filter(pk=pk)
    by_team = change or may(user, VIEW_ALL_MEMBERS)
    if not by_team:  # seen through the care team, or only through a break-glass grant?
        from django.db.models import Exists, OuterRef

        from members.models import CareTeamMember

        found = found.annotate(on_team=Exists(CareTeamMember.objects.filter(
            member=OuterRef("pk"), staff=staff_profile(user), until__isnull=True)))
    member = found.first()
    if member is None or (change and not may_change_member(user, member)):
        exists = member is not None or Member.objects.filter(pk=pk).exists()
        audit_record(action=Action.DENIED, actor=user, member=pk if exists else None,
                     detail={"member_id": pk, "change": change})
        if member is None:
            raise Http404
        raise PermissionDenied
    member.cares_read_via_team = by_team or member.on_team
    if record_read:
        record_member_read(user, member, change=change)
    return member


def record_member_read(user, member, *, change: bool = False) -> None:
    """The audit event for a read ``member_for`` allowed: high priority when only a
    break-glass grant allows it."""
    from cares.audit.models import Action
    from cares.audit.services import audit_record

    if not getattr(member, "cares_read_via_team", True):
        _record_break_glass_read(user, member)
    else:
        audit_record(action=Action.READ, actor=user, member=member, obj=member,
                     detail={"change": change} if change else None)


def _record_break_glass_read(user, member) -> None:
    """A read that only a break-glass grant allows is high priority in the audit log, with
    the grant's reason, like the grant itself."""
    from django.utils import timezone

    from cares.audit.models import Action, BreakGlassGrant, Priority
    from cares.audit.services import audit_record

    grant = BreakGlassGrant.objects.filter(
        member=member, user=user, expires_at__gt=timezone.now()).order_by("-granted_at").first()
    audit_record(action=Action.READ, actor=user, member=member, obj=member,
                 priority=Priority.HIGH, reason=grant.reason if grant else "",
                 detail={"break_glass_grant": grant.pk if grant else None})


def may_mail(user) -> bool:
    """The daily mailing batch holds every member's letters: those who see all members and
    manage them (program director, senior care managers)."""
    return may(user, VIEW_ALL_MEMBERS) and may(user, MANAGE_MEMBERS)


# --- Consultations with the senior medical professional (PS IV.A.2) --------------------------
# The senior medical professional sees no member record: only the consultations addressed to
# them (minimum necessary), each read recorded like any other.

def may_answer_consultations(user) -> bool:
    """An active senior medical professional (their own queue of consultations)."""
    from cares.staff.models import Role

    profile = staff_profile(user)
    return bool(profile is not None and profile.active and user.is_active
                and profile.roles.filter(role=Role.SENIOR_MEDICAL_PROFESSIONAL).exists())


def consultations_for(user):
    """The consultations addressed to ``user`` (none unless they may answer them)."""
    from members.models import ConsultationRequest

    if not may_answer_consultations(user):
        return ConsultationRequest.objects.none()
    return ConsultationRequest.objects.filter(consultant=staff_profile(user))


def consultation_for(user, pk: int, consult_id: int):
    """Consultation ``consult_id`` of member ``pk`` if it is addressed to ``user``, with the
    read recorded; otherwise 404 and a denied-access audit event, as for a member."""
    from django.http import Http404

    from cares.audit.models import Action
    from cares.audit.services import audit_record
    from members.models import Member

    consult = consultations_for(user).select_related("member", "requested_by__user").filter(
        pk=consult_id, member_id=pk).first()
    if consult is None:
        exists = Member.objects.filter(pk=pk).exists()
        audit_record(action=Action.DENIED, actor=user, member=pk if exists else None,
                     detail={"member_id": pk, "consultation": consult_id})
        raise Http404
    audit_record(action=Action.READ, actor=user, member=consult.member, obj=consult)
    return consult


def member_view(*methods: str, change: bool = False, record_read: bool = True):
    """Decorator for a view of one member (URL parameter ``pk``), downloads and exports
    included. ``pk`` becomes the member if the user may see it (404 otherwise, whatever the
    method, so a member outside one's care teams looks like no member) and, with ``change``,
    may change it (403). Only then are ``methods`` checked (405). With
    ``record_read=False`` the view records the read itself (``record_member_read``)."""
    from django.views.decorators.http import require_http_methods

    def decorator(view):
        allowed = require_http_methods(list(methods))(view)

        @wraps(view)
        def wrapped(request, pk: int, **kwargs):
            member = member_for(request.user, pk, change=change, record_read=record_read)
            return allowed(request, member, **kwargs)

        return wrapped

    return decorator
