"""Letter pages: the member page's Letters section (status, language, proof, download), the
letter page with what is missing, sending from the page, and the director's templates."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.staff.models import StaffProfile
from notices import delivery as delivery_services
from notices import services
from notices.models import Channel, Letter, LetterStatus, LetterTemplate
from notices.tasks import letter_email_task
from tests.factories import letter_ready_member, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return make_staff("care_coordinator", phone="617-555-0142")


@pytest.fixture
def client_for():
    return lambda profile: sign_in(Client(), profile.user)


def sent_letter(member):
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    services.letters_render([letter.pk])
    services.letter_release(letter=letter)
    services.letter_dispatch(letter_id=letter.pk)
    letter_email_task.apply(args=[letter.deliveries.get(channel=Channel.EMAIL).pk])
    delivery_services.mailing_record(delivery=letter.deliveries.get(channel=Channel.CERTIFIED_MAIL),
                                     tracking_number="9407 1118 9876 5432 1000 00",
                                     mailed_on=timezone.localdate())
    letter.refresh_from_db()
    return letter


def test_member_page_lists_letters_with_status_language_proof_and_download(coordinator,
                                                                            client_for):
    member = letter_ready_member(coordinator, language="es")
    letter = sent_letter(member)
    page = client_for(coordinator).get(reverse("members:detail", args=[member.pk]))
    html = page.content.decode()
    assert 'id="letters-table"' in html and f'data-letter="{letter.pk}"' in html
    assert "Sent" in html and "9407111898765432100000" in html and "ana@family.example" in html
    assert "English only" in html  # the Spanish template is not approved: the gap is shown
    download = reverse("document_download", args=[member.pk, letter.document_id])
    assert download in html
    before = AuditEvent.objects.filter(action=Action.DOWNLOAD).count()
    response = client_for(coordinator).get(download)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.DOWNLOAD).count() == before + 1


def test_family_support_staff_see_letters_but_cannot_act(coordinator, client_for):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    member = letter_ready_member(coordinator)
    from members.services import care_team_set

    care_team_set(member=member, on=timezone.localdate(),
                  team=[(coordinator, "care_coordinator"), (family, "family_support")])
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    client = client_for(family)
    assert client.get(reverse("letters:detail", args=[member.pk, letter.pk])).status_code == 200
    assert client.post(reverse("letters:send", args=[member.pk, letter.pk])).status_code == 403
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT


def test_letter_page_lists_what_is_missing_and_send_refuses_with_it(coordinator, client_for):
    member = letter_ready_member(coordinator)
    StaffProfile.objects.filter(pk=coordinator.pk).update(phone="")
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    client = client_for(coordinator)
    page = client.get(reverse("letters:detail", args=[member.pk, letter.pk]))
    assert "care manager&#x27;s phone number" in page.content.decode()
    refused = client.post(reverse("letters:send", args=[member.pk, letter.pk]),
                          {"confirm": "on"})
    assert refused.status_code == 200 and refused.context["refused"]
    assert any("phone number" in problem for problem in refused.context["refused"])
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT


def test_sending_from_the_page(coordinator, client_for, django_capture_on_commit_callbacks):
    member = letter_ready_member(coordinator)
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks() as callbacks:
        drafted = client.post(reverse("letters:new", args=[member.pk]), {"kind": "enrollment"})
    assert drafted.status_code == 302 and len(callbacks) == 1  # the render task
    letter = Letter.objects.get(member=member)
    services.letters_render([letter.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        sent = client.post(reverse("letters:send", args=[member.pk, letter.pk]),
                           {"confirm": "on"})
    assert sent.status_code == 302 and len(callbacks) == 1  # the dispatch task
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED and letter.released_by == coordinator.user


def test_record_mailing_and_correct_from_the_page(coordinator, client_for):
    member = letter_ready_member(coordinator, electronic=False)
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    services.letters_render([letter.pk])
    services.letter_release(letter=letter)
    services.letter_dispatch(letter_id=letter.pk)
    client = client_for(coordinator)
    url = reverse("letters:mailed", args=[member.pk, letter.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"tracking_number": "7019 0700 0000 0000 0000",
                                 "mailed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    corrected = client.post(reverse("letters:correct", args=[member.pk, letter.pk]),
                            {"correction_reason": "The effective date was wrong."})
    assert corrected.status_code == 302
    correction = Letter.objects.get(corrects=letter)
    assert corrected["Location"] == reverse("letters:detail", args=[member.pk, correction.pk])


# --- Templates --------------------------------------------------------------------------------

def test_director_edits_previews_and_approves_a_translation(client_for):
    director = make_director()
    client = client_for(director)
    spanish = LetterTemplate.objects.get(kind="enrollment", language="es")
    listing = client.get(reverse("letters:templates")).content.decode()
    assert "needs a qualified translator" in listing
    edited = client.post(reverse("letters:template", args=[spanish.pk]), {
        "body": spanish.body.replace("Le damos la bienvenida", "Bienvenidos"),
        "css": "", "note": "Revisado"})
    assert edited.status_code == 302
    version2 = LetterTemplate.objects.get(kind="enrollment", language="es", version=2)
    assert not version2.approved and "Bienvenidos" in version2.body
    preview = client.get(reverse("letters:template_preview", args=[version2.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    no_translator = client.post(reverse("letters:template_approve", args=[version2.pk]), {})
    assert no_translator.status_code == 302
    version2.refresh_from_db()
    assert not version2.approved
    client.post(reverse("letters:template_approve", args=[version2.pk]),
                {"translator": "María Pérez, ATA-certified"})
    version2.refresh_from_db()
    assert version2.approved and version2.translator == "María Pérez, ATA-certified"
    assert version2.approved_by == director.user


def test_a_template_edit_that_drops_a_required_element_is_refused(client_for):
    client = client_for(make_director())
    english = LetterTemplate.objects.get(kind="termination", language="en")
    response = client.post(reverse("letters:template", args=[english.pk]), {
        "body": english.body.replace('data-element="reason"', ""), "css": "", "note": "",
        **{f"reason_{k}": v for k, v in english.reasons.items()}})
    assert response.status_code == 200
    assert any('data-element="reason"' in p for p in response.context["refused"])
    assert LetterTemplate.objects.filter(kind="termination", language="en").count() == 1


def test_only_the_director_edits_templates(coordinator, client_for):
    template = LetterTemplate.objects.first()
    client = client_for(coordinator)
    assert client.get(reverse("letters:templates")).status_code == 403
    assert client.post(reverse("letters:template", args=[template.pk]),
                       {"body": "x"}).status_code == 403
