"""Asking for a packet: the row, then the worker (after commit)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change, audit_record
from cares.base.toolkit import FieldProblem, not_future, refuse
from cares.program.quality.packets.build import STEPS
from cares.program.quality.tasks import make_record_packet
from members.models import Member, RecordPacket, ReviewRequest


def _problems(member, records_from, records_to) -> list[str]:
    problems: list[str] = []
    if member is None:
        problems.append(FieldProblem(_("Choose the member."), "member"))
    if records_from is None:
        problems.append(FieldProblem(_("Give the first day of the records."), "records_from"))
    if records_to is None:
        problems.append(FieldProblem(_("Give the last day of the records."), "records_to"))
    if records_from and records_to and records_to < records_from:
        problems.append(FieldProblem(_("The range ends before it starts."), "records_to"))
    not_future(records_from, _("The first day of the records"), problems, "records_from")
    return problems


@transaction.atomic
def start_packet(*, member: Member, records_from: date, records_to: date,
                 request: ReviewRequest | None = None, actor=None) -> RecordPacket:
    """Queue a packet of ``member``'s record from ``records_from`` to ``records_to`` (for
    ``request`` if given) and hand it to the worker once the transaction commits. Refuses
    (``toolkit.Refusal``) a range that ends before it starts or lies in the future."""
    refuse(_problems(member, records_from, records_to))
    user = actor if getattr(actor, "is_authenticated", False) else None
    packet = RecordPacket.objects.create(member=member, request=request,
                                         records_from=records_from, records_to=records_to,
                                         sections_total=STEPS, requested_by=user)
    audit_change(action=Action.CREATE, obj=packet, member=member, actor=user)
    audit_export(packet, actor=user, what="created")
    transaction.on_commit(lambda: _enqueue(packet.pk))
    return packet


def audit_export(packet: RecordPacket, *, actor=None, what: str, request=None) -> None:
    """The packet's creation and each download, recorded as an export (like the CSV
    exports): the packet, its range and the member's id (never a name)."""
    detail = {"table": "record_packet", "event": what, "packet_id": packet.pk,
              "filters": {"records_from": packet.records_from.isoformat(),
                          "records_to": packet.records_to.isoformat()},
              "member_ids": [packet.member_id]}
    if packet.request_id:
        detail["review_request_id"] = packet.request_id
    audit_record(action=Action.EXPORT, actor=actor, member=packet.member_id, obj=packet,
                 detail=detail, request=request)


def _enqueue(packet_id: int) -> None:
    make_record_packet.delay(packet_id)
