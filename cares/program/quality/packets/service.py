"""Asking for a packet: the row, then the worker (after commit)."""

from __future__ import annotations

from datetime import date

from members.models import Member, RecordPacket, ReviewRequest


def start_packet(*, member: Member, records_from: date, records_to: date,
                 request: ReviewRequest | None = None, actor=None) -> RecordPacket:
    """Queue a packet of ``member``'s record from ``records_from`` to ``records_to`` (for
    ``request`` if given) and hand it to the worker once the transaction commits. Refuses
    (``toolkit.Refusal``) a range that ends before it starts or lies in the future."""
    raise NotImplementedError  # issue 18: built by the packet part
