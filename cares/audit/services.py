"""Writing audit events. Called by the access layer (reads, denials, downloads, exports) and
by the service functions (every change). Details carry ids and field names, never names,
dates of birth or MassHealth IDs."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from cares.access import visible_members
from cares.audit.context import DENIAL_RECORDED, client_address, current_request
from cares.audit.models import Action, AuditEvent, Priority


class _Nothing:
    """Stands in for the request outside one (tasks, commands)."""


def _context(request=None) -> dict:
    request = request or current_request.get()
    if request is None:
        return {"client_address": None, "path": ""}
    return {"client_address": client_address(request), "path": request.path[:300]}


def _actor(actor, request=None):
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
        actor=_actor(actor, request), action=action,
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
    """One LIST event per member shown on a list page (bounded by the page size)."""
    actor = _actor(actor, request)
    context = _context(request)
    events = [AuditEvent(actor=actor, action=Action.LIST, member_id=m.pk,
                         object_type="members.Member", object_id=str(m.pk),
                         detail=detail or {}, **context) for m in members]
    AuditEvent.objects.bulk_create(events)
    return len(events)


def audit_identifier_exists(*, member, field: str, actor=None, request=None) -> AuditEvent:
    """A form refused an identifier because a member already has it, which tells the user
    that member exists: a ``denied`` event naming the member (never the identifier), high
    priority when the member is outside what the user may see."""
    actor = _actor(actor, request)
    visible = (member is not None and actor is not None
               and visible_members(actor).filter(pk=member.pk).exists())
    return audit_record(action=Action.DENIED, actor=actor, member=member, request=request,
                        priority=Priority.NORMAL if visible else Priority.HIGH,
                        detail={"refused": "identifier already on file", "field": field})
