"""Beat's heartbeat: one row per scheduled beat, rewritten by the beat schedule's own
periodic task, so the readiness check can tell that beat (and a worker) ran it lately."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic job ran (``name`` "beat": the heartbeat task itself)."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
