"""The business calendar: Monday to Friday, less Massachusetts state holidays (``holidays``,
subdivision MA). Used by the business-day rules (CLR and PS IV.A.2) only."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _massachusetts(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", subdiv="MA", years=year)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _massachusetts(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (``start`` itself never counts)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current
