"""Access follows roles on every path, and every change of access is audited.

Rows that grant or remove access (role assignments, staff profiles, licences, accounts,
authenticator devices, group and permission memberships) can change through the staff pages,
the caseload import, the admin (single and bulk delete included), the demo seed or a shell.
Rather than trusting each path to remember, these receivers run on every save and delete:

- a role assignment or staff profile saved, moved to another person or deleted: the users
  concerned get their groups recomputed (``cares.base.staff.services.user_sync_access``);
- any change to an access field: a high-priority audit event with old and new values (secrets
  such as password hashes and TOTP keys only as "changed").

``QuerySet.update`` and ``bulk_create`` send no signals: only the demo seed uses them, for
accounts that cannot sign in.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django_otp.plugins.otp_totp.models import TOTPDevice

from cares.base.audit.models import Action, Priority
from cares.base.audit.services import audit_record
from cares.base.staff.models import Credential, RoleAssignment, StaffProfile, User
from cares.base.staff.services import users_sync_access

SECRET = "[hidden]"  # noqa: S105 (what a secret value is shown as)
CHANGED = "[changed]"
_BEFORE = "_cares_access_before"
_M2M_BEFORE = "_cares_access_m2m_before"


def _tracked():
    return {
        User: (("is_active", "is_staff", "is_superuser"), ("password",)),
        StaffProfile: (("user_id", "active"), ()),
        RoleAssignment: (("staff_id", "role", "is_backup", "covers_id"), ()),
        Credential: (("staff_id", "type", "license_number", "state", "expires"), ()),
        TOTPDevice: (("user_id", "name", "confirmed"), ("key",)),
    }


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _values(obj, fields) -> dict:
    plain, secret = fields
    values = {name: _plain(getattr(obj, name)) for name in plain}
    values.update({name: getattr(obj, name) for name in secret})
    return values


def _shown(values: dict | None, secret) -> dict | None:
    if values is None:
        return None
    return {name: SECRET if name in secret else value for name, value in values.items()}


def _user_of(obj) -> int | None:
    if isinstance(obj, User):
        return obj.pk
    if hasattr(obj, "user_id"):
        return obj.user_id
    staff_id = getattr(obj, "staff_id", None)
    relation = getattr(type(obj), "staff", None)
    if relation is not None and relation.is_cached(obj) and obj.staff.pk == staff_id:
        return obj.staff.user_id  # the profile a service set on the row
    return StaffProfile.objects.filter(pk=staff_id).values_list("user_id", flat=True).first()


def _audit(action: str, obj, old: dict | None, new: dict | None, secret=()) -> None:
    if old is not None and new is not None:
        changed = [name for name in new if old.get(name) != new.get(name)]
        if not changed:
            return
        old = {name: old[name] for name in changed}
        new = {name: (CHANGED if name in secret else new[name]) for name in changed}
        old = _shown(old, secret)
    else:
        old, new = _shown(old, secret), _shown(new, secret)
    audit_record(action=action, obj=obj, priority=Priority.HIGH,
                 detail={"access": True, "user": _user_of(obj), "old": old, "new": new})


def _on_pre_save(sender, instance, update_fields=None, raw=False, **kwargs):
    fields = _tracked().get(sender)
    if fields is None or raw:
        return
    watched = set(fields[0]) | set(fields[1])
    if update_fields is not None and not (
            watched & {sender._meta.get_field(f).attname for f in update_fields}):
        setattr(instance, _BEFORE, "skip")
        return
    before = None
    if instance.pk is not None and not instance._state.adding:
        stored = sender._default_manager.filter(pk=instance.pk).first()
        before = _values(stored, fields) if stored is not None else None
    setattr(instance, _BEFORE, before)


def _on_post_save(sender, instance, created, raw=False, **kwargs):
    fields = _tracked().get(sender)
    if fields is None or raw:
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if before == "skip":
        return
    after = _values(instance, fields)
    if created or before is None:
        _audit(Action.CREATE, instance, None, after, fields[1])
    else:
        _audit(Action.UPDATE, instance, before, after, fields[1])
    if sender is RoleAssignment:
        users = {_user_of(instance)}
        if before is not None and before["staff_id"] != instance.staff_id:  # moved
            users.add(StaffProfile.objects.filter(pk=before["staff_id"])
                      .values_list("user_id", flat=True).first())
        _sync(users)
    elif sender is StaffProfile:
        users = {instance.user_id}
        if before is not None:
            users.add(before["user_id"])
        _sync(users)


def _on_pre_delete(sender, instance, **kwargs):
    fields = _tracked().get(sender)
    if fields is not None:
        setattr(instance, _BEFORE, (_values(instance, fields), _user_of(instance)))


def _on_post_delete(sender, instance, **kwargs):
    fields = _tracked().get(sender)
    if fields is None:
        return
    before, user_id = instance.__dict__.pop(_BEFORE, (_values(instance, fields), None))
    _audit(Action.DELETE, instance, before, None, fields[1])
    if sender in (RoleAssignment, StaffProfile):
        _sync({user_id})


def _sync(user_ids) -> None:
    users_sync_access(user_ids=[pk for pk in user_ids if pk is not None])


def _memberships(user_ids, field: str) -> dict[int, list[str]]:
    through = getattr(User, field).through
    if field == "groups":
        rows = through.objects.filter(user_id__in=user_ids).values_list("user_id",
                                                                         "group__name")
    else:
        rows = [(u, f"{app}.{code}") for u, app, code in through.objects.filter(
            user_id__in=user_ids).values_list("user_id", "permission__content_type__app_label",
                                              "permission__codename")]
    found: dict[int, list[str]] = {pk: [] for pk in user_ids}
    for user_id, name in rows:
        found[user_id].append(name)
    return {pk: sorted(names) for pk, names in found.items()}


def _on_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    field = "groups" if sender is User.groups.through else "user_permissions"
    if action.startswith("pre_"):
        if not reverse:
            users = [instance.pk]
        elif pk_set is not None:
            users = list(pk_set)
        else:  # group.user_set.clear()
            users = list(sender.objects.filter(**{
                f"{'group' if field == 'groups' else 'permission'}_id": instance.pk})
                .values_list("user_id", flat=True))
        setattr(instance, _M2M_BEFORE, _memberships(users, field))
        return
    before = instance.__dict__.pop(_M2M_BEFORE, None)
    if not before:
        return
    after = _memberships(list(before), field)
    for user in User.objects.filter(pk__in=[pk for pk in before if before[pk] != after[pk]]):
        _audit(Action.UPDATE, user, {field: before[user.pk]}, {field: after[user.pk]})


def connect() -> None:
    for model in _tracked():
        uid = f"cares.base.staff.access.{model._meta.label}"
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(_on_post_save, sender=model, dispatch_uid=f"{uid}.post_save")
        pre_delete.connect(_on_pre_delete, sender=model, dispatch_uid=f"{uid}.pre_delete")
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(_on_m2m_changed, sender=through,
                            dispatch_uid=f"cares.base.staff.access.{through._meta.label}")
