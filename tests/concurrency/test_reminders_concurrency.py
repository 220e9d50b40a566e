"""Issue 13, proven on PostgreSQL: eight reminder runs at once send each digest once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from cares.deadlines import reminders
from cares.deadlines.models import Deadline, ReminderDigest
from cares.deadlines.reminders import send_reminders
from tests.concurrency.race import failures, postgres_only, race
from tests.factories import make_staff

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 9, 15)


def training(staff, *, due, status="open"):
    return Deadline.objects.create(
        staff=staff, subject_key=f"s{staff.pk}", rule="staff_annual_training", cycle_key="1",
        start=due - timedelta(days=365), due=due, status=status,
        computed_on=min(due, TODAY) - timedelta(days=1))


def test_eight_reminder_runs_at_once_send_each_email_once(monkeypatch):
    # The around-the-clock checks (tests/coverage/test_roster_digest.py) are not counted here.
    monkeypatch.setattr(reminders, "_failing_checks", lambda today: [])
    alice, bob = make_staff("care_coordinator"), make_staff("care_coordinator")
    director = make_staff("program_director")
    training(alice, due=TODAY + timedelta(days=3))
    training(bob, due=TODAY - timedelta(days=20), status="overdue")

    results = race(lambda: send_reminders(today=TODAY), n=8)
    assert failures(results) == []
    assert sum(r["digests"] for r in results) == 2  # alice and bob, once each
    assert sum(r["escalations"] for r in results) == 1  # the director, once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [alice.user.email, bob.user.email, director.user.email])
    assert ReminderDigest.objects.filter(day=TODAY).count() == 3
