"""The dedicated 24/7 on-call number (PS VI.B.1.b): the program director enters it (a bad
number is refused next to the field), it is printed on letters, the ICP and the emergency
plan in the family's language, and nothing is printed when there is none (the program check
says so). Calls record how fast the caller was reached and show the shift they fell in."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from careplans import copies, emergency
from cares.base.documents.services import document_read
from cares.base.staff.models import Program
from cares.base.staff.services import us_phone
from cares.base.toolkit import Refusal
from members.coordination import services as coordination
from members.coordination.models import OnCallCall
from members.coverage.checks import coverage_checks
from members.coverage.line import (
    callback_words,
    duration_words,
    shift_at,
    shifts_for,
    within_target,
)
from members.coverage.models import OnCallShift
from notices import rendering
from notices import services as notices
from tests.factories import (
    ProgramFactory,
    approve_letter_templates,
    enrolled_member,
    finalized_care_plan,
    letter_ready_member,
    make_staff,
    sign_in,
)

pytestmark = pytest.mark.django_db

LINE = "24/7 on-call line: (617) 555-0100"


def pdf_text(data: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                    .split())


def set_number(phone: str = "(617) 555-0100") -> Program:
    program = Program.objects.order_by("pk").first() or ProgramFactory()
    program.on_call_phone = phone
    program.save()
    return program


# --- The program director enters the number ----------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("617-555-0100", "(617) 555-0100"), ("(617) 555-0100", "(617) 555-0100"),
    ("617.555.0100", "(617) 555-0100"), ("+1 617 555 0100", "(617) 555-0100"),
    ("1-617-555-0100", "(617) 555-0100"),
    ("555-0100", None), ("617-555-01000", None), ("call the office", None),
    ("617-555-0100 ext 4", None), ("017-555-0100", None), ("617-055-0100", None),
])
def test_us_phone(typed, stored):
    assert us_phone(typed) == stored


def settings_post(**changes) -> dict:
    data = {"name": "Harbor CARES", "phone": "617-555-0199", "address": "1 Harbor Way, Boston",
            "on_call_phone": "", "callback_target_minutes": "30", "transition_plan_days": "90",
            "contact_interval_days": "30", "discharge_follow_up_days": "7",
            "icp_update_days": "30"}
    return {**data, **changes}


def test_the_director_sets_the_number_and_a_bad_one_is_refused_next_to_it(director_client):
    url = reverse("staff:program_settings")
    response = director_client.post(url, settings_post(on_call_phone="555-0100"))
    assert response.status_code == 200
    assert "10-digit US phone number" in str(response.context["form"].errors["on_call_phone"])
    assert "Nothing was saved" in response.content.decode()
    assert not Program.objects.exists()
    response = director_client.post(url, settings_post(callback_target_minutes="0"))
    assert "callback_target_minutes" in response.context["form"].errors
    assert not Program.objects.exists()
    response = director_client.post(url, settings_post(on_call_phone="617.555.0100",
                                                       callback_target_minutes="20"))
    assert response.status_code == 302
    program = Program.objects.get()
    assert (program.on_call_phone, program.callback_target_minutes) == ("(617) 555-0100", 20)
    page = director_client.get(url).content.decode()
    assert "(617) 555-0100" in page and "24/7 on-call line" in page


def test_the_program_check_says_whether_a_number_is_on_file(db):
    ProgramFactory()
    check = next(c for c in coverage_checks() if c.key == "on_call_number")
    assert not check.ok and "No on-call number is on file" in check.detail
    assert check.citation == "PS VI.B.1.b"
    set_number()
    check = next(c for c in coverage_checks() if c.key == "on_call_number")
    assert check.ok and "(617) 555-0100" in check.detail


# --- Printed on letters, the ICP and the emergency plan ----------------------------------------

def spanish_letter():
    coordinator = make_staff("care_coordinator", phone="617-555-0142")
    member = letter_ready_member(coordinator, language="es", referral_date=date(2026, 3, 2))
    approve_letter_templates("es")
    return notices.letter_draft(episode=member.episodes.get(), kind="enrollment")


def test_the_letter_prints_the_number_in_each_section_language():
    letter = spanish_letter()
    html = rendering.letter_html(letter, letter_date=date(2026, 3, 3)).html
    assert "on-call line" not in html and "Línea de guardia" not in html  # none on file
    set_number()
    html = rendering.letter_html(letter, letter_date=date(2026, 3, 3)).html
    spanish, english = html.split('data-section="es"')[1].split('data-section="en"')
    assert "Línea de guardia 24/7: (617) 555-0100" in spanish
    assert LINE in english and "Línea de guardia" not in english


def test_the_letter_pdf_prints_the_number():
    set_number()
    letter = spanish_letter()
    notices.letters_render([letter.pk])
    letter.refresh_from_db()
    with letter.document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Línea de guardia 24/7: (617) 555-0100" in text and LINE in text


@pytest.fixture
def final(coordinator):
    member = enrolled_member(coordinator, legal_first_name="Lucía", legal_last_name="Ortiz",
                             primary_language="es", preferred_written_language="es")
    return finalized_care_plan(member, coordinator, actor=coordinator.user)


def test_the_icp_and_emergency_plan_pages_show_the_number(final, coordinator):
    client = sign_in(Client(), coordinator.user)
    member = final.member
    pages = [reverse("careplans:plan", args=[member.pk, final.pk]),
             reverse("careplans:emergency", args=[member.pk])]
    for url in pages:
        assert "on-call line" not in client.get(url).content.decode(), url
    set_number()
    for url in pages:
        assert LINE in client.get(url).content.decode(), url


def test_the_icp_and_emergency_pdfs_print_the_number_in_the_family_language(final):
    _html, pdf = copies.render_icp(final, "es")
    assert "on-call" not in pdf_text(pdf) and "Línea de guardia" not in pdf_text(pdf)
    set_number()
    _html, pdf = copies.render_icp(final, "es")
    assert "Línea de guardia 24/7: (617) 555-0100" in pdf_text(pdf)
    _html, pdf = copies.render_icp(final, "en")
    assert LINE in pdf_text(pdf)
    document = emergency.emergency_pdf_make(member=final.member)
    text = pdf_text(document_read(document=document))
    assert "(617) 555-0100" in text and "24/7" in text
    assert len(PdfReader(io.BytesIO(document_read(document=document))).pages) == 1


# --- Calls: the call back and the shift --------------------------------------------------------

def record(member, called_at, **changes):
    values = {"caller": "Mother", "call_category": "medical_question", "summary": "Fever",
              "triage_decision": "advice", **changes}
    return coordination.on_call_record(member=member, called_at=called_at, **values)


def refused_field(call) -> list[str]:
    with pytest.raises(Refusal) as caught:
        call()
    return caught.value.error_dict["first_callback_at"][0].messages


def test_the_first_call_back_is_refused_when_missing_early_or_in_the_future(coordinator):
    member = enrolled_member(coordinator)
    called = timezone.now() - timedelta(hours=2)
    assert "first called back" in refused_field(lambda: record(member, called))[0]
    assert "before the call" in refused_field(lambda: record(
        member, called, first_callback_at=called - timedelta(minutes=1)))[0]
    assert "future" in refused_field(lambda: record(
        member, called, first_callback_at=timezone.now() + timedelta(hours=1)))[0]
    assert not OnCallCall.objects.exists()
    call = record(member, called, first_callback_at=called)  # at once: allowed
    assert callback_words(call, 30) == "called back after 0 minutes"
    live = record(member, called, answered_live=True,
                  first_callback_at=called + timedelta(minutes=5))
    assert live.first_callback_at is None and callback_words(live) == "answered live"


def test_the_form_shows_the_refusal_next_to_the_field(coordinator):
    member = enrolled_member(coordinator)
    client = sign_in(Client(), coordinator.user)
    stamp = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    early = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"called_at": stamp, "caller": "Mother", "call_category": "dme",
            "summary": "Pump alarm", "triage_decision": "dme_vendor",
            "handled_by": coordinator.pk}
    url = reverse("members:on_call_add", args=[member.pk])
    for extra, message in (({}, "first called back"),
                           ({"first_callback_at": early}, "before the call")):
        response = client.post(url, {**data, **extra})
        assert response.status_code == 200
        assert message in str(response.context["form"].errors["first_callback_at"])
    assert not OnCallCall.objects.exists()
    later = (timezone.localtime() - timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {**data, "first_callback_at": later})
    assert response.status_code == 302
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "called back after 45 minutes" in page
    assert "no one was rostered on call" in page


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_a_call_shows_the_shift_it_fell_in(coordinator, django_assert_num_queries):
    member = enrolled_member(coordinator)
    nurse = make_staff("senior_care_manager")
    night = OnCallShift.objects.create(staff=coordinator, backup=nurse,
                                       starts_at=at(2026, 11, 6, 17), ends_at=at(2026, 11, 7, 8))
    day = OnCallShift.objects.create(staff=nurse, starts_at=at(2026, 11, 7, 8),
                                     ends_at=at(2026, 11, 7, 17))
    assert shift_at(at(2026, 11, 6, 17)) == night  # the start belongs to the shift
    assert shift_at(at(2026, 11, 7, 8)) == day  # the end does not
    assert shift_at(at(2026, 11, 7, 17)) is None
    calls = [record(member, at(2026, 11, 6, 23, 40), answered_live=True),
             record(member, at(2026, 11, 7, 9), first_callback_at=at(2026, 11, 7, 11, 5)),
             record(member, at(2026, 11, 8, 3), answered_live=True)]
    with django_assert_num_queries(1):
        found = shifts_for(calls)
    assert [found[c.pk] for c in calls] == [night, day, None]
    assert callback_words(calls[1], 30) == "called back after 2 hours 5 minutes (target 30 minutes)"
    client = sign_in(Client(), coordinator.user)
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert f"shift Fri 6 Nov 17:00 – Sat 7 Nov 08:00, on call: {coordinator}" in page
    assert f"(backup: {nurse})" in page
    assert f"shift Sat 7 Nov 08:00 – Sat 7 Nov 17:00, on call: {nurse}" in page


def test_within_target_edges():
    called = at(2026, 10, 5, 12)
    call = OnCallCall(called_at=called, first_callback_at=called + timedelta(minutes=30))
    assert within_target(call, 30) is True  # exactly at the target
    call.first_callback_at = called + timedelta(minutes=30, seconds=1)
    assert within_target(call, 30) is False
    call.first_callback_at = None
    assert within_target(call, 30, now=called + timedelta(minutes=30)) is None  # awaiting
    assert within_target(call, 30, now=called + timedelta(minutes=31)) is False
    call.answered_live = True
    assert within_target(call, 30, now=called + timedelta(days=1)) is True
    assert duration_words(60) == "1 hour" and duration_words(61) == "1 hour 1 minute"
