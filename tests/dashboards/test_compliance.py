"""The dashboard's numbers equal ``compliance_report`` for the same period.

The reading (cares/program/dashboards/selectors.py): a period's deadlines are those **due** in the
period, with their status **today**. ``compliance_report(as_of=today)`` lists every deadline
existing today with its status today; filtered to the due dates of the period and counted by
rule and status, it must give exactly the dashboard's table, which the dashboard computes in
the database from the stored rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cares.deadlines.models import Deadline
from cares.deadlines.rules import OPEN, OVERDUE
from cares.deadlines.services import compliance_report, refresh_deadlines
from cares.deadlines.statuses import COLUMNS
from cares.program.dashboards.periods import Period, period_of
from cares.program.dashboards.selectors import compliance_by_rule, trend_by_month
from tests.factories import enrolled_member, make_staff

pytestmark = pytest.mark.django_db


def report_counts(report: dict, period: Period) -> Counter:
    return Counter((d["rule"], d["status"]) for d in report["deadlines"]
                   if period.start <= date.fromisoformat(d["due"]) <= period.end)


def dashboard_counts(period: Period, today: date) -> Counter:
    rows, total = compliance_by_rule(period, today)
    counts = Counter()
    for row in rows:
        for status in COLUMNS:
            if getattr(row.counts, status):
                counts[(row.rule, status)] = getattr(row.counts, status)
        assert row.counts.total == sum(getattr(row.counts, s) for s in COLUMNS)
    assert total.total == sum(counts.values())
    return counts


def periods(today: date) -> list[Period]:
    return [period_of("month", today), period_of("quarter", today), period_of("year", today),
            period_of("year", today.replace(year=today.year - 1)),
            period_of("month", today - timedelta(days=200)),
            Period("custom", date(2000, 1, 1), today + timedelta(days=400))]


def test_dashboard_equals_the_report_for_every_kind_of_period(program):
    today = timezone.localdate()
    report = compliance_report(today)
    assert len(report["deadlines"]) > 300  # a varied program, not an empty one
    statuses = {d["status"] for d in report["deadlines"]}
    assert statuses == {"met", "late", "open", "overdue", "excepted"}
    for period in periods(today):
        assert dashboard_counts(period, today) == report_counts(report, period), period


def test_the_trend_adds_up_to_the_same_numbers(program):
    today = timezone.localdate()
    period = period_of("year", today)
    report = compliance_report(today)
    trend = trend_by_month(period, today)
    assert [m.month for m in trend] == [date(today.year, n, 1) for n in range(1, 13)]
    for row in trend:
        month = Period("custom", row.month,
                       (row.month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        expected = report_counts(report, month)
        assert row.counts.total == sum(expected.values())
        for status in COLUMNS:
            assert getattr(row.counts, status) == sum(
                n for (_rule, s), n in expected.items() if s == status), (row.month, status)


def test_an_open_row_whose_due_date_passed_counts_as_overdue_until_the_sweep():
    """Stored rows are recomputed nightly; in between, an open deadline past its due date is
    overdue today, as the report says."""
    today = timezone.localdate()
    member = enrolled_member(make_staff("care_coordinator"),
                             referral_date=today - timedelta(days=31))
    refresh_deadlines(as_of=today - timedelta(days=2), member_ids=[member.pk])
    letter = Deadline.objects.get(member=member, rule="enrollment_letter")
    assert letter.status == OPEN and letter.due == today - timedelta(days=1)
    period = Period("custom", today - timedelta(days=90), today + timedelta(days=90))
    counts = dashboard_counts(period, today)
    assert counts[("enrollment_letter", OVERDUE)] == 1
    assert counts == report_counts(compliance_report(today), period)


def test_on_time_rate():
    today = timezone.localdate()
    rows, total = compliance_by_rule(period_of("month", today), today)
    assert rows == [] and total.on_time_rate is None
