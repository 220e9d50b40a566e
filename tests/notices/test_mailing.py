"""The daily mailing batch: one PDF, a carrier sheet with the address in the window of a #10
envelope before each letter's own pages, each copy in one batch only, downloads audited."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cares.base.audit.models import Action, AuditEvent
from cares.base.pdf import page_count
from members.models import Guardian
from notices import delivery as delivery_services
from notices import services
from notices.models import Channel, DeliveryStatus, MailingBatch
from tests.factories import letter_ready_member, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return make_staff("care_coordinator", phone="617-555-0142")


def released(member):
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    services.letters_render([letter.pk])
    services.letter_release(letter=letter)
    services.letter_dispatch(letter_id=letter.pk)
    letter.refresh_from_db()
    return letter


def text_positions(page) -> list[tuple[str, float, float]]:
    """(text, x, y from the top in points) of each text run on ``page``."""
    runs = []
    height = float(page.mediabox.height)

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x, height - y))

    page.extract_text(visitor_text=visit)
    return runs


def test_the_batch_merges_every_copy_behind_its_carrier_sheet(coordinator):
    first = released(letter_ready_member(coordinator, language="es"))
    second_member = letter_ready_member(coordinator)
    Guardian.objects.create(member=second_member, name="Luis Example", relationship="father",
                            address="9 Oak Road, Salem, MA 01970")
    second = released(second_member)
    assert second.deliveries.filter(channel=Channel.CERTIFIED_MAIL).count() == 2
    batch = delivery_services.mailing_batch_create()
    letter_pages = {letter.pk: page_count(letter.document.file.open("rb").read())
                    for letter in (first, second)}
    copies = list(batch.deliveries.order_by("pk"))
    assert len(copies) == 3
    expected = sum(1 + letter_pages[c.letter_id] for c in copies)
    data = batch.file.open("rb").read()
    reader = PdfReader(io.BytesIO(data))
    assert batch.pages == len(reader.pages) == expected
    assert delivery_services.mailing_batch_create() is None  # nothing left to batch
    # Each carrier sheet carries its recipient's address, inside the envelope window.
    carrier_pages, index = [], 0
    for copy in sorted(copies, key=lambda c: (c.letter.member.legal_last_name, c.letter_id,
                                               c.pk)):
        carrier_pages.append((copy, reader.pages[index]))
        index += 1 + letter_pages[copy.letter_id]
    for copy, page in carrier_pages:
        runs = text_positions(page)
        name = next((x, y) for text, x, y in runs if text.startswith(copy.recipient))
        assert 0.8 * 72 <= name[0] <= 1.2 * 72, name  # window: 0.9in from the left
        assert 2.0 * 72 <= name[1] <= 3.1 * 72, name  # window: 2.05in-3.1in from the top
        assert "CERTIFIED MAIL" in page.extract_text()


def test_the_batch_claims_copies_once(coordinator):
    released(letter_ready_member(coordinator))
    assert delivery_services.mailing_batch_create() is not None
    assert delivery_services.mailing_batch_create() is None
    assert MailingBatch.objects.count() == 1


def test_only_released_letters_with_their_final_pdf_are_batched(coordinator):
    letter = services.letter_draft(episode=letter_ready_member(coordinator).episodes.get(),
                                   kind="enrollment")
    services.letters_render([letter.pk])
    services.letter_release(letter=letter)  # the final PDF is not made yet
    assert delivery_services.mailing_batch_create() is None


def test_mailing_page_records_tracking_numbers_and_the_download_is_audited(coordinator):
    letter = released(letter_ready_member(coordinator, electronic=False))
    batch = delivery_services.mailing_batch_create()
    director = make_director()
    client = sign_in(Client(), director.user)
    page = client.get(reverse("letters:mailing"))
    assert page.status_code == 200 and f"#{batch.pk}" in page.content.decode()
    # The page shows the family's name and address: the member shown is recorded.
    assert list(AuditEvent.objects.filter(action=Action.LIST, actor=director.user)
                .values_list("member_id", flat=True)) == [letter.member_id]
    before = AuditEvent.objects.filter(action=Action.DOWNLOAD).count()
    download = client.get(reverse("letters:mailing_pdf") + f"?batch={batch.pk}")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    events = AuditEvent.objects.filter(action=Action.DOWNLOAD).order_by("pk")[before:]
    assert [(e.member_id, e.actor_id) for e in events] == [(letter.member_id, director.user_id)]
    copy = letter.deliveries.get()
    bad = client.post(reverse("letters:mailing"), {
        "batch": batch.pk, "mailed_on": timezone.localdate().isoformat(),
        f"tracking_{copy.pk}": "123"})
    assert bad.status_code == 200 and "20 to 22 digits" in bad.content.decode()
    good = client.post(reverse("letters:mailing"), {
        "batch": batch.pk, "mailed_on": timezone.localdate().isoformat(),
        f"tracking_{copy.pk}": "9407 1118 9876 5432 1000 00"})
    assert good.status_code == 302
    copy.refresh_from_db()
    assert (copy.status, copy.tracking_number) == (DeliveryStatus.SENT, "9407111898765432100000")
    letter.refresh_from_db()
    assert letter.status == "sent" and letter.sent_on == timezone.localdate()


def test_a_coordinator_cannot_print_every_members_mail(coordinator):
    client = sign_in(Client(), coordinator.user)
    assert client.get(reverse("letters:mailing")).status_code == 403
    assert client.get(reverse("letters:mailing_pdf")).status_code == 403
