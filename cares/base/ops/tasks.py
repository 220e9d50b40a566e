"""Beat's heartbeat: a periodic task on beat's own schedule (migration 0002) that rewrites one
row, so the readiness check (cares.base.ops.health) can tell that beat sent it and a worker ran
it lately. Idempotent: running it twice leaves one row with the later time."""

from __future__ import annotations

from django.utils import timezone

from cares.base.ops.models import Heartbeat
from cares.base.toolkit import task

BEAT = "beat"


@task("cares.heartbeat")
def heartbeat() -> str:
    """Record that beat's schedule ran just now."""
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"beat_at": timezone.now()})
    return BEAT
