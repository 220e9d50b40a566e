"""``make bench``: what a page must do whatever it shows, timed on its own.

Issue 20 asks the worklist and the member page to cost at most twice the floor page (a signed-in
page through the same middleware). Some of a page's work is not the page's to drop: it checks
the user's permission (which reads their permissions) and records every member it shows in the
audit trail (PS VIII: every PHI read is recorded), then sends its bytes. ``must_do`` does only
that, replayed from a real load of the page: the same permission, the same audit rows written
through the same statements, the same bytes, read from nothing. Its time beside the floor is the
least any way of building the page could cost, so the bench can show how much of the 2x is left
for reading and rendering (README, Benchmarks).

The view is reachable only through ``cares.bench_urls``, which the bench sets as
``ROOT_URLCONF`` while it times it; the site's URLconf never includes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client
from django.test.utils import override_settings

from cares.base.access import may
from cares.base.audit.context import client_address
from cares.base.audit.models import Action, AuditEvent
from cares.base.audit.services import audit_members_listed
from cares.program.demo import bench

URLCONF = "cares.bench_urls"
MEMBER = "members.Member"


@dataclass(frozen=True)
class Replay:
    """What one load of a page did that any page showing the same would have to do."""

    permission: str
    body: bytes
    listed: tuple[int, ...] = ()  # members written as one LIST event each
    listed_detail: dict | None = None
    events: tuple[dict, ...] = ()  # the other events, each written as the page wrote it


REPLAYS: dict[str, Replay] = {}


def must_do(request, name: str):
    """The permission, the audit rows, the bytes; nothing read, nothing rendered."""
    replay = REPLAYS.get(name)
    if replay is None or not may(request.user, replay.permission):
        raise PermissionDenied
    if replay.listed:
        audit_members_listed(members=replay.listed, request=request,
                             detail=replay.listed_detail)
    for event in replay.events:
        AuditEvent.objects.create(actor=request.user, path=request.path[:300],
                                  client_address=client_address(request), **event)
    return HttpResponse(replay.body)


def record(client: Client, url: str, permission: str) -> Replay:
    """Load ``url`` once and keep what it did: its bytes and the audit rows it wrote."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = bench.page(client, url)()
    rows = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").values(
        "action", "member_id", "object_type", "object_id", "reason", "priority", "detail"))
    listed = [r for r in rows if r["action"] == Action.LIST and r["object_type"] == MEMBER]
    return Replay(permission=permission, body=response.content,
                  listed=tuple(r["member_id"] for r in listed),
                  listed_detail=listed[0]["detail"] if listed else None,
                  events=tuple(r for r in rows if r not in listed))


def measure(client: Client, name: str, url: str, permission: str,
            runs: int) -> tuple[float, int, Replay]:
    """The must-do of ``url``, timed: median ms, queries, and what it replays."""
    replay = REPLAYS[name] = record(client, url, permission)
    with override_settings(ROOT_URLCONF=URLCONF):
        ms, queries, _response = bench.timed(bench.page(client, f"/bench/must-do/{name}/"),
                                             runs)
    return ms, queries, replay
