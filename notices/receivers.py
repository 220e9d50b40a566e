"""How ``notices`` hears from the floors below it (``cares.base.events``), connected in
``NoticesConfig.ready``."""

from __future__ import annotations

from cares.base import events
from notices.services import letter_draft_after_commit


def on_letter_owed(sender, *, episode_id: int, kind: str, **kwargs) -> None:
    """PS VIII / IX.C: once the enrollment or termination commits, a worker drafts its letter
    (the nightly sweep drafts any that were missed)."""
    letter_draft_after_commit(episode_id=episode_id, kind=kind)


RECEIVERS = [(events.letter_owed, on_letter_owed)]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"notices.{receiver.__name__}")
