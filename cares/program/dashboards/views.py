"""The worklist, the program dashboard and the lists behind its numbers.

Thin: the selectors aggregate in the database with a fixed number of queries; every table
exports to CSV with ``?export=<table>`` (audited, ``exports.csv_export``); list pages record
one audit event per member shown, like the caseload.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cares.base.access import (
    MANAGE_STAFF,
    VIEW_ALL_MEMBERS,
    VIEW_PROGRAM_DASHBOARD,
    VIEW_WORKLIST,
    may,
    permission_required,
)
from cares.base.audit.services import audit_members_listed
from cares.base.exports import csv_export
from cares.deadlines.rules import OVERDUE, RULES, STATUSES
from cares.deadlines.statuses import AGES, COLUMNS, DUE_SOON_DAYS, LABELS
from cares.program.dashboards import selectors, tables, worklist
from cares.program.dashboards.on_call import on_call_summary, on_call_table
from cares.program.dashboards.outcomes import outcomes_summary, outcomes_table
from cares.program.dashboards.periods import KINDS, Period, neighbour, period_from_query
from cares.program.dashboards.staffing import staff_summary
from members.access import visible_members
from members.coverage.checks import coverage_checks
from members.models import RENEWAL_LOOKAHEAD_DAYS, EpisodeStatus
from members.quality import grievances, requests, surveys
from members.selectors import status_label
from notices.models import LetterKind

PAGE_SIZE = 50
# PS VII sections (issue 18): export name -> (summary, table).
QUALITY_EXPORTS = {
    "requests": (requests.request_summary, requests.request_table),
    "grievances": (grievances.grievance_summary, grievances.grievance_table),
    "surveys": (surveys.survey_summary, surveys.survey_table),
    "outcomes": (outcomes_summary, outcomes_table),
}


@cache
def _path(name: str) -> str:
    return reverse(name)


def _url(name: str, **params) -> str:
    """A drill-down link (thousands on a large program's dashboard: the path is reversed
    once)."""
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"{_path(name)}?{query}" if query else _path(name)


def _export(request, table: str, made: tables.Table, filters: dict | None = None):
    header, rows, member_ids = made
    return csv_export(request, table=table, header=header, rows=rows, filters=filters,
                      member_ids=member_ids)


# --- Worklist -----------------------------------------------------------------------------------

SECTION_TITLES = {"overdue": gettext_lazy("Overdue"),
                  "week": format_lazy(gettext_lazy("Due within {days} days"), days=DUE_SOON_DAYS),
                  "month": gettext_lazy("Due within 30 days")}


@permission_required(VIEW_WORKLIST)
@require_GET
def worklist_view(request):
    today = timezone.localdate()
    user = request.user
    export = request.GET.get("export")
    if export:
        return _worklist_export(request, export, today)
    mine = worklist.caseload_of(user)  # whom the sections are about, read once
    sections, counts = worklist.deadline_sections(user, today, caseload=mine)
    referrals = worklist.referrals_waiting(user, today, caseload=mine)
    birthdays = worklist.birthdays_soon(user, today, caseload=mine)
    releases = worklist.releases_expiring(user, today, caseload=mine)
    renewals = worklist.renewals_due(user, today, caseload=mine)
    in_hospital, reassessments = worklist.hospital_sections(user, today, caseload=mine)
    review_requests = worklist.review_requests_due(user, today)
    shown = {i.deadline.member_id for items in sections.values() for i in items}
    shown |= {i.stay.member_id for i in in_hospital} | {i.stay.member_id for i in reassessments}
    shown |= {i.referral.member_id for i in referrals} | {b.member.pk for b in birthdays}
    shown |= {r.member_id for r in releases} | {r.member.pk for r in renewals}
    shown.discard(None)  # the user's own (training) deadlines
    audit_members_listed(members=sorted(shown), actor=user, detail={"page": "worklist"})
    return render(request, "dashboards/worklist.html", {
        "today": today, "limit": worklist.LIMIT,
        "sections": [(key, SECTION_TITLES[key], sections[key], counts[key])
                     for key in worklist.SECTIONS],
        "referrals": referrals, "birthdays": birthdays, "releases": releases,
        "renewals": renewals, "renewal_days": RENEWAL_LOOKAHEAD_DAYS,
        "in_hospital": in_hospital, "reassessments": reassessments,
        "counts": counts, "due_soon_days": DUE_SOON_DAYS, "review_requests": review_requests,
    })


def _worklist_export(request, export: str, today: date):
    user = request.user
    if export == "deadlines":
        made = tables.worklist_deadlines_table(
            worklist.deadline_sections(user, today, limit=None)[0])
    elif export == "referrals":
        made = tables.referrals_table(worklist.referrals_waiting(user, today, limit=None))
    elif export == "birthdays":
        made = tables.birthdays_table(worklist.birthdays_soon(user, today, limit=None))
    elif export == "releases":
        made = tables.releases_table(worklist.releases_expiring(user, today, limit=None))
    elif export == "renewals":
        made = tables.renewals_table(worklist.renewals_due(user, today, limit=None))
    else:
        raise Http404
    return _export(request, f"worklist-{export}", made)


# --- Program dashboard --------------------------------------------------------------------------

def _rule_links(period: Period, rule: str) -> dict[str, str]:
    base = {"rule": rule, "start": period.start.isoformat(), "end": period.end.isoformat()}
    links = {"total": _url("dashboards:deadlines", **base)}
    links.update({s: _url("dashboards:deadlines", **base, status=s) for s in COLUMNS})
    return links


def _chart(period: Period, trend: list[selectors.MonthRow]) -> dict:
    """The trend chart's data (rendered with json_script; static/js/dashboard-trend.js)."""
    def month_end(m: date) -> date:
        nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)

    return {
        "names": {"met": _("Met"), "late": _("Late"), "overdue": _("Overdue"),
                  "open": _("Open"), "excepted": _("Excepted"), "rate": _("On time (%)")},
        "labels": [f"{r.month:%Y-%m}" for r in trend],
        "series": {s: [getattr(r.counts, s) for r in trend] for s in COLUMNS},
        "rate": [r.counts.on_time_rate for r in trend],
        "links": {s: [_url("dashboards:deadlines", status=s, start=r.month.isoformat(),
                           end=min(month_end(r.month), period.end).isoformat())
                      for r in trend] for s in COLUMNS},
    }


