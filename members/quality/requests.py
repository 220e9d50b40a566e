"""Review and documentation requests from MassHealth or its designee (PS VII.C, VII.D): the
services that record, change, withdraw and answer them, and the reads of the director's
worklist, the daily reminders and the program dashboard.

A request is answered with a member record packet (``RecordPacket``, made at program level)
for every member concerned; answering records what was sent, when, to whom and how
(``ReviewSubmission``). Each service locks the request row and re-checks its status inside
the transaction, so of two people answering (or withdrawing) at once the second gets the
ordinary refusal.

The due date is the requester's ("within MassHealth's or its designee's time
specifications"): a request is overdue while it is open after its due date, and answered on
time when it was sent on or before it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.toolkit import FieldProblem, changed_fields, not_future, refuse
from members.models import (
    Member,
    PacketStatus,
    RecordPacket,
    RequestStatus,
    ReviewKind,
    ReviewRequest,
    ReviewSubmission,
    SendMethod,
)

LIMIT = 100  # open requests listed on the dashboard and the worklist


# --- Members concerned ----------------------------------------------------------------------

def split_ids(text: str | Iterable[str] | None) -> list[str]:
    """MassHealth IDs typed one a line or separated by commas (or spaces), in order, once."""
    if text is None:
        return []
    parts = re.split(r"[\s,;]+", text) if isinstance(text, str) else list(text)
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def members_by_id(text: str | Iterable[str] | None, problems: list[str]) -> list[Member]:
    """The members with the MassHealth IDs in ``text``; each unknown ID is a problem."""
    ids = split_ids(text)
    if not ids:
        problems.append(FieldProblem(_("Give the MassHealth ID of at least one member "
                                       "concerned."), "masshealth_ids"))
        return []
    found = {m.masshealth_id: m for m in Member.objects.filter(masshealth_id__in=ids)}
    for unknown in (i for i in ids if i not in found):
        problems.append(FieldProblem(_("No member has the MassHealth ID %(id)s.")
                                     % {"id": unknown}, "masshealth_ids"))
    return [found[i] for i in ids if i in found]


# --- Services -------------------------------------------------------------------------------

def _request_problems(*, reference, kind, requester, received_on, due_on, asked,
                      records_from, records_to) -> list[str]:
    problems: list[str] = []
    for name, value, message in (
            ("reference", reference, _("Give the requester's reference.")),
            ("requester", requester, _("Say who asked (MassHealth or its designee).")),
            ("asked", asked, _("Say what is asked."))):
        if not (value or "").strip():
            problems.append(FieldProblem(message, name))
    if kind not in ReviewKind.values:
        problems.append(FieldProblem(_("Choose the kind of review."), "kind"))
    if received_on is None:
        problems.append(FieldProblem(_("Give the date the request was received."),
                                     "received_on"))
    not_future(received_on, _("The date received"), problems, "received_on")
    if due_on is None:
        problems.append(FieldProblem(_("Give the due date the requester gave."), "due_on"))
    elif received_on is not None and due_on < received_on:
        problems.append(FieldProblem(_("The due date cannot be before the date the request "
                                       "was received."), "due_on"))
    if records_from and records_to and records_to < records_from:
        problems.append(FieldProblem(_("The records asked for must end after they start."),
                                     "records_to"))
    return problems


def _checked(values: dict, masshealth_ids) -> list[Member]:
    """The members concerned, or a refusal with every problem of ``values`` and the IDs."""
    problems = _request_problems(**{k: v for k, v in values.items()
                                    if k != "requester_contact"})
    members = members_by_id(masshealth_ids, problems)
    refuse(problems)
    return members


def _fill(review_request: ReviewRequest, values: dict) -> None:
    for name in ("reference", "requester", "requester_contact", "asked"):
        setattr(review_request, name, (values.get(name) or "").strip())
    for name in ("kind", "received_on", "due_on", "records_from", "records_to"):
        setattr(review_request, name, values.get(name))


@transaction.atomic
def request_create(*, reference: str, kind: str, requester: str, received_on: date | None,
                   due_on: date | None, asked: str, masshealth_ids, requester_contact: str = "",
                   records_from: date | None = None, records_to: date | None = None,
                   actor=None) -> ReviewRequest:
    """Record a request for documentation (PS VII.C, VII.D), refused with the reasons."""
    values = {"reference": reference, "kind": kind, "requester": requester,
              "requester_contact": requester_contact, "received_on": received_on,
              "due_on": due_on, "asked": asked, "records_from": records_from,
              "records_to": records_to}
    members = _checked(values, masshealth_ids)
    review_request = ReviewRequest(created_by=actor)
    _fill(review_request, values)
    review_request.full_clean(exclude=["members"])
    review_request.save()
    review_request.members.set(members)
    audit_change(action=Action.CREATE, obj=review_request, actor=actor,
                 detail={"members": sorted(m.pk for m in members)})
    return review_request


def _locked(review_request: ReviewRequest) -> ReviewRequest:
    return ReviewRequest.objects.select_for_update().get(pk=review_request.pk)


def still_open(current: ReviewRequest) -> None:
    if current.status == RequestStatus.ANSWERED:
        refuse([_("This request was answered on %(day)s; it can no longer be changed.")
                % {"day": current.answered_on.isoformat()}])
    if current.status == RequestStatus.WITHDRAWN:
        refuse([_("This request was withdrawn; it can no longer be changed.")])


@transaction.atomic
def request_update(*, review_request: ReviewRequest, reference: str, kind: str, requester: str,
                   received_on: date | None, due_on: date | None, asked: str, masshealth_ids,
                   requester_contact: str = "", records_from: date | None = None,
                   records_to: date | None = None, actor=None) -> ReviewRequest:
    """Change a request while it is open (the same checks as a new one)."""
    values = {"reference": reference, "kind": kind, "requester": requester,
              "requester_contact": requester_contact, "received_on": received_on,
              "due_on": due_on, "asked": asked, "records_from": records_from,
              "records_to": records_to}
    current = _locked(review_request)
    still_open(current)
    members = _checked(values, masshealth_ids)
    _fill(current, values)
    current.full_clean(exclude=["members"])
    fields = changed_fields(current)
    before = set(current.members.values_list("pk", flat=True))
    if before != {m.pk for m in members}:
        fields.append("members")
        current.members.set(members)
    current.save()
    if fields:
        audit_change(action=Action.UPDATE, obj=current, actor=actor, fields=fields)
    return current


@transaction.atomic
def request_withdraw(*, review_request: ReviewRequest, reason: str, actor=None
                     ) -> ReviewRequest:
    """The requester withdrew the request: closed without an answer, with the reason."""
    current = _locked(review_request)
    still_open(current)
    reason = (reason or "").strip()
    if not reason:
        refuse([FieldProblem(_("Say why the request is closed without an answer."),
                             "reason")])
    current.status, current.closed_reason = RequestStatus.WITHDRAWN, reason[:300]
    current.save(update_fields=["status", "closed_reason"])
    audit_change(action=Action.UPDATE, obj=current, actor=actor,
                 fields=["status", "closed_reason"])
    return current


def ready_packets(review_request: ReviewRequest) -> QuerySet[RecordPacket]:
    """The ready packets of the request, the newest first, with their members."""
    return (RecordPacket.objects.filter(request=review_request, status=PacketStatus.READY)
            .select_related("member", "document").order_by("member_id", "-requested_at",
                                                           "-pk"))


def latest_ready(review_request: ReviewRequest) -> list[RecordPacket]:
    """The newest ready packet of each member concerned (what an answer sends by default)."""
    concerned = set(review_request.members.values_list("pk", flat=True))
    newest: dict[int, RecordPacket] = {}
    for packet in ready_packets(review_request):
        if packet.member_id in concerned:
            newest.setdefault(packet.member_id, packet)
    return list(newest.values())


def _answer_problems(current: ReviewRequest, *, sent_on, sent_to, method,
                     packets: list[RecordPacket]) -> list[str]:
    problems: list[str] = []
    if sent_on is None:
        problems.append(FieldProblem(_("Give the date it was sent."), "sent_on"))
    else:
        not_future(sent_on, _("The date sent"), problems, "sent_on")
        if sent_on < current.received_on:
            problems.append(FieldProblem(
                _("It cannot have been sent before the request was received (%(day)s).")
                % {"day": current.received_on.isoformat()}, "sent_on"))
    if not (sent_to or "").strip():
        problems.append(FieldProblem(_("Say to whom it was sent."), "sent_to"))
    if method not in SendMethod.values:
        problems.append(FieldProblem(_("Choose how it was sent."), "method"))
    chosen = {p.pk for p in packets}
    good = RecordPacket.objects.filter(pk__in=chosen, request=current,
                                       status=PacketStatus.READY)
    if good.count() != len(chosen):
        problems.append(FieldProblem(_("Only this request's ready packets can be sent."),
                                     "packets"))
    covered = set(good.values_list("member_id", flat=True))
    missing = [str(m) for m in current.members.all() if m.pk not in covered]
    if missing:
        problems.append(FieldProblem(
            _("Every member concerned needs a ready record packet; missing for: %(names)s.")
            % {"names": ", ".join(missing)}, "packets"))
    return problems


@transaction.atomic
def request_answer(*, review_request: ReviewRequest, sent_on: date | None, sent_to: str,
                   method: str, note: str = "", packets: Iterable[RecordPacket] | None = None,
                   actor=None) -> ReviewSubmission:
    """Record what was sent in answer (``packets``: by default the newest ready packet of
    each member concerned). Refused unless every member concerned has a ready packet of this
    request among them; the request is then answered on the day it was sent."""
    current = _locked(review_request)
    still_open(current)
    chosen = list(packets) if packets is not None else latest_ready(current)
    refuse(_answer_problems(current, sent_on=sent_on, sent_to=sent_to, method=method,
                            packets=chosen))
    submission = ReviewSubmission.objects.create(
        request=current, sent_on=sent_on, sent_to=sent_to.strip(), method=method,
        note=(note or "").strip(), recorded_by=actor)
    submission.packets.set(chosen)
    audit_change(action=Action.CREATE, obj=submission, actor=actor,
                 detail={"packets": sorted(p.pk for p in chosen)})
    current.status, current.answered_on = RequestStatus.ANSWERED, sent_on
    current.save(update_fields=["status", "answered_on"])
    audit_change(action=Action.UPDATE, obj=current, actor=actor,
                 fields=["status", "answered_on"])
    return submission


# --- Reads: worklist and reminders ------------------------------------------------------------

def open_requests() -> QuerySet[ReviewRequest]:
    return ReviewRequest.objects.filter(status=RequestStatus.OPEN).order_by("due_on", "pk")


def requests_due(today: date, within_days: int) -> QuerySet[ReviewRequest]:
    """Open requests due within ``within_days`` of ``today`` or overdue, the earliest first."""
    return open_requests().filter(due_on__lte=today + timedelta(days=within_days))


def requests_overdue(today: date, more_than_days: int = 0) -> QuerySet[ReviewRequest]:
    """Open requests overdue more than ``more_than_days`` on ``today``."""
    return open_requests().filter(due_on__lt=today - timedelta(days=more_than_days))


def days_overdue(review_request: ReviewRequest, today: date) -> int:
    """Days past the due date (0 while not overdue)."""
    return max(0, (today - review_request.due_on).days)


# --- Reads: the program dashboard -------------------------------------------------------------

@dataclass(frozen=True)
class OpenRow:
    request: ReviewRequest
    days_overdue: int  # 0: not overdue
    members: int


@dataclass(frozen=True)
class RequestSummary:
    start: date
    end: date
    today: date
    open_now: int
    overdue_now: int
    answered_on_time: int
    answered_late: int
    open: list[OpenRow] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def on_time_rate(self) -> float | None:
        """Percent of the requests answered in the period that were on time."""
        return round(100 * self.answered_on_time / self.answered, 1) if self.answered else None

    @property
    def more(self) -> int:
        """Open requests not listed (beyond ``LIMIT``)."""
        return max(0, self.open_now - len(self.open))


def request_summary(period, today: date) -> RequestSummary:
    """What the program dashboard shows of requests for ``period`` (its ``start`` and
    ``end``): open and overdue now, answered in the period on time or late, and the open
    ones. Two queries."""
    in_period = Q(answered_on__gte=period.start, answered_on__lte=period.end)
    is_open = Q(status=RequestStatus.OPEN)
    counts = ReviewRequest.objects.aggregate(
        open_now=Count("pk", filter=is_open),
        overdue_now=Count("pk", filter=is_open & Q(due_on__lt=today)),
        answered_on_time=Count("pk", filter=Q(status=RequestStatus.ANSWERED) & in_period
                               & Q(answered_on__lte=F("due_on"))),
        answered_late=Count("pk", filter=Q(status=RequestStatus.ANSWERED) & in_period
                            & Q(answered_on__gt=F("due_on"))))
    rows = open_requests().annotate(concerned=Count("members"))[:LIMIT]
    return RequestSummary(period.start, period.end, today, **counts,
                          open=[OpenRow(r, days_overdue(r, today), r.concerned) for r in rows])


def request_table(summary: RequestSummary) -> tuple[list[str], list[list], list[int]]:
    """The dashboard section as a CSV table: the open requests, then the requests answered in
    the period (``(header, rows, member_ids)``, like ``cares.program.dashboards.tables``; no
    member is named, only how many each request concerns)."""
    header = ["reference", "kind", "requested_by", "received_on", "due_on", "status",
              "answered_on", "on_time", "days_overdue", "members_concerned"]
    rows = [[r.request.reference, r.request.get_kind_display(), r.request.requester,
             r.request.received_on, r.request.due_on, r.request.get_status_display(), "", "",
             r.days_overdue, r.members] for r in summary.open]
    answered = (ReviewRequest.objects.filter(status=RequestStatus.ANSWERED,
                                             answered_on__gte=summary.start,
                                             answered_on__lte=summary.end)
                .annotate(concerned=Count("members")).order_by("answered_on", "pk"))
    rows += [[r.reference, r.get_kind_display(), r.requester, r.received_on, r.due_on,
              r.get_status_display(), r.answered_on,
              "yes" if r.answered_on <= r.due_on else "no", "", r.concerned]
             for r in answered]
    return header, rows, []
