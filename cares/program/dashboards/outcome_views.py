"""The lists behind the outcomes section of the program dashboard (PS VII.B, issue 18): the
hospital stays counted, the ICP goals counted and the members counted for regular contact.

Each takes the period from the query like the dashboard (``period_from_query``; a period it
cannot read is refused with a 400, nothing listed), is paginated, records one audit LIST
event per member shown and exports to CSV with ``?export=1`` (audited, ``csv_export``). What
is counted is defined once, in ``outcomes``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from careplans.models import GoalAchievement
from cares.base.access import VIEW_ALL_MEMBERS, VIEW_PROGRAM_DASHBOARD, may, permission_required
from cares.base.audit.services import audit_members_listed
from cares.base.exports import csv_export
from cares.deadlines.rules import LATE, MET
from cares.program.dashboards import outcomes
from cares.program.dashboards.periods import Period, period_from_query
from members.access import visible_members
from members.coordination.models import StaySetting
from members.models import Member

PAGE_SIZE = 50
# ?result= on the goals list: which goals (the default: every goal counted).
GOAL_RESULTS = {
    "met": (outcomes.GOAL_MET,),
    "not_met": (outcomes.GOAL_NOT_MET, outcomes.GOAL_UNRECORDED),
    "unrecorded": (outcomes.GOAL_UNRECORDED,),
    "left_out": (outcomes.GOAL_LEFT_OUT,),
}


def _visible(request, qs, member_field: str):
    """Those who do not see every member see only theirs."""
    if may(request.user, VIEW_ALL_MEMBERS):
        return qs
    return qs.filter(**{f"{member_field}__in": visible_members(request.user).values("pk")})


def _choice(request, name: str, allowed) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


def _refused(request, template: str, errors: dict[str, str]):
    return render(request, template, {"errors": list(errors.values())}, status=400)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _context(period: Period, today, page, **filters) -> dict:
    query = {**period.query(), **{k: v for k, v in filters.items() if v}}
    return {"period": period, "through": outcomes.through(period, today), "page": page,
            "query": urlencode(query), "period_query": urlencode(period.query()),
            **filters}


def _export(request, table: str, period: Period, header, rows, member_ids, **filters):
    return csv_export(request, table=f"dashboard-outcomes-{table}", header=header, rows=rows,
                      member_ids=member_ids, filters={
                          "period": period.kind, "start": period.start.isoformat(),
                          "end": period.end.isoformat(), **{k: v for k, v in filters.items()
                                                            if v}})


# --- Hospital stays -----------------------------------------------------------------------------

@permission_required(VIEW_PROGRAM_DASHBOARD)
@require_GET
def stays_view(request):
    """The ED visits and inpatient admissions the rates count (``?setting=`` one of them)."""
    today = timezone.localdate()
    period, errors = period_from_query(request.GET, today)
    if errors:
        return _refused(request, "dashboards/outcome_stays.html", errors)
    setting = _choice(request, "setting", StaySetting.values)
    qs = _visible(request, outcomes.counted_stays(period, today, setting), "member") \
        .select_related("member", "facility").order_by("admitted_on", "pk")
    if request.GET.get("export"):
        rows = [[s.member_id, str(s.member), s.get_setting_display(), s.admitted_on,
                 s.discharged_on, str(s.facility or "")] for s in qs]
        return _export(request, "stays", period,
                       ["member_id", "member", "setting", "admitted_on", "discharged_on",
                        "facility"], rows, [r[0] for r in rows], setting=setting)
    page = _page(request, qs)
    audit_members_listed(members={s.member_id: s.member for s in page}.values(),
                         actor=request.user, detail={"page": "dashboard-outcome-stays"})
    return render(request, "dashboards/outcome_stays.html", {
        **_context(period, today, page, setting=setting),
        "setting_label": StaySetting(setting).label if setting else "",
        "member_months": outcomes.member_months(period, today),
    })


# --- Goals --------------------------------------------------------------------------------------

def goal_outcome_words(goal) -> str:
    """What became of a counted goal, in words."""
    outcome = getattr(goal, "outcome", None)
    if outcome is None:
        return _("No outcome recorded (counts as not met)")
    if outcome.achievement == GoalAchievement.MET:
        on = outcome.achieved_on.isoformat()
        if outcome.achieved_on <= goal.target_date:
            return _("Met on %(date)s, by the target date") % {"date": on}
        return _("Met on %(date)s, after the target date (not met at target)") % {"date": on}
    if outcome.achievement == GoalAchievement.NO_LONGER_RELEVANT:
        return _("No longer relevant (left out)")
    return _("%(outcome)s (assessed on %(date)s)") % {
        "outcome": outcome.get_achievement_display(), "date": outcome.assessed_on.isoformat()}


@permission_required(VIEW_PROGRAM_DASHBOARD)
@require_GET
def goals_view(request):
    """The ICP goals counted (``?result=met|not_met|unrecorded``), or those left out as no
    longer relevant (``?result=left_out``)."""
    today = timezone.localdate()
    period, errors = period_from_query(request.GET, today)
    if errors:
        return _refused(request, "dashboards/outcome_goals.html", errors)
    result = _choice(request, "result", GOAL_RESULTS)
    qs = outcomes.goals_in_force(period, today)
    qs = qs.filter(result__in=GOAL_RESULTS[result]) if result else \
        qs.exclude(result=outcomes.GOAL_LEFT_OUT)
    qs = _visible(request, qs, "plan__member").select_related(
        "plan__member", "outcome").order_by("target_date", "plan__member_id", "pk")
    if request.GET.get("export"):
        rows = [[g.plan.member_id, str(g.plan.member), g.plan.version, g.get_kind_display(),
                 g.description, g.target_date, goal_outcome_words(g),
                 g.outcome.achieved_on if hasattr(g, "outcome") else None] for g in qs]
        return _export(request, "goals", period,
                       ["member_id", "member", "icp_version", "kind", "goal", "target_date",
                        "outcome", "met_on"], rows, [r[0] for r in rows], result=result)
    page = _page(request, qs)
    audit_members_listed(members={g.plan.member_id: g.plan.member for g in page}.values(),
                         actor=request.user, detail={"page": "dashboard-outcome-goals"})
    return render(request, "dashboards/outcome_goals.html", {
        **_context(period, today, page, result=result),
        "rows": [(g, goal_outcome_words(g)) for g in page],
    })


# --- Regular contact ----------------------------------------------------------------------------

@permission_required(VIEW_PROGRAM_DASHBOARD)
@require_GET
def contacts_view(request):
    """The members counted for regular contact, with their cycles met on time and not
    (``?result=met``: every cycle met; ``not_met``: at least one not)."""
    today = timezone.localdate()
    period, errors = period_from_query(request.GET, today)
    if errors:
        return _refused(request, "dashboards/outcome_contacts.html", errors)
    result = _choice(request, "result", ("met", "not_met"))
    qs = (_visible(request, outcomes.contact_cycles(period, today), "member")
          .order_by("member__legal_last_name", "member__legal_first_name", "member_id")
          .values("member_id").annotate(cycles=Count("pk"), met=Count("pk", filter=Q(status=MET)),
                                        late=Count("pk", filter=Q(status=LATE))))
    if result == "met":
        qs = qs.filter(met=F("cycles"))
    elif result == "not_met":
        qs = qs.filter(met__lt=F("cycles"))
    if request.GET.get("export"):
        rows = list(qs)
        names = Member.objects.in_bulk([r["member_id"] for r in rows])
        return _export(request, "contacts", period,
                       ["member_id", "member", "cycles_decided", "met_on_time", "late",
                        "overdue", "every_interval"],
                       [_contact_row(r, names.get(r["member_id"])) for r in rows],
                       [r["member_id"] for r in rows], result=result)
    page = _page(request, qs)
    members = Member.objects.in_bulk([r["member_id"] for r in page])
    audit_members_listed(members=members.values(), actor=request.user,
                         detail={"page": "dashboard-outcome-contacts"})
    return render(request, "dashboards/outcome_contacts.html", {
        **_context(period, today, page, result=result),
        "rows": [(members[r["member_id"]], r, r["cycles"] - r["met"] - r["late"])
                 for r in page],
    })


def _contact_row(r: dict, member) -> list:
    return [r["member_id"], str(member or ""), r["cycles"], r["met"], r["late"],
            r["cycles"] - r["met"] - r["late"], "yes" if r["met"] == r["cycles"] else "no"]
