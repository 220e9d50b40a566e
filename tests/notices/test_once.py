"""Issue 13: each letter step happens once however often it is asked for. Three dispatch runs
queue one e-mail task per copy; a second correction is refused (and the database enforces
one open correction per letter); a task's arguments are checked like form input, and a
refusal is logged without the values."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from cares.base.toolkit import Refusal
from notices import delivery as delivery_services
from notices import services
from notices.models import Channel, DeliveryStatus, Letter, LetterStatus
from notices.tasks import letter_draft_task
from tests.factories import letter_ready_member, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return make_staff("care_coordinator", phone="617-555-0142")


@pytest.fixture
def released(coordinator):
    member = letter_ready_member(coordinator)
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    services.letters_render([letter.pk])
    letter.refresh_from_db()
    services.letter_release(letter=letter)
    letter.refresh_from_db()
    return letter


@pytest.fixture
def queued_emails(monkeypatch):
    sent = []
    monkeypatch.setattr("notices.tasks.letter_email_task.delay", lambda d: sent.append(d))
    return sent


def test_three_dispatch_runs_queue_one_email_task_per_copy(
        released, queued_emails, django_capture_on_commit_callbacks):
    email = released.deliveries.get(channel=Channel.EMAIL)
    for _run in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.letter_dispatch(letter_id=released.pk)
    assert queued_emails == [email.pk]
    email.refresh_from_db()
    assert email.queued_at is not None and email.status == DeliveryStatus.PENDING


def test_the_queued_task_sends_once_and_a_rerun_sends_nothing(
        released, queued_emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_dispatch(letter_id=released.pk)
    (delivery_id,) = queued_emails
    assert delivery_services.letter_email_send(delivery_id=delivery_id) is True
    assert delivery_services.letter_email_send(delivery_id=delivery_id) is False
    assert len(mail.outbox) == 1


def test_a_copy_queued_long_ago_and_never_sent_is_shown_for_a_retry(
        released, queued_emails, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from notices.models import LetterDelivery

    with django_capture_on_commit_callbacks(execute=True):
        services.letter_dispatch(letter_id=released.pk)
    email = released.deliveries.get(channel=Channel.EMAIL)
    assert list(delivery_services.stuck_emails(released)) == []
    LetterDelivery.objects.filter(pk=email.pk).update(
        queued_at=timezone.now() - timedelta(hours=2))  # the task never reached a worker
    assert list(delivery_services.stuck_emails(released)) == [email]
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_services.letter_email_retry(letter=released) == 1
    assert queued_emails == [email.pk, email.pk]
    assert list(delivery_services.stuck_emails(released)) == []


def test_a_second_correction_is_refused_and_changes_nothing(released):
    correction = services.letter_correct(letter=released, reason="Wrong care manager phone.")
    with pytest.raises(Refusal, match="already has a correction"):
        services.letter_correct(letter=Letter.objects.get(pk=released.pk), reason="Again.")
    assert list(Letter.objects.filter(corrects=released)) == [correction]


def test_the_database_allows_one_open_correction_per_letter(released):
    services.letter_correct(letter=released, reason="Wrong care manager phone.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(member=released.member, episode=released.episode,
                              kind=released.kind, corrects=released, correction_reason="x")


def test_a_released_correction_allows_the_next_one(released):
    correction = services.letter_correct(letter=released, reason="Wrong phone.")
    Letter.objects.filter(pk=correction.pk).update(status=LetterStatus.SENT)
    released.refresh_from_db()
    released.status = LetterStatus.SENT  # a sent letter can be corrected again
    Letter.objects.filter(pk=released.pk).update(status=LetterStatus.SENT)
    assert services.letter_correct(letter=released, reason="Wrong address.").pk != correction.pk


def test_the_correct_view_refuses_a_second_submit(released, coordinator, client):
    from django.urls import reverse

    from tests.factories import sign_in

    sign_in(client, coordinator.user)
    url = reverse("letters:correct", args=[released.member_id, released.pk])
    first = client.post(url, {"correction_reason": "Wrong care manager phone."})
    assert first.status_code == 302
    second = client.post(url, {"correction_reason": "Wrong care manager phone."})
    assert second.status_code == 200
    assert "already has a correction" in second.content.decode()
    assert Letter.objects.filter(corrects=released).count() == 1


@pytest.mark.parametrize("args", [
    ("EPISODE", "enrollment'; DROP TABLE letters; --"),
    ("EPISODE", "Minh Anh Nguyen 2014-03-02"),
    ("EPISODE", None),
    ("EPISODE", ["enrollment"]),
    ("str", "enrollment"),
    (True, "enrollment"),
    (10 ** 9, "enrollment"),
    (None, "enrollment"),
])
def test_a_draft_task_with_bad_arguments_drafts_nothing_and_logs_no_values(
        coordinator, caplog, args):
    member = letter_ready_member(coordinator)
    episode = member.episodes.get()
    episode_id, kind = args
    if episode_id == "EPISODE":
        episode_id = episode.pk
    elif episode_id == "str":
        episode_id = str(episode.pk)
    Letter.objects.all().delete()
    with caplog.at_level(logging.INFO):
        assert letter_draft_task.apply(args=[episode_id, kind]).get() is None
    assert not Letter.objects.exists()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused" in logged
    for secret in ("DROP TABLE", "Minh Anh", "2014-03-02", member.legal_last_name,
                   member.masshealth_id):
        assert secret not in logged


def test_a_draft_task_with_good_arguments_drafts(coordinator):
    episode = letter_ready_member(coordinator).episodes.get()
    Letter.objects.filter(episode=episode).delete()
    letter_id = letter_draft_task.apply(args=[episode.pk, "enrollment"]).get()
    assert Letter.objects.get(pk=letter_id).kind == "enrollment"


def test_the_draft_service_refuses_an_unknown_kind(coordinator):
    episode = letter_ready_member(coordinator).episodes.get()
    with pytest.raises(Refusal):
        services.letter_draft(episode=episode, kind="eviction")
