"""The on-call line on the program dashboard (PS VI.B.1.b): per month, the calls, the share
reached within the call-back target (answered live counts; a call not called back yet counts
as not within once the target has passed, and awaits until then), crisis calls and how many
were escalated; in one aggregated query, also as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cares.base.staff.models import Program
from cares.program.dashboards.on_call import on_call_summary
from cares.program.dashboards.periods import Period
from members.coordination.models import OnCallCall
from tests.factories import ProgramFactory, enrolled_member

pytestmark = pytest.mark.django_db

QUARTER = Period("quarter", date(2026, 10, 1), date(2026, 12, 31))


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def call(member, called_at, *, live=False, back=None, category="medical_question",
         triage="advice") -> OnCallCall:
    return OnCallCall.objects.create(
        member=member, called_at=called_at, caller="Mother", call_category=category,
        summary="x", triage_decision=triage, answered_live=live,
        first_callback_at=called_at + timedelta(minutes=back) if back is not None else None)


@pytest.fixture
def member(coordinator):
    ProgramFactory(callback_target_minutes=30)
    return enrolled_member(coordinator)


def seed_october(member) -> None:
    call(member, at(2026, 10, 5, 12), live=True)  # within
    call(member, at(2026, 10, 6, 12), back=30)  # exactly at the target: within
    call(member, at(2026, 10, 7, 12), back=31)  # late
    call(member, at(2026, 10, 8, 12))  # never called back, target long passed: not within
    call(member, at(2026, 10, 9, 2), category="crisis", triage="emergency", live=True)
    call(member, at(2026, 10, 9, 3), category="crisis", triage="contact_clinician", back=10)
    call(member, at(2026, 10, 9, 4), category="crisis", triage="advice", back=5)
    # 23:30 on 31 October in Boston is already November in UTC: it counts for October.
    call(member, at(2026, 10, 31, 23, 30), back=45)


def test_the_monthly_share_and_escalations(member):
    seed_october(member)
    now = at(2026, 12, 1, 9)
    waiting = call(member, now - timedelta(minutes=10))  # target not passed yet: awaiting
    summary = on_call_summary(QUARTER, now=now)
    october, november, december = summary.months
    assert summary.target == 30
    assert (october.month, october.calls, october.within, october.awaiting) == (
        date(2026, 10, 1), 8, 5, 0)
    assert october.share == 62.5  # 5 of 8
    assert (october.crisis, october.escalated) == (3, 2)
    assert (november.calls, november.share) == (0, None)
    assert (december.calls, december.within, december.awaiting, december.share) == (1, 0, 1, None)
    assert (summary.total.calls, summary.total.within, summary.total.decided) == (9, 5, 8)
    # Once the target has passed, the call not called back counts as not within.
    later = on_call_summary(QUARTER, now=waiting.called_at + timedelta(minutes=31))
    assert (later.months[2].awaiting, later.months[2].share) == (0, 0.0)


def test_the_target_comes_from_program_settings(member):
    call(member, at(2026, 10, 6, 12), back=40)
    assert on_call_summary(QUARTER).months[0].within == 0
    Program.objects.update(callback_target_minutes=45)
    summary = on_call_summary(QUARTER)
    assert (summary.target, summary.months[0].within, summary.months[0].share) == (45, 1, 100.0)


def test_one_aggregated_query(member, django_assert_num_queries):
    seed_october(member)
    with django_assert_num_queries(2):  # the target, and the calls grouped by month
        on_call_summary(QUARTER)


def dashboard(client, query: str = "period=quarter&on=2026-10-01"):
    return client.get(f"/dashboard/?{query}")


def test_the_dashboard_shows_the_share_in_words_and_a_table(member, director_client):
    seed_october(member)
    page = dashboard(director_client).content.decode()
    assert "24/7 on-call line" in page
    assert "8 calls in the period" in page
    assert "62.5% reached within 30 minutes (5 of 8)" in page
    assert "3 crisis calls, 2 escalated" in page
    assert 'data-month="2026-10"' in page and "62.5%" in page
    response = dashboard(director_client, "period=quarter&on=2026-10-01&export=on_call")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()
                                       if response.streaming else response.content.decode())))
    assert rows[0][:5] == ["month", "calls", "within_target", "awaiting_call_back",
                           "share_within_percent"]
    assert ["2026-10", "8", "5", "0", "62.5", "30", "3", "2"] in rows


def test_the_dashboard_section_does_not_grow_with_the_calls(member, director_client):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert dashboard(director_client).status_code == 200
        return len(queries)

    call(member, at(2026, 10, 5, 12), live=True)
    few = count()
    seed_october(member)
    for day in range(1, 28):
        call(member, at(2026, 11, day, 12), back=day)
    assert count() == few
