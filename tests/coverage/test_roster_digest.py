"""The program director and senior care managers hear of a gap in the on-call roster in
their daily digest, even on a day without deadlines; at most once a day; nobody else does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cares.base.staff.models import Role
from cares.deadlines.reminders import send_reminders
from members.coverage import roster
from tests.coverage.test_roster import caller
from tests.factories import make_director, make_staff

pytestmark = pytest.mark.django_db


def test_leads_get_the_gaps_in_their_digest_once_a_day():
    director = make_director()
    manager = make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))
    ana = caller("Ana", "Silva")
    start, _end = roster.check_window()
    shift = roster.shift_add(staff=ana, starts_at=start, ends_at=start + timedelta(days=7))
    today = timezone.localdate()

    assert send_reminders(today=today)["digests"] == 2
    bodies = {m.to[0]: m for m in mail.outbox}
    assert set(bodies) == {director.user.email, manager.user.email}
    gap = roster.span_words(shift.ends_at, start + timedelta(days=30))
    for message in bodies.values():
        assert "program checks not met" in message.subject
        assert "24/7 on-call line covered for the next 30 days (PS VI.B.1.b)" in message.body
        assert gap in message.body

    assert send_reminders(today=today)["digests"] == 0  # claimed for the day
    assert len(mail.outbox) == 2