PROGRAM_TABLES = ("compliance", "trend", "overdue", "caseload", "checks", "staff", "licences",
                  "training", "letters", "on_call")


@permission_required(VIEW_PROGRAM_DASHBOARD)
@require_GET
def program_view(request):
    today = timezone.localdate()
    period, errors = period_from_query(request.GET, today)
    if errors:
        return _period_refused(request, today, errors)
    export = request.GET.get("export")
    if export:
        return _program_export(request, export, period, today)
    rules, total = selectors.compliance_by_rule(period, today)
    trend = selectors.trend_by_month(period, today)
    overdue = selectors.overdue_by_rule(today)
    caseloads = selectors.caseloads(today)
    staff = staff_summary(today)
    states = selectors.caseload_states()
    query = urlencode(period.query())
    return render(request, "dashboards/program.html", {
        "today": today, "period": period, "kinds": KINDS.items(), "query": query,
        "fields": _period_fields(period),
        "licence_window_days": settings.CARES_LICENSE_EXPIRY_WARNING_DAYS,
        "previous": _neighbour_query(period, -1), "next": _neighbour_query(period, 1),
        "rules": [(r, _rule_links(period, r.rule)) for r in rules], "total": total,
        "total_links": {s: _url("dashboards:deadlines", status=s,
                                start=period.start.isoformat(), end=period.end.isoformat())
                        for s in ("total", *COLUMNS)},
        "columns": COLUMNS, "trend": trend, "chart": _chart(period, trend),
        "overdue": [(r, [(a, r.by_age[a], _url("dashboards:deadlines", status=OVERDUE,
                                                 rule=r.rule, age=a)) for a in AGES],
                     _url("dashboards:deadlines", status=OVERDUE, rule=r.rule))
                    for r in overdue],
        "overdue_total": sum(r.total for r in overdue), "ages": list(AGES),
        "overdue_filter": {"staff": [(s.staff.pk, str(s.staff)) for s in caseloads],
                           "rules": [(k, r.title) for k, r in RULES.items()]},
        "states": states,
        "caseloads": _caseload_rows(caseloads, states),
        "checks": [*staff.checks, *coverage_checks()], "staff": staff,
        "on_call": on_call_summary(period),
        # PS VII (issue 18): each part's own section (None: the section is not shown).
        "review_requests": requests.request_summary(period, today),
        "grievances": grievances.grievance_summary(period, today),
        "surveys": surveys.survey_summary(period, today),
        "outcomes": outcomes_summary(period, today),
        "letters": [(r, _url("dashboards:members", letter=r.kind, letter_state="draft"),
                     _url("dashboards:members", letter=r.kind, letter_state="sent",
                          start=period.start.isoformat(), end=period.end.isoformat()),
                     _url("dashboards:deadlines", status=OVERDUE, rule=r.rule))
                    for r in selectors.letters_summary(period, overdue)],
    })


