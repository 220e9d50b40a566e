"""Making a packet in a worker (``cares.program.quality.tasks``), at least once.

The worker claims the row with a conditional update (queued, or running but stale: a worker
that died), moves its progress section by section with conditional updates on its claim, then
renders the PDF, seals it (``document_store``: SHA-256) and marks the packet ready under a row
lock. A packet already ready is left alone, so a task run twice stores one document. A failure
records a short kind of error, never PHI."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cares.base.documents.services import document_store
from cares.base.pdf import PDFRenderError, page_count, render_template_to_pdf
from cares.base.staff.models import Program
from cares.base.toolkit import TRANSIENT
from cares.program.quality.packets.sections import SECTIONS, Record
from members.models import PacketStatus, RecordPacket

logger = logging.getLogger(__name__)

DOCUMENT_KIND = "record_packet"
TEMPLATE = "quality/packet.html"
# A running packet whose worker has not finished within this time is taken over.
STALE_AFTER = timedelta(minutes=15)
RENDER_TIMEOUT_SECONDS = 120
STEPS = len(SECTIONS) + 1  # each section, then the PDF


def claim(packet_id: int) -> datetime | None:
    """Take the packet for this worker: the moment claimed (the claim's token), or None when
    it is ready, failed, or being made by a live worker."""
    now = timezone.now()
    taken = RecordPacket.objects.filter(pk=packet_id).filter(
        Q(status=PacketStatus.QUEUED)
        | Q(status=PacketStatus.RUNNING, started_at__lt=now - STALE_AFTER)
        | Q(status=PacketStatus.RUNNING, started_at__isnull=True),
    ).update(status=PacketStatus.RUNNING, started_at=now, progress=0, error="")
    return now if taken else None


def _mine(packet_id: int, claimed: datetime):
    return RecordPacket.objects.filter(pk=packet_id, status=PacketStatus.RUNNING,
                                       started_at=claimed)


def packet_context(packet: RecordPacket, *, on_section=None) -> dict:
    """The template's context: the cover sheet and each section's records in the range.
    ``on_section(i)`` is called after the i-th section (for the progress bar)."""
    record = Record(packet.member, packet.records_from, packet.records_to)
    sections = []
    for number, section in enumerate(SECTIONS, start=1):
        html = render_to_string(f"quality/packet/{section.key}.html",
                                {"member": packet.member, **section.build(record)})
        sections.append({"key": section.key, "title": section.title, "html": html})
        if on_section is not None:
            on_section(number)
    requester = packet.requested_by
    return {"packet": packet, "member": packet.member, "request": packet.request,
            "program": Program.objects.first(), "sections": sections,
            "made_on": timezone.localdate(),
            "made_by": (requester.get_full_name() or requester.email) if requester else "",
            "language": "en"}


def render_packet(packet: RecordPacket, *, on_section=None) -> tuple[str, bytes]:
    """The packet as (html, pdf), in English (the reviewers' language)."""
    with translation.override("en"):
        context = packet_context(packet, on_section=on_section)
        return render_template_to_pdf(TEMPLATE, context, timeout=RENDER_TIMEOUT_SECONDS)


def make_packet(packet_id: int) -> str:
    """Make the packet ``packet_id`` if nobody has (the task's body). Returns what happened:
    ``made``, ``skipped`` (ready, failed or being made elsewhere) or ``failed``."""
    claimed = claim(packet_id)
    if claimed is None:
        return "skipped"
    packet = RecordPacket.objects.select_related("member", "request", "requested_by") \
        .get(pk=packet_id)
    started = time.monotonic()
    try:
        _html, pdf = render_packet(packet, on_section=lambda n: _mine(packet_id, claimed)
                                   .update(progress=n))
        return _seal(packet_id, claimed, pdf, time.monotonic() - started)
    except PDFRenderError:
        return _fail(packet_id, claimed, _("The PDF could not be made (renderer error or time "
                                           "limit)."))
    except TRANSIENT:
        # Back to the queue, so the retry (toolkit.task's policy) claims it again.
        _mine(packet_id, claimed).update(status=PacketStatus.QUEUED, started_at=None)
        raise
    except Exception as exc:  # a kind of error only: its message could carry PHI
        logger.error("record packet %s failed: %s", packet_id, type(exc).__name__)
        return _fail(packet_id, claimed, _("The packet could not be made (%(kind)s).")
                     % {"kind": type(exc).__name__})


@transaction.atomic
def _seal(packet_id: int, claimed: datetime, pdf: bytes, seconds: float) -> str:
    # of=self: requested_by may be empty (a LEFT JOIN), which PostgreSQL cannot lock.
    packet = RecordPacket.objects.select_for_update(of=("self",)) \
        .select_related("member", "requested_by").get(pk=packet_id)
    if packet.status != PacketStatus.RUNNING or packet.started_at != claimed:
        return "skipped"  # ready already, or taken over by another worker
    packet.document = document_store(
        member=packet.member, kind=DOCUMENT_KIND,
        title=f"Record packet {packet.records_from:%Y-%m-%d} to {packet.records_to:%Y-%m-%d}",
        content=pdf, actor=packet.requested_by)
    packet.status = PacketStatus.READY
    packet.progress = packet.sections_total
    packet.pages = page_count(pdf)
    packet.seconds = round(seconds, 2)
    packet.finished_at = timezone.now()
    packet.save(update_fields=["document", "status", "progress", "pages", "seconds",
                               "finished_at"])
    return "made"


def _fail(packet_id: int, claimed: datetime, error: str) -> str:
    _mine(packet_id, claimed).update(status=PacketStatus.FAILED, error=str(error)[:300],
                                     finished_at=timezone.now())
    return "failed"
