"""Reminders lose nothing when sending fails (the claim rolls back, the rerun sends only the
missing e-mails) and escalate from the status on today, not only the swept one."""

import smtplib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from cares.deadlines.models import Deadline, ReminderDigest
from cares.deadlines.reminders import RemindersIncomplete, send_reminders
from cares.deadlines.tasks import send_reminders_task
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

TODAY = date(2026, 9, 15)
BACKEND = f"{__name__}.FlakyBackend"


class FlakyBackend(EmailBackend):
    """In-memory e-mail that fails (as SMTP does) for the addresses in ``fail_for``, once."""

    fail_for: set[str] = set()

    def send_messages(self, messages):
        for m in messages:
            hit = FlakyBackend.fail_for & set(m.to)
            if hit:
                FlakyBackend.fail_for -= hit
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(hit, (451, b"try later")))
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = BACKEND
    FlakyBackend.fail_for = set()
    yield FlakyBackend
    FlakyBackend.fail_for = set()


def training(staff, *, due, status="open", cycle="1"):
    """A staff deadline as the sweep stored it on ``computed_on`` (before ``due``)."""
    return Deadline.objects.create(
        staff=staff, subject_key=f"s{staff.pk}", rule="staff_annual_training",
        cycle_key=cycle, start=due - timedelta(days=365), due=due, status=status,
        computed_on=min(due, TODAY) - timedelta(days=1))


def sent_to():
    return sorted((m.to[0], "overdue more than" in m.subject) for m in mail.outbox)


def test_a_failed_send_leaves_no_claim_and_the_rerun_sends_only_it(flaky):
    alice, bob = make_staff("care_coordinator"), make_staff("care_coordinator")
    director = make_staff("program_director")
    training(alice, due=TODAY + timedelta(days=3))
    training(bob, due=TODAY - timedelta(days=20), status="overdue")
    flaky.fail_for = {alice.user.email}

    with pytest.raises(RemindersIncomplete):
        send_reminders(today=TODAY)
    assert sent_to() == sorted([(bob.user.email, False), (director.user.email, True)])
    assert not ReminderDigest.objects.filter(staff=alice).exists()  # rolled back

    assert send_reminders(today=TODAY) == {"digests": 1, "escalations": 0}
    assert sent_to() == sorted([(alice.user.email, False), (bob.user.email, False),
                                (director.user.email, True)])
    assert send_reminders(today=TODAY) == {"digests": 0, "escalations": 0}
    assert len(mail.outbox) == 3
    assert ReminderDigest.objects.filter(day=TODAY).count() == 3


def test_a_failed_escalation_is_resent_by_the_rerun(flaky):
    bob, director = make_staff("care_coordinator"), make_staff("program_director")
    training(bob, due=TODAY - timedelta(days=20), status="overdue")
    flaky.fail_for = {director.user.email}
    with pytest.raises(RemindersIncomplete):
        send_reminders(today=TODAY)
    assert send_reminders(today=TODAY) == {"digests": 0, "escalations": 1}
    assert sent_to() == sorted([(bob.user.email, False), (director.user.email, True)])


def test_the_task_retries_on_a_failed_send_and_completes_the_work(flaky):
    alice, bob = make_staff("care_coordinator"), make_staff("care_coordinator")
    training(alice, due=timezone.localdate() + timedelta(days=2))
    training(bob, due=timezone.localdate() + timedelta(days=2))
    flaky.fail_for = {alice.user.email}
    result = send_reminders_task.apply()  # eager: the retry runs at once
    assert result.get() == {"digests": 1, "escalations": 0}  # the retry sent only alice's
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.user.email, bob.user.email])


def test_an_open_row_past_due_escalates_without_the_sweep(db):
    staff, director = make_staff("care_coordinator"), make_staff("program_director")
    senior = make_staff("senior_care_manager")
    late = training(staff, due=TODAY - timedelta(days=8))  # stored "open": never swept
    training(staff, due=TODAY - timedelta(days=7), cycle="2")  # overdue, not yet 7 days over
    assert send_reminders(today=TODAY) == {"digests": 1, "escalations": 2}
    escalations = [m for m in mail.outbox if "overdue more than" in m.subject]
    assert sorted(m.to[0] for m in escalations) == sorted([director.user.email,
                                                           senior.user.email])
    assert all(late.due.isoformat() in m.body for m in escalations)
    assert all((TODAY - timedelta(days=7)).isoformat() not in m.body for m in escalations)
    digest = next(m for m in mail.outbox if m.to == [staff.user.email])
    assert f"{late.due.isoformat()} Overdue" in digest.body  # the status on today
    assert " Open:" not in digest.body
