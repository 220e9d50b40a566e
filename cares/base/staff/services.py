"""Writes to staff records. Every path (pages, admin, import, demo data) saves through here,
so a role that fails its qualification check is refused the same way everywhere and
nothing is saved."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.access import ADMIN_ROLES, ROLE_GROUPS
from cares.base.staff.models import (
    Credential,
    Program,
    RoleAssignment,
    StaffProfile,
    Training,
    User,
)
from cares.base.staff.qualifications import RoleClaim, StaffFacts, check_roles
from cares.base.toolkit import FieldProblem, changed_fields, refuse, save_and_audit


def staff_role_problems(*, profile: StaffProfile, credentials: Sequence[Credential],
                        roles: Sequence[RoleAssignment], on=None) -> list[str]:
    """Every unmet requirement for the roles ``profile`` is to hold, given ``credentials``."""
    on = on or timezone.localdate()
    problems: list[str] = []
    claims = []
    seen = set()
    for assignment in roles:
        ident = (assignment.role, assignment.is_backup)
        if ident in seen:
            continue
        seen.add(ident)
        covered = assignment.covers if assignment.is_backup and assignment.covers_id else None
        if covered is not None:
            if profile.pk and covered.pk == profile.pk:
                problems.append(_("A staff member cannot be their own backup."))
                covered = None
            elif not covered.roles.filter(role=assignment.role, is_backup=False).exists():
                problems.append(
                    _("%(name)s does not hold the %(role)s role, so it cannot be covered.")
                    % {"name": covered, "role": assignment.get_role_display().lower()}
                )
        # PS IV.A.4: a backup is checked against the position, not the colleague's licences.
        claims.append(RoleClaim(
            role=assignment.role,
            is_backup=assignment.is_backup,
            covered_name=str(covered) if covered is not None else "",
        ))
    problems.extend(check_roles(StaffFacts.of(profile, credentials), claims, on))
    return problems


def _field_values(obj: models.Model) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _save_if_changed(obj: models.Model, stored: models.Model | None) -> None:
    """Save only real changes, so the history shows what changed and re-imports are no-ops."""
    if obj.pk is None or stored is None:
        obj.full_clean()
        obj.save()
        return
    before, after = _field_values(stored), _field_values(obj)
    if before != after:
        obj.full_clean()
        obj.save()


def _replace_children(profile: StaffProfile, model: type[models.Model],
                      items: Sequence[models.Model]) -> None:
    stored = {o.pk: o for o in model.objects.filter(staff=profile)}
    kept = {item.pk for item in items if item.pk is not None}
    for pk, obj in stored.items():
        if pk not in kept:
            obj.delete()
    for item in items:
        item.staff = profile
        _save_if_changed(item, stored.get(item.pk))


@transaction.atomic
def staff_save(*, user: User, profile: StaffProfile, credentials: Sequence[Credential],
               roles: Sequence[RoleAssignment], trainings: Sequence[Training],
               password: str | None = None) -> StaffProfile:
    """Create or update a staff member with exactly these credentials, roles and trainings.

    Raises ``Refusal`` (and saves nothing) when any role fails its check; its ``messages``
    name every unmet requirement.
    """
    problems = staff_role_problems(profile=profile, credentials=credentials, roles=roles)
    refuse(problems)

    stored_user = User.objects.filter(pk=user.pk).first() if user.pk else None
    stored_profile = StaffProfile.objects.filter(pk=profile.pk).first() if profile.pk else None
    user.email = User.objects.normalize_email(user.email).lower()
    if password:
        user.set_password(password)
    elif user.pk is None and not user.password:
        user.set_unusable_password()
    user.is_active = profile.active
    _save_if_changed(user, stored_user)
    profile.user = user
    _save_if_changed(profile, stored_profile)
    with _sync_deferred():  # one recomputation at the end, not one per role row
        _replace_children(profile, Credential, credentials)
        _replace_children(profile, RoleAssignment, roles)
        _replace_children(profile, Training, trainings)
    staff_sync_groups(profile=profile)
    events.tell(events.staff_facts_changed, staff_id=profile.pk)  # training deadlines
    return profile


_deferred: ContextVar[bool] = ContextVar("cares_staff_sync_deferred", default=False)


@contextmanager
def _sync_deferred():
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def users_sync_access(*, user_ids: Iterable[int]) -> None:
    """``user_sync_access`` for each of these users (the signals' entry point), unless a
    service is in the middle of a save and recomputes once at its end."""
    if _deferred.get():
        return
    for user in User.objects.filter(pk__in=set(user_ids)):
        user_sync_access(user=user)


def staff_sync_groups(*, profile: StaffProfile) -> None:
    """``user_sync_access`` for the user of ``profile``."""
    user_sync_access(user=profile.user)


def user_sync_access(*, user: User) -> None:
    """The one function that recomputes a user's role groups from their current role
    assignments, with admin access and the active flag: a role deleted anywhere (the admin's
    single and bulk delete, a role moved to a colleague, the staff pages, the caseload import)
    takes its group and permissions with it, and a profile deactivated anywhere deactivates
    the account, which ends its sessions and every permission.

    Called by the services, and by ``cares.base.staff.signals`` after every save or delete of a
    role assignment or staff profile, whatever the path. Each change of group, admin access
    or active flag is a high-priority audit event with old and new values (the signals)."""
    profile = StaffProfile.objects.filter(user=user).first()
    roles = set(profile.roles.values_list("role", flat=True)) if profile is not None else set()
    active = profile.active if profile is not None else user.is_active
    wanted = set(Group.objects.filter(name__in=[ROLE_GROUPS[r] for r in roles]))
    managed = set(Group.objects.filter(name__in=ROLE_GROUPS.values()))
    current = set(user.groups.all())
    to_remove = (current & managed) - wanted
    to_add = wanted - current
    if to_remove:
        user.groups.remove(*to_remove)
    if to_add:
        user.groups.add(*to_add)
    # A user without a staff profile (IT, a superuser) keeps the admin access given by hand.
    is_staff = (user.is_superuser or bool(roles & ADMIN_ROLES)) if profile is not None \
        else user.is_staff
    changed = [name for name, value in (("is_staff", is_staff), ("is_active", active))
               if getattr(user, name) != value]
    if changed:
        user.is_staff = is_staff
        user.is_active = active
        user.save(update_fields=changed)


# --- The program record -------------------------------------------------------------------------

# The program's own lengths, in days, that the deadline rule book reads (deadlines.md notes).
PROGRAM_LENGTHS = ("transition_plan_days", "contact_interval_days", "discharge_follow_up_days",
                   "icp_update_days")


def us_phone(text: str) -> str | None:
    """A US phone number written the one way letters print it, "(617) 555-0100" (an
    optional leading 1 or +1 dropped); ``None`` when ``text`` is not one."""
    if re.search(r"[^\d\s().+-]", text or ""):
        return None
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


@transaction.atomic
def program_save(*, program: Program, actor: User | None) -> Program:
    """Save the program record, audited (django-simple-history keeps its history). A changed
    length reaches the stored deadlines by ``events.program_lengths_changed``."""
    lengths_changed = bool(set(changed_fields(program)) & set(PROGRAM_LENGTHS))
    problems: list[str] = []
    if program.on_call_phone.strip():
        phone = us_phone(program.on_call_phone)
        if phone is None:
            problems.append(FieldProblem(_(
                "Enter the 24/7 on-call number as a 10-digit US phone number, for example "
                "(617) 555-0100."), "on_call_phone"))
        program.on_call_phone = phone or program.on_call_phone
    else:
        program.on_call_phone = ""
    save_and_audit(program, actor=actor, problems=problems)
    if lengths_changed:
        events.tell(events.program_lengths_changed)
    return program
