"""The dashboard's reporting periods: a month, a quarter, a year or custom dates. Pure
functions over dates; the view reads the query string through ``period_from_query``, which
refuses what it cannot read (with a message per field) rather than replacing it."""

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


# Dates the dashboard reports on: wide enough for any program record, narrow enough that the
# previous and next periods and the trend's twelve months stay real dates.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def _read_date(params, field: str, errors: dict[str, str], *, required: bool) -> date | None:
    text = (params.get(field) or "").strip()
    if not text:
        if required:
            errors[field] = str(_("Enter a date."))
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors[field] = str(_("Enter a real date (year-month-day)."))
        return None
    if not EARLIEST <= value <= LATEST:
        errors[field] = str(_("Pick a date from {earliest} to {latest}.").format(
            earliest=EARLIEST.isoformat(), latest=LATEST.isoformat()))
        return None
    return value


def period_from_query(params, today: date) -> tuple[Period | None, dict[str, str]]:
    """``?period=month|quarter|year&on=DATE`` (the period containing DATE, default today) or
    ``?period=custom&start=DATE&end=DATE``: (the period, {}) or (None, {field: problem}).
    Unreadable, out-of-range or reversed dates are refused, never replaced."""
    kind = params.get("period") or "month"
    errors: dict[str, str] = {}
    if kind not in KINDS:
        return None, {"period": str(_("Pick a month, a quarter, a year or custom dates."))}
    if kind != "custom":
        on = _read_date(params, "on", errors, required=False)
        return (None, errors) if errors else (period_of(kind, on or today), {})
    start = _read_date(params, "start", errors, required=True)
    end = _read_date(params, "end", errors, required=True)
    if start and end and end < start:
        errors["end"] = str(_("The end date is before the start date."))
    elif start and end and (end - start).days > MAX_CUSTOM_DAYS:
        errors["end"] = str(_("Custom dates span at most five years."))
    return (None, errors) if errors else (Period("custom", start, end), {})


def neighbour(period: Period, step: int) -> Period | None:
    """The previous (-1) or next (+1) period, if it lies within the dates reported on."""
    try:
        shifted = period.shifted(step)
    except (ValueError, OverflowError):
        return None
    return shifted if shifted.start >= EARLIEST and shifted.end <= LATEST else None
