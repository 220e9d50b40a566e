"""The dashboard's reporting periods: a month, a quarter, a year or custom dates. Pure
functions over dates; the view reads the query string through ``period_from_query``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

KINDS = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year"),
         "custom": _("Custom dates")}
TREND_MONTHS = 12  # the trend chart shows at least this many months, ending with the period
MAX_TREND_MONTHS = 60
MAX_CUSTOM_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "quarter":
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def shifted(self, step: int) -> Period:
        """The previous (-1) or next (+1) period of the same kind."""
        if self.kind == "custom":
            length = (self.end - self.start).days + 1
            delta = timedelta(days=length * step)
            return Period("custom", self.start + delta, self.end + delta)
        return period_of(self.kind, self.start + relativedelta(months=_MONTHS[self.kind] * step))

    def query(self) -> dict[str, str]:
        """The query-string parameters that select this period."""
        if self.kind == "custom":
            return {"period": "custom", "start": self.start.isoformat(),
                    "end": self.end.isoformat()}
        return {"period": self.kind, "on": self.start.isoformat()}

    def months(self) -> list[date]:
        """First days of the months the trend chart shows: the period's months, and at least
        the ``TREND_MONTHS`` months that end with the period's last month."""
        last = self.end.replace(day=1)
        first = min(self.start.replace(day=1), last - relativedelta(months=TREND_MONTHS - 1))
        first = max(first, last - relativedelta(months=MAX_TREND_MONTHS - 1))
        out = []
        while first <= last:
            out.append(first)
            first += relativedelta(months=1)
        return out


_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_of(kind: str, on: date) -> Period:
    """The month, quarter or year that contains ``on``."""
    if kind == "month":
        start = on.replace(day=1)
    elif kind == "quarter":
        start = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    elif kind == "year":
        start = date(on.year, 1, 1)
    else:
        raise ValueError(kind)
    return Period(kind, start, start + relativedelta(months=_MONTHS[kind]) - timedelta(days=1))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def period_from_query(params, today: date) -> Period:
    """``?period=month|quarter|year&on=DATE`` (the period containing DATE, default today) or
    ``?period=custom&start=DATE&end=DATE``. Anything unreadable falls back to this month."""
    kind = params.get("period") or "month"
    if kind == "custom":
        start, end = _date(params.get("start")), _date(params.get("end"))
        if start and end and start <= end and (end - start).days <= MAX_CUSTOM_DAYS:
            return Period("custom", start, end)
        kind = "month"
    if kind not in _MONTHS:
        kind = "month"
    return period_of(kind, _date(params.get("on")) or today)
