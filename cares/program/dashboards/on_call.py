"""The 24/7 on-call line on the program dashboard (PS VI.B.1.b): per month of the chosen
period, the calls, the share of callers reached within the program's call-back target, and
the crisis calls and how many were escalated. One aggregated query (and one read of the
target).

How a call counts (the same as ``members.coverage.line.within_target``):

- answered live: within the target;
- called back at most ``target`` minutes after the call (exactly at the target included):
  within; later: not within;
- not called back yet: not within once the target has passed; before that it is *awaiting*
  and left out of the share (it is neither a success nor a failure yet).

Reading of "crises escalated": a call in the category "Medical crisis or emergency" whose
triage sent the member to the emergency department / 911, arranged an urgent visit, or
contacted the PCP or a specialist. Advice alone, a next-day call back, a DME supplier or
"other" is not an escalation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cares.program.dashboards.periods import Period
from members.coordination.models import CallCategory, OnCallCall, TriageDecision
from members.coverage.line import callback_target_minutes

ESCALATIONS = (TriageDecision.EMERGENCY, TriageDecision.URGENT_VISIT,
               TriageDecision.CONTACT_CLINICIAN)


@dataclass(frozen=True)
class OnCallMonth:
    month: date  # the first day
    calls: int = 0
    within: int = 0  # answered live or called back within the target
    awaiting: int = 0  # not called back yet, target not passed: left out of the share
    crisis: int = 0
    escalated: int = 0

    @property
    def decided(self) -> int:
        return self.calls - self.awaiting

    @property
    def share(self) -> float | None:
        """Percent of the decided calls reached within the target (``None``: no such call)."""
        return round(100 * self.within / self.decided, 1) if self.decided else None


@dataclass(frozen=True)
class OnCallSummary:
    target: int  # minutes
    months: list[OnCallMonth]
    total: OnCallMonth


def _bounds(period: Period) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (datetime.combine(period.start, time.min, tzinfo=zone),
            datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone))


def _months(period: Period) -> list[date]:
    month, last, out = period.start.replace(day=1), period.end.replace(day=1), []
    while month <= last:
        out.append(month)
        month += relativedelta(months=1)
    return out


def on_call_summary(period: Period, now: datetime | None = None,
                    target: int | None = None) -> OnCallSummary:
    """The line's calls in ``period``, month by month, as of ``now``."""
    now = now or timezone.now()
    target = target or callback_target_minutes()
    start, end = _bounds(period)
    limit = timedelta(minutes=target)
    crisis = Q(call_category=CallCategory.CRISIS)
    rows = (OnCallCall.objects.filter(called_at__gte=start, called_at__lt=end).order_by()
            .annotate(month=TruncMonth("called_at", output_field=DateField(),
                                       tzinfo=ZoneInfo(settings.TIME_ZONE)))
            .values("month")
            .annotate(calls=Count("pk"),
                      within=Count("pk", filter=Q(answered_live=True) | Q(
                          first_callback_at__lte=F("called_at") + limit)),
                      awaiting=Count("pk", filter=Q(answered_live=False,
                                                    first_callback_at__isnull=True,
                                                    called_at__gte=now - limit)),
                      crisis=Count("pk", filter=crisis),
                      escalated=Count("pk", filter=crisis & Q(triage_decision__in=ESCALATIONS))))
    found = {r.pop("month"): OnCallMonth(**r, month=date.min) for r in rows}
    months = [OnCallMonth(m, **_numbers(found.get(m))) for m in _months(period)]
    total = OnCallMonth(period.start, **{k: sum(_numbers(m)[k] for m in months)
                                         for k in _numbers(None)})
    return OnCallSummary(target, months, total)


def _numbers(row: OnCallMonth | None) -> dict[str, int]:
    keys = ("calls", "within", "awaiting", "crisis", "escalated")
    return {k: getattr(row, k) if row else 0 for k in keys}


def on_call_table(summary: OnCallSummary) -> tuple[list[str], list[list], list[int]]:
    """The rows the dashboard shows, for the CSV export."""
    header = ["month", "calls", "within_target", "awaiting_call_back", "share_within_percent",
              "target_minutes", "crisis_calls", "crisis_escalated"]
    rows = [[f"{m.month:%Y-%m}", m.calls, m.within, m.awaiting,
             "" if m.share is None else f"{m.share:.1f}", summary.target, m.crisis,
             m.escalated] for m in [*summary.months]]
    total = summary.total
    rows.append(["all", total.calls, total.within, total.awaiting,
                 "" if total.share is None else f"{total.share:.1f}", summary.target,
                 total.crisis, total.escalated])
    return header, rows, []
