"""Letters through their services: the required-content refusal (one test per missing
element), release and sending done once, the sent letter immutable, corrections, drafting
what is missing, and the deadline satisfied by the date the letter went out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cares.base.staff.models import Program
from cares.base.toolkit import Refusal
from cares.deadlines.models import Deadline
from members.models import Episode, Guardian
from notices import delivery as delivery_services
from notices import rendering, services
from notices.models import (
    Channel,
    DeliveryStatus,
    Letter,
    LetterDelivery,
    LetterImmutable,
    LetterStatus,
    LetterTemplate,
)
from notices.tasks import letter_email_task
from tests.factories import (
    enrolled_member,
    letter_ready_member,
    make_staff,
    terminate_member,
)

pytestmark = pytest.mark.django_db

TRACKING = "9407 1118 9876 5432 1000 00"


@pytest.fixture
def coordinator(db):
    return make_staff("care_coordinator", phone="617-555-0142")


def draft(member, kind="enrollment") -> Letter:
    letter = services.letter_draft(episode=member.episodes.get(), kind=kind)
    services.letters_render([letter.pk])
    letter.refresh_from_db()
    return letter


def release_and_dispatch(letter: Letter) -> Letter:
    services.letter_release(letter=letter)
    services.letter_dispatch(letter_id=letter.pk)
    letter.refresh_from_db()
    return letter


def send_everything(letter: Letter, *, mailed_on=None) -> Letter:
    letter = release_and_dispatch(letter)
    for delivery in letter.deliveries.filter(channel=Channel.EMAIL):
        letter_email_task.apply(args=[delivery.pk])
    for index, delivery in enumerate(letter.deliveries.filter(channel=Channel.CERTIFIED_MAIL)):
        delivery_services.mailing_record(
            delivery=delivery, tracking_number=TRACKING[:-1] + str(index),
            mailed_on=mailed_on or timezone.localdate())
    letter.refresh_from_db()
    return letter


# --- The required-content check: one missing element at a time -------------------------------

def _no_phone(member):
    member.episodes.get().primary_contact.__class__.objects.update(phone="")


def _no_manager(member):
    Episode.objects.filter(member=member).update(primary_contact=None)


def _no_effective_date(member):
    Episode.objects.filter(member=member).update(effective_date=None)


def _no_program_name(member):
    Program.objects.update(name="")


def _template_without(section):
    def remove(member):
        english = LetterTemplate.objects.get(kind="enrollment", language="en", version=1)
        start = english.body.index(f'data-element="{section}"')
        LetterTemplate.objects.create(
            kind="enrollment", language="en", version=2, approved_at=timezone.now(),
            body=english.body[:start] + english.body[start + len(f'data-element="{section}"'):])
    return remove


ENROLLMENT_ELEMENTS = [
    (_no_effective_date, "the enrollment effective date (PS VIII)"),
    (_no_program_name, "the name of the CARES program provider (PS VIII)"),
    (_template_without("overview"), "an overview of CARES services (PS VIII)"),
    (_no_manager, "the designated care manager's name (PS VIII)"),
    (_no_phone, "the designated care manager's phone number (PS VIII)"),
    (_template_without("reminder"), "the reminder that enrollment does not affect MassHealth "
                                    "benefits or health plan enrollment (PS VIII)"),
]


@pytest.mark.parametrize(("remove", "expected"), ENROLLMENT_ELEMENTS,
                         ids=[e[1].split(" (")[0] for e in ENROLLMENT_ELEMENTS])
def test_an_enrollment_letter_missing_an_element_is_refused(coordinator, remove, expected):
    member = letter_ready_member(coordinator)
    letter = draft(member)
    assert services.letter_check(letter) == []
    remove(member)
    letter.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        services.letter_release(letter=letter)
    messages = refused.value.messages
    assert messages[0].startswith(expected), messages
    # Only that element (no care manager at all: no phone number either).
    assert len(messages) == (2 if remove is _no_manager else 1), messages
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT and not letter.deliveries.exists()


def _no_reason_wording(member):
    english = LetterTemplate.objects.get(kind="termination", language="en", version=1)
    LetterTemplate.objects.create(kind="termination", language="en", version=2,
                                  approved_at=timezone.now(), body=english.body, reasons={})


def _no_program_phone(member):
    Program.objects.update(phone="")


def _no_termination_date(member):
    Episode.objects.filter(member=member).update(termination_date=None)


def _termination_template_without_reminder(member):
    english = LetterTemplate.objects.get(kind="termination", language="en", version=1)
    LetterTemplate.objects.create(
        kind="termination", language="en", version=2, approved_at=timezone.now(),
        reasons=english.reasons, body=english.body.replace('data-element="reminder"', ""))


TERMINATION_ELEMENTS = [
    (_no_termination_date, "the effective termination date (PS IX.C)"),
    (_no_reason_wording, "the reason for the termination (PS IX.C)"),
    (_no_program_name, "the name of the CARES program provider (PS IX.C)"),
    (_no_program_phone, "the provider's contact information for questions (PS IX.C)"),
    (_termination_template_without_reminder, "the reminder that termination does not affect"),
]


@pytest.mark.parametrize(("remove", "expected"), TERMINATION_ELEMENTS,
                         ids=[e[1].split(" (")[0] for e in TERMINATION_ELEMENTS])
def test_a_termination_letter_missing_an_element_is_refused(coordinator, remove, expected):
    member = letter_ready_member(coordinator)
    terminate_member(member)
    letter = draft(member, "termination")
    assert services.letter_check(letter) == []
    remove(member)
    letter.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        services.letter_release(letter=letter)
    assert any(m.startswith(expected) for m in refused.value.messages), refused.value.messages
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT


def test_every_missing_element_is_listed_at_once(coordinator):
    member = letter_ready_member(coordinator, electronic=True)
    letter = draft(member)
    _no_phone(member)
    Program.objects.update(name="")
    member.guardians.update(email="", address="")
    type(member).objects.filter(pk=member.pk).update(address_line1="")
    with pytest.raises(Refusal) as refused:
        services.letter_release(letter=Letter.objects.get(pk=letter.pk))
    text = " | ".join(refused.value.messages)
    for expected in ("program provider", "care manager's phone number", "mailing address",
                     "e-mail address"):
        assert expected in text, text
    assert "no work phone on the care manager's staff record" in text


def test_a_translation_missing_an_element_is_refused_in_that_language(coordinator):
    member = letter_ready_member(coordinator, language="es")
    spanish = LetterTemplate.objects.get(kind="enrollment", language="es")
    LetterTemplate.objects.filter(pk=spanish.pk).update(
        approved_at=timezone.now(), translator="T",
        body=spanish.body.replace('data-element="overview"', ""))
    letter = draft(member)
    problems = services.letter_check(letter)
    assert problems == ["an overview of CARES services (PS VIII): the template must keep the "
                        "overview section [Spanish / Español]"]


# --- Release, e-mail and mail: each once -----------------------------------------------------

def test_release_records_recipients_once_and_freezes_the_pdf(
        coordinator, django_capture_on_commit_callbacks):
    member = letter_ready_member(coordinator)
    letter = draft(member)
    draft_document = letter.document_id
    with django_capture_on_commit_callbacks() as callbacks:
        services.letter_release(letter=letter)
        services.letter_release(letter=Letter.objects.get(pk=letter.pk))  # a double click
    assert len(callbacks) == 1  # one dispatch
    assert letter.deliveries.count() == 2
    services.letter_dispatch(letter_id=letter.pk)
    services.letter_dispatch(letter_id=letter.pk)  # a retried task
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED and letter.finalized_at is not None
    assert letter.document_id != draft_document  # the final PDF, dated the release day
    assert letter.letter_date == timezone.localdate()
    mail_copy = letter.deliveries.get(channel=Channel.CERTIFIED_MAIL)
    assert (mail_copy.recipient, mail_copy.address) == ("Ana Example",
                                                        "12 Elm Street\nBoston, MA 02118")
    email_copy = letter.deliveries.get(channel=Channel.EMAIL)
    assert email_copy.email == "ana@family.example"


def test_the_email_task_run_twice_sends_one_email(coordinator):
    member = letter_ready_member(coordinator)
    letter = release_and_dispatch(draft(member))
    delivery = letter.deliveries.get(channel=Channel.EMAIL)
    assert letter_email_task.apply(args=[delivery.pk]).get() is True
    assert letter_email_task.apply(args=[delivery.pk]).get() is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@family.example"]
    assert member.legal_last_name not in message.subject + message.body  # no PHI outside the PDF
    name, data, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and data == letter.document.file.open("rb").read()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.sent_on == timezone.localdate()


def test_a_failed_send_releases_the_claim_and_the_retry_sends_once(coordinator, settings):
    member = letter_ready_member(coordinator)
    letter = release_and_dispatch(draft(member))
    delivery = letter.deliveries.get(channel=Channel.EMAIL)
    settings.EMAIL_BACKEND = "tests.notices.failing_backend.FailingBackend"
    with pytest.raises(ConnectionError):
        delivery_services.letter_email_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and "ConnectionError" in delivery.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery_services.letter_email_send(delivery_id=delivery.pk) is True
    assert delivery_services.letter_email_send(delivery_id=delivery.pk) is False
    assert len(mail.outbox) == 1


def test_email_gives_up_after_its_retries_and_staff_can_retry(coordinator, settings):
    member = letter_ready_member(coordinator)
    letter = release_and_dispatch(draft(member))
    delivery = letter.deliveries.get(channel=Channel.EMAIL)
    settings.EMAIL_BACKEND = "tests.notices.failing_backend.FailingBackend"
    letter_email_task.max_retries, saved = 0, letter_email_task.max_retries
    try:
        assert letter_email_task.apply(args=[delivery.pk]).get() is False
    finally:
        letter_email_task.max_retries = saved
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery_services.letter_email_retry(letter=letter) == 1
    assert delivery_services.letter_email_send(delivery_id=delivery.pk) is True


def test_sending_satisfies_the_enrollment_letter_deadline(coordinator):
    effective = timezone.localdate() - timedelta(days=10)
    member = letter_ready_member(coordinator, referral_date=effective)
    assert Deadline.objects.get(member=member, rule="enrollment_letter").status == "open"
    letter = release_and_dispatch(draft(member))
    letter_email_task.apply(args=[letter.deliveries.get(channel=Channel.EMAIL).pk])
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.QUEUED  # not mailed yet
    mailed = timezone.localdate()
    delivery_services.mailing_record(delivery=letter.deliveries.get(channel=Channel.CERTIFIED_MAIL),
                                     tracking_number=TRACKING, mailed_on=mailed)
    letter.refresh_from_db()
    assert (letter.status, letter.sent_on) == (LetterStatus.SENT, mailed)
    deadline = Deadline.objects.get(member=member, rule="enrollment_letter")
    assert (deadline.status, deadline.satisfied_on) == ("met", mailed)


def test_sent_on_is_the_day_the_last_required_copy_went_out(coordinator):
    member = letter_ready_member(coordinator, electronic=False,
                                 referral_date=timezone.localdate() - timedelta(days=10))
    letter = release_and_dispatch(draft(member))
    assert list(letter.deliveries.values_list("channel", flat=True)) == [Channel.CERTIFIED_MAIL]
    Letter.objects.filter(pk=letter.pk).update(released_on=timezone.localdate() - timedelta(1))
    yesterday = timezone.localdate() - timedelta(days=1)
    delivery_services.mailing_record(delivery=LetterDelivery.objects.get(letter=letter),
                                     tracking_number=TRACKING, mailed_on=yesterday)
    assert Letter.objects.get(pk=letter.pk).sent_on == yesterday


def test_termination_letter_satisfies_its_deadline(coordinator):
    member = letter_ready_member(coordinator,
                                 referral_date=timezone.localdate() - timedelta(days=60))
    terminate_member(member)
    letter = send_everything(draft(member, "termination"))
    assert letter.status == LetterStatus.SENT
    assert Deadline.objects.get(member=member, rule="termination_letter").status == "met"


@pytest.mark.parametrize(("number", "mailed", "expected"), [
    ("12345", 0, "20 to 22 digits"),
    (TRACKING, -1, "in the future"),
    (TRACKING, 3, "before the letter was released"),
])
def test_certified_mailing_is_validated(coordinator, number, mailed, expected):
    letter = release_and_dispatch(draft(letter_ready_member(coordinator)))
    delivery = letter.deliveries.get(channel=Channel.CERTIFIED_MAIL)
    with pytest.raises(Refusal, match=expected):
        delivery_services.mailing_record(delivery=delivery, tracking_number=number,
                                         mailed_on=timezone.localdate() - timedelta(days=mailed))
    assert LetterDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING


def test_a_tracking_number_is_used_once_and_a_copy_recorded_once(coordinator):
    first = send_everything(draft(letter_ready_member(coordinator)))
    second = release_and_dispatch(draft(letter_ready_member(coordinator)))
    copy = second.deliveries.get(channel=Channel.CERTIFIED_MAIL)
    used = first.deliveries.get(channel=Channel.CERTIFIED_MAIL).tracking_number
    with pytest.raises(Refusal, match="already recorded for another letter"):
        delivery_services.mailing_record(delivery=copy, tracking_number=used,
                                         mailed_on=timezone.localdate())
    with pytest.raises(Refusal, match="already recorded as mailed"):
        delivery_services.mailing_record(delivery=first.deliveries.get(channel=Channel.CERTIFIED_MAIL),
                                         tracking_number="70190700000000000001",
                                         mailed_on=timezone.localdate())


# --- Immutability and corrections ---------------------------------------------------------------

def test_a_sent_letter_is_immutable(coordinator):
    member = letter_ready_member(coordinator)
    letter = send_everything(draft(member))
    document, digest = letter.document_id, letter.document.sha256
    Guardian.objects.filter(member=member).update(name="Someone Else")
    assert services.letter_refresh(letter=letter) is False
    assert services.letters_render([letter.pk]) == {"rendered": 0}
    letter.refresh_from_db()
    assert (letter.document_id, letter.document.sha256) == (document, digest)
    letter.translation_gap = "edited"
    with pytest.raises(LetterImmutable):
        letter.save()
    fresh = Letter.objects.get(pk=letter.pk)
    fresh.document = None
    with pytest.raises(LetterImmutable):
        fresh.save()


def test_a_correction_is_a_new_letter_that_references_the_old(coordinator):
    member = letter_ready_member(coordinator)
    letter = send_everything(draft(member))
    sent_on = letter.sent_on
    correction = services.letter_correct(letter=letter, reason="Wrong care manager phone.")
    with pytest.raises(Refusal, match="already has a correction"):
        services.letter_correct(letter=letter, reason="again")  # once
    assert (correction.corrects, correction.status) == (letter, LetterStatus.DRAFT)
    letter.refresh_from_db()
    assert (letter.status, letter.sent_on) == (LetterStatus.SENT, sent_on)
    services.letters_render([correction.pk])
    assert Letter.objects.get(pk=correction.pk).document_id not in (None, letter.document_id)


def test_correcting_before_mailing_cancels_the_unmailed_copies(coordinator):
    letter = release_and_dispatch(draft(letter_ready_member(coordinator)))
    services.letter_correct(letter=letter, reason="Wrong address.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.WITHDRAWN and letter.sent_on is None
    assert set(letter.deliveries.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    assert delivery_services.mailing_batch_create() is None


def test_a_draft_is_not_corrected_but_updated(coordinator):
    letter = draft(letter_ready_member(coordinator))
    with pytest.raises(Refusal, match="draft is simply brought up to date"):
        services.letter_correct(letter=letter, reason="x")


# --- Drafting -----------------------------------------------------------------------------------

def test_drafting_is_idempotent(coordinator):
    member = letter_ready_member(coordinator)
    episode = member.episodes.get()
    assert services.letter_draft(episode=episode, kind="enrollment") == \
        services.letter_draft(episode=episode, kind="enrollment")
    with pytest.raises(Refusal, match="not terminated"):
        services.letter_draft(episode=episode, kind="termination")


def test_the_language_is_the_familys(coordinator):
    member = letter_ready_member(coordinator, language="zh", preferred_written_language="zh-Hant")
    assert draft(member).language == "zh-Hant"


def test_the_nightly_sweep_drafts_what_is_missing(coordinator, django_capture_on_commit_callbacks):
    enrolled = enrolled_member(coordinator)
    # Enrolled 5 days before termination: its enrollment letter deadline was still open on
    # the termination date, so it is excepted and owes nothing.
    terminated = letter_ready_member(coordinator,
                                     referral_date=timezone.localdate() - timedelta(days=5))
    terminate_member(terminated)
    already = letter_ready_member(coordinator)
    services.letter_draft(episode=already.episodes.get(), kind="enrollment")
    with django_capture_on_commit_callbacks() as callbacks:
        counts = services.draft_missing_letters()
    assert counts == {"enrollment": 1, "termination": 1}
    assert len(callbacks) == 1  # one group of render chunks
    assert Letter.objects.filter(member=enrolled, kind="enrollment").exists()
    assert Letter.objects.filter(member=terminated, kind="termination").exists()
    # A terminated episode whose enrollment letter was not yet due owes none any more.
    assert not Letter.objects.filter(member=terminated, kind="enrollment").exists()
    assert services.draft_missing_letters() == {"enrollment": 0, "termination": 0}


def test_an_enrollment_letter_overdue_at_termination_is_still_drafted(coordinator):
    """deadlines.md reading 9: an enrollment letter already overdue on the termination date
    stays owed, so the sweep still drafts it."""
    today = timezone.localdate()
    member = letter_ready_member(coordinator, referral_date=today - timedelta(days=60))
    episode = member.episodes.get()
    assert episode.effective_date + timedelta(days=30) < today
    terminate_member(member, on=today)
    assert services.draft_missing_letters() == {"enrollment": 1, "termination": 1}
    assert Letter.objects.filter(member=member, kind="enrollment").exists()


def test_the_hook_for_members_services_drafts_after_commit(
        coordinator, django_capture_on_commit_callbacks, monkeypatch):
    member = enrolled_member(coordinator)
    queued = []
    monkeypatch.setattr("notices.tasks.letter_draft_task.delay",
                        lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_draft_after_commit(episode_id=member.episodes.get().pk,
                                           kind="enrollment")
    assert queued == [(member.episodes.get().pk, "enrollment")]


def test_enrolling_and_terminating_queue_their_letter_drafts(
        coordinator, django_capture_on_commit_callbacks, monkeypatch):
    """PS VIII, IX.C: the letter is drafted by a worker as soon as the enrollment or the
    termination commits, not only by the nightly sweep."""
    queued = []
    monkeypatch.setattr("notices.tasks.letter_draft_task.delay",
                        lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        member = enrolled_member(coordinator)
    episode = member.episodes.get()
    assert queued == [(episode.pk, "enrollment")]
    with django_capture_on_commit_callbacks(execute=True):
        terminate_member(member)
    assert queued[1:] == [(episode.pk, "termination")]


def test_the_release_date_is_on_the_letter(coordinator):
    letter = release_and_dispatch(draft(letter_ready_member(coordinator)))
    assert letter.letter_date == letter.released_on == timezone.localdate()
    assert date.today() - letter.letter_date < timedelta(days=2)


def test_an_email_stuck_in_sending_is_not_resent_until_staff_ask(coordinator):
    letter = release_and_dispatch(draft(letter_ready_member(coordinator)))
    delivery = letter.deliveries.get(channel=Channel.EMAIL)
    # A worker claimed it and died: nothing sends it again on its own.
    LetterDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now() - timedelta(hours=2))
    assert delivery_services.letter_email_send(delivery_id=delivery.pk) is False
    assert list(delivery_services.stuck_emails(letter)) == [delivery]
    assert delivery_services.letter_email_retry(letter=letter) == 1
    assert delivery_services.letter_email_send(delivery_id=delivery.pk) is True
    assert len(mail.outbox) == 1


def test_the_shipped_templates_come_back_after_a_flush():
    """A test database flush (or a damaged table) empties what the data migration installed;
    post_migrate puts the shipped templates back, once."""
    from notices.models import LetterTemplate

    shipped = LetterTemplate.objects.count()
    assert shipped == len(rendering.shipped_templates())
    LetterTemplate.objects.all().delete()
    assert services.shipped_templates_install() == shipped
    assert services.shipped_templates_install() == 0
    english = LetterTemplate.objects.get(kind="enrollment", language="en")
    assert english.approved_at is not None
    assert LetterTemplate.objects.get(kind="enrollment", language="vi").approved_at is None
