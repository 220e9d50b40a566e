"""Pages of review and documentation requests from MassHealth or its designee (PS VII.C,
VII.D): the list, a request with its members, packets and submissions, and the forms that
record, change, withdraw and answer it. Only the program director and senior care managers
(``MANAGE_QUALITY``) open them. One service call per change (``members.quality.requests``);
a refusal keeps the input and says why next to the field."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cares.base.access import MANAGE_QUALITY, permission_required
from cares.base.audit.services import audit_members_listed
from cares.base.toolkit import NOTHING_SAVED, form_flow, show_refusal
from cares.program.quality.forms_requests import (
    AnswerForm,
    PacketRangeForm,
    RequestForm,
    WithdrawForm,
)
from cares.program.quality.packets import service as packet_service
from members.models import PacketStatus, RecordPacket, RequestStatus, ReviewRequest
from members.quality import requests as rules

PAGE_SIZE = 50
FILTERS = {"open": gettext_lazy("Open"), "overdue": gettext_lazy("Overdue"),
           "answered": gettext_lazy("Answered"), "withdrawn": gettext_lazy("Withdrawn")}
ACTIVE = (PacketStatus.QUEUED, PacketStatus.RUNNING, PacketStatus.READY)


@permission_required(MANAGE_QUALITY)
@require_GET
def request_list(request):
    """The requests, open by default (or overdue, answered, withdrawn), a page at a time."""
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    show = show if show in FILTERS else "open"
    qs = {"open": rules.open_requests(), "overdue": rules.requests_overdue(today),
          "answered": ReviewRequest.objects.filter(status=RequestStatus.ANSWERED)
          .order_by("-answered_on", "-pk"),
          "withdrawn": ReviewRequest.objects.filter(status=RequestStatus.WITHDRAWN)
          .order_by("-due_on", "-pk")}[show]
    page = Paginator(qs.annotate(concerned=Count("members")), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "quality/request_list.html", {
        "page": page, "show": show, "filters": FILTERS.items(), "today": today,
        "query": urlencode({"show": show}),
        "rows": [(r, rules.days_overdue(r, today)) for r in page]})


def _form_page(request, form, refused, title, review_request=None):
    return render(request, "quality/request_form.html", {
        "form": form, "refused": refused, "title": title, "review_request": review_request})


def _fields(form) -> dict:
    data = form.cleaned_data
    return {name: data[name] for name in (
        "reference", "kind", "requester", "requester_contact", "received_on", "due_on",
        "masshealth_ids", "asked", "records_from", "records_to")}


@permission_required(MANAGE_QUALITY)
@require_http_methods(["GET", "POST"])
def request_add(request):
    form = RequestForm(request.POST or None,
                       initial={"received_on": timezone.localdate()})
    saved, refused = form_flow(request, [form], lambda: rules.request_create(
        **_fields(form), actor=request.user))
    if saved:
        messages.success(request, _("Request %(reference)s recorded, due %(due)s.") % {
            "reference": saved.reference, "due": saved.due_on.isoformat()})
        return redirect("quality:request", request_id=saved.pk)
    return _form_page(request, form, refused, _("Record a review or documentation request"))


@permission_required(MANAGE_QUALITY)
@require_http_methods(["GET", "POST"])
def request_edit(request, request_id: int):
    review_request = get_object_or_404(ReviewRequest, pk=request_id)
    initial = {name: getattr(review_request, name) for name in (
        "reference", "kind", "requester", "requester_contact", "received_on", "due_on",
        "asked", "records_from", "records_to")}
    initial["masshealth_ids"] = "\n".join(
        review_request.members.order_by("masshealth_id").values_list("masshealth_id",
                                                                     flat=True))
    form = RequestForm(request.POST or None, initial=initial)
    saved, refused = form_flow(request, [form], lambda: rules.request_update(
        review_request=review_request, **_fields(form), actor=request.user))
    if saved:
        messages.success(request, _("Request changed."))
        return redirect("quality:request", request_id=saved.pk)
    return _form_page(request, form, refused, _("Change a request"), review_request)


# --- The request ------------------------------------------------------------------------------

def _detail_page(request, review_request: ReviewRequest, *, range_form=None,
                 withdraw_form=None, refused=(), status: int = 200):
    """The request with its members concerned (each with this request's packets) and what
    was sent; the members shown are recorded as read."""
    members = list(review_request.members.all())
    every = list(RecordPacket.objects.filter(request=review_request)
                 .select_related("member", "request", "document"))
    packets: dict[int, list[RecordPacket]] = {m.pk: [] for m in members}
    for packet in every:
        packets.setdefault(packet.member_id, []).append(packet)
    submissions = list(review_request.submissions.select_related("recorded_by").prefetch_related(
        Prefetch("packets", RecordPacket.objects.select_related("member"))))
    audit_members_listed(members=members, actor=request.user,
                         detail={"page": "review-request"})
    has_range = bool(review_request.records_from and review_request.records_to)
    lacking = [m for m in members if not any(p.status in ACTIVE for p in packets[m.pk])]
    return render(request, "quality/request_detail.html", {
        "review_request": review_request, "today": timezone.localdate(),
        "is_open": review_request.status == RequestStatus.OPEN,
        "days_overdue": rules.days_overdue(review_request, timezone.localdate()),
        "concerned": [(m, packets[m.pk]) for m in members], "lacking": lacking,
        "has_range": has_range, "submissions": submissions, "refused": refused,
        "packets": every,
        "range_form": range_form or (None if has_range else PacketRangeForm()),
        "withdraw_form": withdraw_form or WithdrawForm(),
    }, status=status)


@permission_required(MANAGE_QUALITY)
@require_GET
def request_detail(request, request_id: int):
    review_request = get_object_or_404(ReviewRequest.objects.select_related("created_by"),
                                       pk=request_id)
    return _detail_page(request, review_request)


@permission_required(MANAGE_QUALITY)
@require_POST
def request_withdraw(request, request_id: int):
    review_request = get_object_or_404(ReviewRequest, pk=request_id)
    form = WithdrawForm(request.POST)
    saved, refused = form_flow(request, [form], lambda: rules.request_withdraw(
        review_request=review_request, reason=form.cleaned_data["reason"],
        actor=request.user))
    if saved:
        messages.success(request, _("Request closed as withdrawn."))
        return redirect("quality:request", request_id=review_request.pk)
    review_request.refresh_from_db()
    return _detail_page(request, review_request, withdraw_form=form, refused=refused)


@transaction.atomic
def queue_packets(*, review_request: ReviewRequest, records_from, records_to,
                  actor=None) -> list[RecordPacket]:
    """A packet for every member concerned who has no queued, running or ready one for this
    request: all or none (a refusal of one queues nothing). The request row is locked, so
    two clicks at once queue each packet once."""
    current = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
    rules.still_open(current)
    covered = set(RecordPacket.objects.filter(request=current, status__in=ACTIVE)
                  .values_list("member_id", flat=True))
    return [packet_service.start_packet(member=member, records_from=records_from,
                                        records_to=records_to, request=current, actor=actor)
            for member in current.members.all() if member.pk not in covered]


@permission_required(MANAGE_QUALITY)
@require_POST
def request_packets(request, request_id: int):
    review_request = get_object_or_404(ReviewRequest, pk=request_id)
    form = None
    if review_request.records_from and review_request.records_to:
        start, end = review_request.records_from, review_request.records_to
    else:
        form = PacketRangeForm(request.POST)
        if not form.is_valid():
            messages.error(request, NOTHING_SAVED)
            return _detail_page(request, review_request, range_form=form)
        start, end = form.cleaned_data["records_from"], form.cleaned_data["records_to"]
    try:
        queued = queue_packets(review_request=review_request, records_from=start,
                               records_to=end, actor=request.user)
    except ValidationError as exc:
        messages.error(request, NOTHING_SAVED)
        refused = show_refusal(exc, [form] if form is not None else [])
        review_request.refresh_from_db()
        return _detail_page(request, review_request, range_form=form, refused=refused)
    if queued:
        messages.success(request, ngettext(
            "%(n)d record packet is being made.", "%(n)d record packets are being made.",
            len(queued)) % {"n": len(queued)})
    else:
        messages.info(request, _("Every member concerned already has a packet for this "
                                 "request."))
    return redirect("quality:request", request_id=review_request.pk)


@permission_required(MANAGE_QUALITY)
@require_http_methods(["GET", "POST"])
def request_answer(request, request_id: int):
    review_request = get_object_or_404(ReviewRequest, pk=request_id)
    form = AnswerForm(request.POST or None, packets=rules.ready_packets(review_request),
                      initial={"sent_on": timezone.localdate(), "sent_to": review_request.requester,
                               "packets": [p.pk for p in rules.latest_ready(review_request)]})
    saved, refused = form_flow(request, [form], lambda: rules.request_answer(
        review_request=review_request, sent_on=form.cleaned_data["sent_on"],
        sent_to=form.cleaned_data["sent_to"], method=form.cleaned_data["method"],
        note=form.cleaned_data["note"], packets=form.cleaned_data["packets"],
        actor=request.user))
    if saved:
        messages.success(request, _("Answer recorded: sent %(day)s.") % {
            "day": saved.sent_on.isoformat()})
        return redirect("quality:request", request_id=review_request.pk)
    audit_members_listed(members=review_request.members.all(), actor=request.user,
                         detail={"page": "review-request-answer"})
    return render(request, "quality/request_answer.html", {
        "form": form, "refused": refused, "review_request": review_request})


urlpatterns = [
    path("requests/", request_list, name="requests"),
    path("requests/add/", request_add, name="request_add"),
    path("requests/<int:request_id>/", request_detail, name="request"),
    path("requests/<int:request_id>/edit/", request_edit, name="request_edit"),
    path("requests/<int:request_id>/withdraw/", request_withdraw, name="request_withdraw"),
    path("requests/<int:request_id>/packets/", request_packets, name="request_packets"),
    path("requests/<int:request_id>/answer/", request_answer, name="request_answer"),
]
