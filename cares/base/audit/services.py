"""Writing audit events. Called by the access layer (reads, denials, downloads, exports) and
by the service functions (every change). Details carry ids and field names, never names,
dates of birth or MassHealth IDs."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext

from django.db import connections, models, router, transaction

from cares.base.audit.context import DENIAL_RECORDED, client_address, current_request
from cares.base.audit.models import Action, AuditEvent, Priority


class _Nothing:
    """Stands in for the request outside one (tasks, commands)."""


def _context(request=None) -> dict:
    request = request or current_request.get()
    if request is None:
        return {"client_address": None, "path": ""}
    return {"client_address": client_address(request), "path": request.path[:300]}


def acting_user(actor, request=None):
    """The signed-in user an event is by: ``actor``, else the request's user, else none."""
    if actor is not None:
        return actor if getattr(actor, "is_authenticated", False) else None
    request = request or current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def audit_record(*, action: str, actor=None, member=None, obj: models.Model | None = None,
                 reason: str = "", priority: str = Priority.NORMAL, detail: dict | None = None,
                 request=None) -> AuditEvent:
    if action == Action.DENIED:  # the request's refusal is recorded (AuditContextMiddleware)
        setattr(request or current_request.get() or _Nothing(), DENIAL_RECORDED, True)
    return AuditEvent.objects.create(
        actor=acting_user(actor, request), action=action,
        member_id=getattr(member, "pk", member),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        reason=reason, priority=priority, detail=detail or {}, **_context(request),
    )


def audit_change(*, action: str, obj: models.Model, member=None, actor=None,
                 fields: Iterable[str] = (), detail: dict | None = None) -> AuditEvent:
    """A create, update or delete by a service: which record and which fields changed."""
    extra = dict(detail or {})
    if fields:
        extra["fields"] = sorted(fields)
    return audit_record(action=action, actor=actor, member=member, obj=obj, detail=extra)


def audit_members_listed(*, members: Iterable, actor=None, request=None,
                         detail: dict | None = None) -> int:
    """One LIST event per member shown on a list page (bounded by the page size). ``members``:
    the members, or their ids. The events are the rows ``AuditEvent.objects.bulk_create``
    would write, in one INSERT (a list page shows few members; more are written in batches
    in one transaction): only the member differs from one to the next, so the other values
    are prepared once, by their fields, and no model instance is built per member."""
    ids = [getattr(m, "pk", m) for m in members]
    if not ids:
        return 0
    first = AuditEvent(actor=acting_user(actor, request), action=Action.LIST,
                       object_type="members.Member", detail=detail or {}, **_context(request))
    db = router.db_for_write(AuditEvent)
    connection = connections[db]
    fields = [f for f in AuditEvent._meta.concrete_fields if f is not AuditEvent._meta.pk]
    row = [f.get_db_prep_save(f.pre_save(first, True), connection) for f in fields]
    at_member, at_id = fields.index(_field("member")), fields.index(_field("object_id"))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, ids))
    with transaction.atomic(using=db, savepoint=False) \
            if len(ids) > size else nullcontext(), connection.cursor() as cursor:
        for start in range(0, len(ids), size):
            batch, params = ids[start:start + size], []
            for pk in batch:
                row[at_member], row[at_id] = pk, str(pk)
                params += row
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
                           + ", ".join([values] * len(batch)), params)
    return len(ids)


def _field(name: str) -> models.Field:
    return AuditEvent._meta.get_field(name)