def _caseload_rows(caseloads: list[selectors.CaseloadRow], states: list[tuple[str, str]]):
    """Each caseload row with its cells ``(n, link)`` by state (no link for 0), the link to
    all its members and to its overdue deadlines. A row per coordinator, a cell per state:
    each link is the staff member's query joined to the state's, encoded once."""
    members, deadlines = _path("dashboards:members"), _path("dashboards:deadlines")
    overdue = f"{deadlines}?{urlencode({'status': OVERDUE})}"
    by_state = [(s, urlencode({"state": s})) for s, _label in states]
    rows = []
    for c in caseloads:
        staff = urlencode({"staff": c.staff.pk})
        cells = [(n, f"{members}?{staff}&{state}" if n else "")
                 for s, state in by_state for n in (c.by_state.get(s, 0),)]
        rows.append((c, cells, f"{members}?{staff}",
                     f"{overdue}&{staff}"))
    return rows


def _period_fields(period: Period) -> dict[str, str]:
    custom = period.kind == "custom"
    return {"period": period.kind, "on": period.start.isoformat(),
            "start": period.start.isoformat() if custom else "",
            "end": period.end.isoformat() if custom else ""}


def _neighbour_query(period: Period, step: int) -> str:
    shifted = neighbour(period, step)
    return urlencode(shifted.query()) if shifted else ""


def _period_refused(request, today: date, errors: dict[str, str]):
    """The period form again, as typed, each problem next to its field; no numbers are shown
    for a period that was not asked for (and nothing is exported)."""
    fields = {k: (request.GET.get(k) or "").strip()[:40] for k in ("period", "on", "start", "end")}
    return render(request, "dashboards/program.html", {
        "today": today, "kinds": KINDS.items(), "fields": fields, "errors": errors,
    }, status=400)


def _program_export(request, export: str, period: Period, today: date):
    filters = {"period": period.kind, "start": period.start.isoformat(),
               "end": period.end.isoformat()}
    if export == "compliance":
        made = tables.compliance_table(period, *selectors.compliance_by_rule(period, today))
    elif export == "trend":
        made = tables.trend_table(selectors.trend_by_month(period, today))
    elif export == "overdue":
        made = tables.overdue_summary_table(selectors.overdue_by_rule(today))
    elif export == "caseload":
        made = tables.caseload_table(selectors.caseloads(today))
    elif export == "checks":
        made = tables.checks_table([*staff_summary(today).checks, *coverage_checks()])
    elif export in ("staff", "licences", "training"):
        summary = staff_summary(today)
        made = {"staff": tables.staff_table, "licences": tables.licences_table,
                "training": tables.training_table}[export](summary)
    elif export == "on_call":
        made = on_call_table(on_call_summary(period))
    elif export in QUALITY_EXPORTS:
        summary_of, table_of = QUALITY_EXPORTS[export]
        made = table_of(summary_of(period, today))
    elif export == "letters":
        made = tables.letters_table(period, selectors.letters_summary(
            period, selectors.overdue_by_rule(today)))
    else:
        raise Http404
    return _export(request, f"dashboard-{export}", made, filters)


