"""The audit log page (program director only): every event, filtered by action, priority,
member, staff and a date range (45 CFR 164.312(b)). A program-level page: it reads the whole
log. People and records are shown by name, the action in words, and an export says what was
exported (its table, filters and row count)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from cares.base.access import VIEW_AUDIT, permission_required
from cares.base.audit.models import Action, AuditEvent, Priority
from cares.base.audit.services import audit_members_listed

PAGE_SIZE = 100
# The tables the worklist and the dashboard export (exports.csv_export's ``table``), in words.
EXPORTED_TABLES = {
    "worklist-deadlines": _l("worklist deadlines"),
    "worklist-referrals": _l("worklist referrals waiting"),
    "worklist-birthdays": _l("worklist birthdays"),
    "worklist-releases": _l("worklist releases expiring"),
    "worklist-renewals": _l("worklist MassHealth renewals"),
    "dashboard-compliance": _l("dashboard deadlines by rule"),
    "dashboard-trend": _l("dashboard trend by month"),
    "dashboard-overdue": _l("dashboard overdue deadlines"),
    "dashboard-caseload": _l("dashboard caseloads"),
    "dashboard-checks": _l("dashboard program checks"),
    "dashboard-staff": _l("dashboard staff qualifications"),
    "dashboard-licences": _l("dashboard licences expiring"),
    "dashboard-training": _l("dashboard training overdue"),
    "dashboard-letters": _l("dashboard letters"),
    "deadlines": _l("list of deadlines"),
    "members": _l("list of members"),
}
FILTERS = ("action", "priority", "member", "actor", "start", "end")


def _day(params, field: str, errors: dict[str, str]) -> date | None:
    text = (params.get(field) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = _("Enter a real date (year-month-day).")
        return None


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_events(params) -> tuple[object, dict[str, str], dict[str, str]]:
    """(events, the filters as typed, {field: problem}). A reversed or unreadable date range
    is refused next to its field, and then nothing is listed."""
    filters = {k: (params.get(k) or "").strip()[:100] for k in FILTERS}
    errors: dict[str, str] = {}
    start, end = _day(params, "start", errors), _day(params, "end", errors)
    if start and end and end < start:
        errors["end"] = _("The end date is before the start date.")
    events = AuditEvent.objects.select_related("actor", "member")
    if errors:
        return events.none(), filters, errors
    if filters["action"] in Action.values:
        events = events.filter(action=filters["action"])
    if filters["priority"] in Priority.values:
        events = events.filter(priority=filters["priority"])
    if filters["member"]:
        events = events.filter(_member_q(filters["member"]))
    if filters["actor"]:
        events = events.filter(_actor_q(filters["actor"]))
    if start:
        events = events.filter(at__gte=_moment(start))
    if end:
        events = events.filter(at__lt=_moment(end + timedelta(days=1)))
    return events, filters, errors


def _member_q(text: str) -> Q:
    if text.isdigit():
        return Q(member_id=int(text))
    q = Q()
    for word in text.split():
        q &= (Q(member__legal_first_name__icontains=word)
              | Q(member__legal_last_name__icontains=word)
              | Q(member__preferred_name__icontains=word))
    return q


def _actor_q(text: str) -> Q:
    q = Q()
    for word in text.split():
        q &= (Q(actor__email__icontains=word) | Q(actor__first_name__icontains=word)
              | Q(actor__last_name__icontains=word))
    return q


def record_label(event: AuditEvent) -> str:
    """The record in words: its kind ("care plan") and number."""
    if not event.object_type:
        return ""
    try:
        kind = str(apps.get_model(event.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        kind = event.object_type
    if event.object_type.lower() == "members.member" and event.member is not None:
        return _("member record of %(name)s") % {"name": event.member}
    return f"{kind[:1].upper()}{kind[1:]} {event.object_id}".strip()


# How an export's filters are read out: the period first, then its bounds.
FILTER_ORDER = {key: n for n, key in enumerate(("period", "start", "end", "on", "rule",
                                                "status", "scope"))}


def what_label(event: AuditEvent) -> str:
    """What an export held, or the page a list event was shown on."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.action == Action.EXPORT and "table" in detail:
        filters = detail.get("filters") or {}
        table = EXPORTED_TABLES.get(detail["table"], detail["table"])
        text = _("Exported the %(table)s: %(rows)s rows") % {"table": table,
                                                             "rows": detail.get("rows", "?")}
        if any(filters.values()):
            # A fixed order: PostgreSQL's jsonb does not keep the order the keys were written.
            keys = sorted(filters, key=lambda k: (FILTER_ORDER.get(k, len(FILTER_ORDER)), k))
            text += "; " + _("filters: %(filters)s") % {"filters": ", ".join(
                f"{k} {filters[k]}" for k in keys if filters[k])}
        if detail.get("member_ids"):
            text += "; " + _("%(n)s members") % {"n": len(detail["member_ids"])}
        return text
    if detail.get("page"):
        return _("on the page %(page)s") % {"page": detail["page"]}
    return ""


@permission_required(VIEW_AUDIT)
def audit_log_view(request):
    events, filters, errors = filtered_events(request.GET)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = {e.member_id: e.member for e in page if e.member_id}
    audit_members_listed(members=shown.values(), actor=request.user,
                         detail={"page": "audit-log"})
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "audit/log.html", {
        "page": page, "filters": filters, "errors": errors, "query": query,
        "actions": Action.choices, "priorities": Priority.choices,
        "rows": [(e, str(e.actor.get_full_name() or e.actor.email) if e.actor else "",
                  record_label(e), what_label(e)) for e in page],
    }, status=400 if errors else 200)
