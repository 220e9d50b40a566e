"""Reporting periods: pure date arithmetic."""

from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict

from cares.program.dashboards.periods import Period, period_from_query, period_of

TODAY = date(2026, 11, 23)


def q(text: str) -> QueryDict:
    return QueryDict(text)


def test_month_quarter_year_contain_the_date():
    assert period_of("month", TODAY) == Period("month", date(2026, 11, 1), date(2026, 11, 30))
    assert period_of("quarter", TODAY) == Period("quarter", date(2026, 10, 1),
                                                 date(2026, 12, 31))
    assert period_of("year", TODAY) == Period("year", date(2026, 1, 1), date(2026, 12, 31))
    assert period_of("month", date(2028, 2, 10)).end == date(2028, 2, 29)


def test_query_string_and_fallbacks():
    assert period_from_query(q(""), TODAY) == period_of("month", TODAY)
    assert period_from_query(q("period=quarter&on=2026-02-14"), TODAY).start == date(2026, 1, 1)
    assert period_from_query(q("period=custom&start=2026-03-05&end=2026-04-10"), TODAY) == \
        Period("custom", date(2026, 3, 5), date(2026, 4, 10))
    # Unreadable or reversed custom dates, unknown kinds: this month.
    for bad in ("period=custom&start=2026-05-01&end=2026-04-01", "period=custom&start=x",
                "period=decade", "period=month&on=yesterday"):
        assert period_from_query(q(bad), TODAY) == period_of("month", TODAY), bad


def test_previous_and_next():
    quarter = period_of("quarter", TODAY)
    assert quarter.shifted(-1) == period_of("quarter", date(2026, 7, 1))
    assert quarter.shifted(1) == period_of("quarter", date(2027, 1, 1))
    custom = Period("custom", date(2026, 3, 1), date(2026, 3, 10))
    assert custom.shifted(1) == Period("custom", date(2026, 3, 11), date(2026, 3, 20))
    assert period_from_query(q(urlencode(custom.query())), TODAY) == custom
    assert period_from_query(q(urlencode(quarter.query())), TODAY) == quarter


def test_trend_months_cover_at_least_a_year_ending_with_the_period():
    months = period_of("month", TODAY).months()
    assert len(months) == 12 and months[0] == date(2025, 12, 1) and months[-1] == date(2026, 11, 1)
    long = Period("custom", date(2023, 1, 15), date(2026, 6, 30)).months()
    assert long[0] == date(2023, 1, 1) and long[-1] == date(2026, 6, 1) and len(long) == 42