# --- Drill-down ---------------------------------------------------------------------------------

def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    return int(text) if (text or "").isdigit() else None


def deadline_filter(params) -> selectors.DeadlineFilter:
    rule = params.get("rule", "")
    status = params.get("status", "")
    age = params.get("age", "")
    return selectors.DeadlineFilter(
        rule=rule if rule in RULES else "", status=status if status in STATUSES else "",
        start=_date(params.get("start")), end=_date(params.get("end")),
        staff=_int(params.get("staff")), age=age if age in AGES else "")


def _visible(request, qs, field: str = "member"):
    """Those who do not see every member see only theirs (and staff deadlines)."""
    if may(request.user, VIEW_ALL_MEMBERS):
        return qs
    visible = visible_members(request.user).values("pk")
    if field == "pk":
        return qs.filter(pk__in=visible)
    return qs.filter(Q(member__in=visible) | Q(member__isnull=True))


@permission_required(VIEW_PROGRAM_DASHBOARD)
@require_GET
def deadlines_view(request):
    """The deadlines behind a number of the dashboard (and the filterable overdue list)."""
    today = timezone.localdate()
    f = deadline_filter(request.GET)
    qs = _visible(request, selectors.deadline_list(f, today))
    if request.GET.get("export"):
        return _export(request, "deadlines", tables.deadline_rows_table(qs), f.query())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = {d.member_id: d.member for d in page if d.member_id}
    audit_members_listed(members=shown.values(), actor=request.user,
                         detail={"page": "dashboard-deadlines"})
    caseload_staff = selectors.caseload_staff()
    return render(request, "dashboards/deadlines.html", {
        "today": today, "filter": f, "page": page, "query": urlencode(f.query()),
        "rules": [(k, r.title) for k, r in RULES.items()],
        "statuses": [(s, LABELS[s]) for s in COLUMNS],
        "status_label": LABELS.get(f.status, ""),
        "ages": list(AGES), "staff": [(s.pk, str(s)) for s in caseload_staff],
        "staff_name": next((str(s) for s in caseload_staff if s.pk == f.staff), ""),
        "rule_title": RULES[f.rule].title if f.rule else "",
        "may_manage_staff": may(request.user, MANAGE_STAFF),
        "rows": [(d, LABELS[d.status_today],
                  (today - d.due).days if d.status_today == OVERDUE else None,
                  status_label(d.episode_status) if d.member_id else "")
                 for d in page],
    })


def member_filter(params) -> selectors.MemberFilter:
    state = params.get("state", "")
    letter = params.get("letter", "")
    letter_state = params.get("letter_state", "")
    return selectors.MemberFilter(
        staff=_int(params.get("staff")),
        state=state if state in EpisodeStatus.values else "",
        letter=letter if letter in LetterKind.values else "",
        letter_state=letter_state if letter_state in ("draft", "sent") else "",
        start=_date(params.get("start")), end=_date(params.get("end")))


@permission_required(VIEW_PROGRAM_DASHBOARD)
@require_GET
def members_view(request):
    """The members behind a caseload or letters number."""
    f = member_filter(request.GET)
    qs = _visible(request, selectors.member_list(f), "pk")
    if request.GET.get("export"):
        return _export(request, "members", tables.member_rows_table(qs), f.query())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_members_listed(members=page.object_list, actor=request.user,
                         detail={"page": "dashboard-members"})
    staff = next((s for s in selectors.caseload_staff() if s.pk == f.staff), None) \
        if f.staff else None  # its name for the heading
    return render(request, "dashboards/members.html", {
        "filter": f, "page": page, "query": urlencode(f.query()), "staff": staff,
        "state_label": EpisodeStatus(f.state).label if f.state else "",
        "letter_label": LetterKind(f.letter).label if f.letter else "",
        "rows": [(m, status_label(m.episode_status)) for m in page],
    })
