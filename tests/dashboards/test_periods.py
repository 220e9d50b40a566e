"""Reporting periods: pure date arithmetic."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from cares.program.dashboards.periods import Period, neighbour, period_from_query, period_of

TODAY = date(2026, 11, 23)


def q(text: str) -> QueryDict:
    return QueryDict(text)


def test_month_quarter_year_contain_the_date():
    assert period_of("month", TODAY) == Period("month", date(2026, 11, 1), date(2026, 11, 30))
    assert period_of("quarter", TODAY) == Period("quarter", date(2026, 10, 1),
                                                 date(2026, 12, 31))
    assert period_of("year", TODAY) == Period("year", date(2026, 1, 1), date(2026, 12, 31))
    assert period_of("month", date(2028, 2, 10)).end == date(2028, 2, 29)


def test_query_string_reads_the_period():
    assert period_from_query(q(""), TODAY) == (period_of("month", TODAY), {})
    assert period_from_query(q("period=quarter&on=2026-02-14"), TODAY)[0].start == \
        date(2026, 1, 1)
    assert period_from_query(q("period=custom&start=2026-03-05&end=2026-04-10"), TODAY) == \
        (Period("custom", date(2026, 3, 5), date(2026, 4, 10)), {})


@pytest.mark.parametrize(("query", "field", "words"), [
    # Issue 16: these raised 500s or were silently replaced by this month.
    ("period=year&on=0001-01-01", "on", "Pick a date from 2000-01-01 to 2099-12-31."),
    ("period=month&on=9999-12-01", "on", "Pick a date from"),
    ("period=month&on=yesterday", "on", "Enter a real date"),
    ("period=custom&start=2026-05-01&end=2026-04-01", "end", "before the start date"),
    ("period=custom&start=2020-01-01&end=2026-04-01", "end", "at most five years"),
    ("period=custom&start=x&end=2026-04-01", "start", "Enter a real date"),
    ("period=custom&end=2026-04-01", "start", "Enter a date."),
    ("period=custom&start=2026-04-01&end=9999-12-31", "end", "Pick a date from"),
    ("period=decade", "period", "Pick a month, a quarter"),
])
def test_unreadable_out_of_range_and_reversed_periods_are_refused(query, field, words):
    period, errors = period_from_query(q(query), TODAY)
    assert period is None
    assert words in errors[field]


def test_no_neighbour_outside_the_dates_reported_on():
    assert neighbour(period_of("month", date(2000, 1, 5)), -1) is None
    assert neighbour(period_of("year", date(2099, 6, 1)), 1) is None
    assert neighbour(period_of("month", TODAY), 1) == period_of("month", date(2026, 12, 1))


def test_previous_and_next():
    quarter = period_of("quarter", TODAY)
    assert quarter.shifted(-1) == period_of("quarter", date(2026, 7, 1))
    assert quarter.shifted(1) == period_of("quarter", date(2027, 1, 1))
    custom = Period("custom", date(2026, 3, 1), date(2026, 3, 10))
    assert custom.shifted(1) == Period("custom", date(2026, 3, 11), date(2026, 3, 20))
    assert period_from_query(q(urlencode(custom.query())), TODAY)[0] == custom
    assert period_from_query(q(urlencode(quarter.query())), TODAY)[0] == quarter


def test_trend_months_cover_at_least_a_year_ending_with_the_period():
    months = period_of("month", TODAY).months()
    assert len(months) == 12 and months[0] == date(2025, 12, 1) and months[-1] == date(2026, 11, 1)
    long = Period("custom", date(2023, 1, 15), date(2026, 6, 30)).months()
    assert long[0] == date(2023, 1, 1) and long[-1] == date(2026, 6, 1) and len(long) == 42
