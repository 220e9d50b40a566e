"""How ``careplans`` answers the floors below it (``cares.base.events``). Connected in
``CareplansConfig.ready``."""

from __future__ import annotations

from careplans.prefill import aftercare_starting_values
from cares.base import events


def answer_aftercare_starting_values(sender, *, member_id: int, **kwargs):
    return aftercare_starting_values(member_id)


RECEIVERS = [
    (events.aftercare_starting_values, answer_aftercare_starting_values),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"careplans.{receiver.__name__}")
