"""Issue 13, proven on PostgreSQL: eight people (or workers) do the same letter step at the
same moment; it happens once, and the others are refused cleanly (no exception other than
the ordinary refusal, no second e-mail, no second correction)."""

from __future__ import annotations

import pytest
from django.core import mail

from cares.base.audit.models import Action, AuditEvent
from cares.base.toolkit import Refusal
from notices import delivery as delivery_services
from notices import services
from notices.models import Channel, DeliveryStatus, Letter, LetterDelivery, LetterStatus
from tests.concurrency.race import failures, postgres_only, race, successes
from tests.factories import letter_ready_member, make_staff

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

N = 8


@pytest.fixture
def draft(queued_tasks):
    coordinator = make_staff("care_coordinator", phone="617-555-0142")
    member = letter_ready_member(coordinator)
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    services.letters_render([letter.pk])
    return Letter.objects.get(pk=letter.pk)


@pytest.fixture
def released(draft, queued_tasks):
    services.letter_release(letter=draft)
    services.letter_dispatch(letter_id=draft.pk)
    letter = Letter.objects.get(pk=draft.pk)
    assert letter.status == LetterStatus.QUEUED and letter.finalized_at is not None
    queued_tasks.clear()
    return letter


def test_eight_releases_at_once_release_once(draft, queued_tasks):
    results = race(lambda: services.letter_release(letter=Letter.objects.get(pk=draft.pk)), n=N)
    assert failures(results) == []
    assert all(r.status == LetterStatus.QUEUED for r in results)
    letter = Letter.objects.get(pk=draft.pk)
    assert letter.status == LetterStatus.QUEUED
    # One set of copies (certified mail + e-mail), one audit event, one dispatch task.
    assert sorted(letter.deliveries.values_list("channel", flat=True)) == [
        Channel.CERTIFIED_MAIL, Channel.EMAIL]
    assert AuditEvent.objects.filter(object_type="notices.Letter", object_id=str(letter.pk),
                                     action=Action.UPDATE,
                                     detail__to="queued").count() == 1
    assert queued_tasks["notices.dispatch_letter"] == [(letter.pk,)]


def test_eight_sends_of_one_email_send_one(released):
    delivery = released.deliveries.get(channel=Channel.EMAIL)
    results = race(lambda: delivery_services.letter_email_send(delivery_id=delivery.pk), n=N)
    assert failures(results) == []
    assert sorted(results) == [False] * (N - 1) + [True]
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.history.filter(status=DeliveryStatus.SENT).count() == 1  # marked once
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="notices.LetterDelivery",
                                     object_id=str(delivery.pk)).count() == 1


def test_eight_dispatch_runs_queue_one_email_task(released, queued_tasks):
    delivery = released.deliveries.get(channel=Channel.EMAIL)
    LetterDelivery.objects.filter(pk=delivery.pk).update(queued_at=None)
    results = race(lambda: services.letter_dispatch(letter_id=released.pk), n=N)
    assert failures(results) == []
    assert sorted(r["emails"] for r in results) == [0] * (N - 1) + [1]
    assert queued_tasks["notices.email_letter"] == [(delivery.pk,)]


def test_eight_corrections_at_once_make_one(released):
    results = race(lambda: services.letter_correct(
        letter=Letter.objects.get(pk=released.pk), reason="Wrong care manager phone."), n=N)
    made = successes(results)
    refused = failures(results)
    assert len(made) == 1 and len(refused) == N - 1
    assert all(isinstance(e, Refusal) for e in refused), refused
    assert all("already has a correction" in " ".join(e.messages) for e in refused)
    assert list(Letter.objects.filter(corrects=released).values_list("pk", flat=True)) == [
        made[0].pk]
    released.refresh_from_db()
    assert released.status == LetterStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="notices.Letter",
                                     detail__corrects=released.pk).count() == 1
