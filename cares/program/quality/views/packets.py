"""Pages of member record packets (PS VII.C, VII.D): the list, asking for one, its page with
the worker's progress, the progress as JSON (no PHI) and the download. All for MANAGE_QUALITY
holders only (program director, senior care managers). The creation and every download are
recorded as exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import MANAGE_QUALITY, permission_required
from cares.base.audit.services import audit_members_listed
from cares.base.documents.services import DocumentIntegrityError, document_read
from cares.base.toolkit import form_flow
from cares.program.quality.forms_packets import PacketForm
from cares.program.quality.packets.service import audit_export, start_packet
from members.access import record_member_read
from members.models import PacketStatus, RecordPacket

LIST_LIMIT = 100
WORKING = (PacketStatus.QUEUED, PacketStatus.RUNNING)


def _packet(packet_id: int) -> RecordPacket:
    packet = RecordPacket.objects.select_related(
        "member", "request", "document", "requested_by").filter(pk=packet_id).first()
    if packet is None:
        raise Http404
    return packet


def percent(packet: RecordPacket) -> int:
    if packet.status == PacketStatus.READY:
        return 100
    return int(100 * packet.progress / packet.sections_total) if packet.sections_total else 0


@require_GET
@permission_required(MANAGE_QUALITY)
def packet_list(request):
    packets = list(RecordPacket.objects.select_related("member", "request", "document")
                   [:LIST_LIMIT])
    if packets:
        audit_members_listed(members={p.member for p in packets}, request=request,
                             detail={"list": "record packets"})
    return render(request, "quality/packets.html", {"packets": packets, "limit": LIST_LIMIT})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_QUALITY)
def packet_add(request):
    form = PacketForm(request.POST if request.method == "POST" else None, user=request.user)
    saved, refused = form_flow(request, [form], lambda: start_packet(
        actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("The packet is being made."))
        return redirect("quality:packet", packet_id=saved.pk)
    return render(request, "quality/packet_form.html", {"form": form, "refused": refused})


@require_GET
@permission_required(MANAGE_QUALITY)
def packet_detail(request, packet_id: int):
    packet = _packet(packet_id)
    record_member_read(request.user, packet.member)
    return render(request, "quality/packet_detail.html", {
        "packet": packet, "percent": percent(packet), "working": packet.status in WORKING})


@require_GET
@permission_required(MANAGE_QUALITY)
def packet_status(request, packet_id: int):
    """The worker's progress, for the page's progress bar: no PHI."""
    packet = RecordPacket.objects.filter(pk=packet_id).only(
        "status", "progress", "sections_total").first()
    if packet is None:
        raise Http404
    response = JsonResponse({
        "status": packet.status, "status_label": str(packet.get_status_display()),
        "progress": packet.progress, "total": packet.sections_total,
        "percent": percent(packet), "done": packet.status not in WORKING})
    add_never_cache_headers(response)
    return response


@require_GET
@permission_required(MANAGE_QUALITY)
def packet_download(request, packet_id: int):
    """The sealed PDF, after its SHA-256 check (``document_read``), each download audited as
    an export."""
    packet = _packet(packet_id)
    if packet.status != PacketStatus.READY or packet.document is None:
        raise Http404
    try:
        content = document_read(document=packet.document, actor=request.user)
    except DocumentIntegrityError:
        return HttpResponse(_("This packet failed its integrity check and cannot be shown. "
                              "The program director has been alerted in the audit log."),
                            status=409, content_type="text/plain; charset=utf-8")
    audit_export(packet, actor=request.user, what="downloaded", request=request)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"record-packet-{packet.pk}-{packet.finished_at or packet.requested_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


urlpatterns = [
    path("packets/", packet_list, name="packets"),
    path("packets/new/", packet_add, name="packet_add"),
    path("packets/<int:packet_id>/", packet_detail, name="packet"),
    path("packets/<int:packet_id>/status/", packet_status, name="packet_status"),
    path("packets/<int:packet_id>/download/", packet_download, name="packet_download"),
]
