"""Issue 15: an overdue follow-up after a discharge (reading 14) reaches the coordinator's
daily digest, and once it is overdue more than seven days the senior care managers hear of it,
as for every other rule."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cares.deadlines.models import Deadline
from cares.deadlines.reminders import send_reminders
from cares.deadlines.services import refresh_deadlines
from members.models import HospitalStay
from tests.factories import enrolled_member, make_staff

pytestmark = pytest.mark.django_db

LINE = "Follow-up after a hospital or ED discharge (PS VI.B.1.i)"


def mail_to(profile):
    return [m for m in mail.outbox if m.to == [profile.user.email]]


def stay(member, discharged):
    return HospitalStay.objects.create(member=member, setting="inpatient",
                                       admitted_on=discharged - timedelta(days=4),
                                       discharged_on=discharged)


def test_an_overdue_discharge_follow_up_is_in_the_digest_and_escalated():
    today = timezone.localdate()
    coordinator = make_staff("care_coordinator")
    manager = make_staff("senior_care_manager")
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=60))
    stay(member, today - timedelta(days=20))  # due 13 days ago, not followed up
    refresh_deadlines(as_of=today, member_ids=[member.pk])
    row = Deadline.objects.get(member=member, rule="discharge_follow_up")
    assert (row.status, row.due) == ("overdue", today - timedelta(days=13))

    assert send_reminders(today=today)["escalations"] == 1  # the manager (no director here)
    [digest] = mail_to(coordinator)
    line = f"- {row.due:%Y-%m-%d} Overdue: {LINE} — member record #{member.pk}"
    assert line in digest.body
    assert member.legal_last_name not in digest.body  # minimum necessary in e-mail
    [escalation] = [m for m in mail_to(manager) if "overdue more than" in m.subject]
    assert f"- {row.due:%Y-%m-%d}: {LINE} — member record #{member.pk}" in escalation.body
    assert member.legal_last_name not in escalation.body


def test_a_follow_up_overdue_a_few_days_is_in_the_digest_only():
    today = timezone.localdate()
    coordinator = make_staff("care_coordinator")
    manager = make_staff("senior_care_manager")
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=60))
    stay(member, today - timedelta(days=10))  # due 3 days ago
    followed = stay(member, today - timedelta(days=30))  # followed up in time
    followed.follow_up_on = today - timedelta(days=27)
    followed.save()
    refresh_deadlines(as_of=today, member_ids=[member.pk])

    assert Deadline.objects.filter(member=member, rule="discharge_follow_up").count() == 2
    send_reminders(today=today)
    [digest] = mail_to(coordinator)
    assert digest.body.count(LINE) == 1  # the one followed up is not asked for
    assert f"- {today - timedelta(days=3):%Y-%m-%d} Overdue: {LINE}" in digest.body
    assert all(LINE not in m.body for m in mail_to(manager))
