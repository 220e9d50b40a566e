"""Releasing a letter asks for confirmation, naming its languages and recipients, and warns in
words when a family reading Spanish would receive English only; without the confirmation the
server releases nothing (issue 16, item 13)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from notices import services
from notices.models import Letter, LetterDelivery, LetterStatus
from tests.factories import approve_letter_templates, letter_ready_member, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    return lambda profile: sign_in(Client(), profile.user)


def drafted(coordinator, language: str, *, approve: bool):
    member = letter_ready_member(coordinator, language=language)
    if approve:
        approve_letter_templates(language)
    letter = services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    return member, letter


def send_url(letter) -> str:
    return reverse("letters:send", args=[letter.member_id, letter.pk])


def test_the_confirmation_names_languages_and_recipients(coordinator, client_for):
    _member, letter = drafted(coordinator, "es", approve=True)
    page = client_for(coordinator).get(send_url(letter))
    assert page.status_code == 200
    html = page.content.decode()
    summary = page.context["summary"]
    assert summary["languages"] == ["Spanish / Español", "English"]
    assert [(how, name) for how, name, _where in summary["recipients"]] == [
        ("Certified mail", "Ana Example"), ("E-mail (electronic transmission)", "Ana Example")]
    for shown in ("Spanish / Español, English", "Ana Example", "12 Elm Street",
                  "ana@family.example", 'name="confirm"'):
        assert shown in html, shown
    assert 'id="english-only-warning"' not in html


def test_a_spanish_reading_family_getting_english_only_is_warned_in_words(coordinator,
                                                                          client_for):
    _member, letter = drafted(coordinator, "es", approve=False)
    page = client_for(coordinator).get(send_url(letter))
    assert page.context["summary"]["languages"] == ["English"]
    html = page.content.decode()
    assert 'id="english-only-warning"' in html
    assert ("This family reads Spanish / Español, but the letter will be sent in English "
            "only" in page.context["summary"]["warning"])


def test_release_without_the_confirmation_is_refused(coordinator, client_for):
    _member, letter = drafted(coordinator, "es", approve=True)
    response = client_for(coordinator).post(send_url(letter))
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert "Confirm the languages and the recipients" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    assert not LetterDelivery.objects.filter(letter=letter).exists()


def test_release_with_the_confirmation(coordinator, client_for):
    _member, letter = drafted(coordinator, "en", approve=False)
    response = client_for(coordinator).post(send_url(letter), {"confirm": "on"})
    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.QUEUED
    assert LetterDelivery.objects.filter(letter=letter).count() == 2


def test_a_released_letter_shows_no_confirmation(coordinator, client_for):
    _member, letter = drafted(coordinator, "en", approve=False)
    services.letter_release(letter=letter)
    page = client_for(coordinator).get(send_url(letter))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="already-released"' in html and 'name="confirm"' not in html
