"""Contacts as first-class records (PS VI.B.1.a): when, how, with whom, by whom, how long,
with which interpreter and what happened. Only a contact with the member or a parent/guardian
in person or by telehealth is regular contact (deadlines.md, reading 13): it meets the
``member_contact`` deadline, which the member page shows with the family's chosen mode."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.toolkit import Refusal
from members.coordination import services as coordination
from members.coordination.models import Contact
from members.services import care_team_set
from tests.factories import enrolled_member, make_staff, sign_in
from tests.members.coordination_support import counts, refused, stored

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
TODAY = timezone.localdate()
ENROLLED_ON = TODAY - timedelta(days=90)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BOSTON)


def record(member, when: datetime, mode: str = "in_person",
           parties: tuple[str, ...] = ("with_guardian",), **extra) -> Contact:
    return coordination.contact_record(member=member, contact_at=when, contact_mode=mode,
                                       parties=parties, summary=extra.pop("summary", "Talked"),
                                       **extra)


def html(response) -> str:
    return response.content.decode()


def part(page: str, element_id: str) -> str:
    """The text inside the element with ``element_id`` (tags dropped)."""
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</dd>', page, re.S)
    assert found, element_id
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=ENROLLED_ON)


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator.user)


# --- The service --------------------------------------------------------------------------------

GOOD = {"contact_mode": "telehealth", "parties": ["with_member", "with_guardian"],
        "summary": "Reviewed the seizure plan.", "duration_minutes": 30,
        "interpreter_used": True, "interpreter_language": "es"}


@pytest.mark.parametrize(("change", "field", "fragment"), [
    ({"contact_mode": "fax"}, "contact_mode", "Choose how the contact was made"),
    ({"parties": []}, "parties", "with whom the contact was"),
    ({"parties": ["with_neighbour"]}, "parties", "Unknown party: with_neighbour"),
    ({"duration_minutes": 0}, "duration_minutes", "between 1 and 1440 minutes"),
    ({"duration_minutes": 1441}, "duration_minutes", "between 1 and 1440 minutes"),
    ({"interpreter_language": ""}, "interpreter_language", "Record the language"),
    ({"interpreter_language": "Spanish!"}, "interpreter_language", "is not a language tag"),
    ({"interpreter_used": False}, "interpreter_language", "only when an interpreter"),
    ({"summary": "   "}, "summary", "Record what happened"),
])
def test_each_bad_input_is_refused_and_nothing_is_saved(member, coordinator, change, field,
                                                        fragment):
    before = counts()
    with pytest.raises(Refusal) as caught:
        coordination.contact_record(member=member,
                                    contact_at=timezone.now() - timedelta(hours=1),
                                    actor=coordinator.user, **{**GOOD, **change})
    assert any(fragment in m for m in caught.value.messages), caught.value.messages
    assert list(caught.value.error_dict) == [field]  # shown next to that field on the form
    assert counts() == before


def test_a_contact_cannot_lie_in_the_future(member):
    refused(lambda: coordination.contact_record(
        member=member, contact_at=timezone.now() + timedelta(minutes=5), **GOOD),
        "The contact time cannot be in the future")


def test_a_contact_is_saved_with_everything_and_audited(member, coordinator):
    other = make_staff("care_coordinator")
    contact = coordination.contact_record(
        member=member, contact_at=at(TODAY - timedelta(days=1)), participants=" Ana, Rosa ",
        actor=coordinator.user, **{**GOOD, "duration_minutes": 1440})
    assert (contact.staff, contact.recorded_by, contact.participants) == (
        coordinator, coordinator.user, "Ana, Rosa")
    assert (contact.with_member, contact.with_guardian, contact.with_provider) == (
        True, True, False)
    assert (contact.duration_minutes, contact.interpreter_language) == (1440, "es")
    assert contact.qualifies
    assert AuditEvent.objects.filter(member=member, action=Action.CREATE,
                                     object_type="members.Contact").count() == 1
    chosen = record(member, at(TODAY - timedelta(days=1)), staff=other, actor=coordinator.user,
                    duration_minutes=1)
    assert chosen.staff == other  # the staff member chosen, not the one recording it


@pytest.mark.parametrize(("mode", "parties", "qualifies"), [
    ("phone", ("with_guardian",), False),
    ("message", ("with_member",), False),
    ("in_person", ("with_provider", "with_school"), False),
    ("in_person", ("with_member",), True),
    ("telehealth", ("with_guardian", "with_agency"), True),
])
def test_only_in_person_or_telehealth_with_the_family_is_regular_contact(member, mode, parties,
                                                                         qualifies):
    contact = record(member, at(ENROLLED_ON + timedelta(days=5)), mode, parties)
    assert Contact.objects.filter(pk=contact.pk).exists()  # saved either way
    assert contact.qualifies is qualifies
    [first] = [row for row in stored(member, "member_contact") if row[0] == ENROLLED_ON]
    assert (first[3] == ENROLLED_ON + timedelta(days=5)) is qualifies


# --- The rule through the engine (deadlines.md, reading 13) -------------------------------------

JAN_1 = date(2026, 1, 1)


@pytest.fixture
def january_member(coordinator):
    return enrolled_member(coordinator, referral_date=JAN_1)


@pytest.mark.parametrize(("when", "mode", "expected"), [
    (date(2026, 1, 31), "in_person", ("met", date(2026, 1, 31))),
    (date(2026, 2, 1), "telehealth", ("late", date(2026, 2, 1))),  # day 31 after the anchor
    (date(2026, 1, 1), "in_person", ("overdue", None)),  # on the anchor day: not after it
    (date(2026, 1, 15), "phone", ("overdue", None)),
])
def test_the_first_cycle_runs_from_the_enrollment_date(january_member, when, mode, expected):
    record(january_member, at(when), mode)
    rows = stored(january_member, "member_contact")
    assert rows[0][:4] == (JAN_1, date(2026, 1, 31), *expected)
    if expected[0] == "overdue":
        assert len(rows) == 1  # the chain waits for the cycle to be met
    else:  # the next cycle runs from the contact that met this one
        assert rows[1][:2] == (when, when + timedelta(days=30))


# --- The member page ---------------------------------------------------------------------------

def test_the_member_page_shows_the_last_regular_contact_and_the_next_one_due(
        coordinator_client, member):
    member.contact_preference = "telehealth"
    member.save()
    visit = TODAY - timedelta(days=10)
    record(member, at(visit, 9), "in_person", ("with_member", "with_guardian"))
    record(member, at(TODAY - timedelta(days=2), 11), "phone", ("with_guardian",))
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert part(page, "contact-preference").startswith("Telehealth (video)")
    last = part(page, "last-regular-contact")
    assert last.startswith(f"{visit.isoformat()} 09:00 · In person (face to face)")
    assert "with the member, parent or guardian" in last
    due = (visit + timedelta(days=30)).isoformat()
    assert part(page, "next-regular-contact") == f"Next regular contact due {due}"
    assert "Record a contact" in page
    # The timeline says which contact counts as regular contact.
    assert "counts as regular contact" in page and "not regular contact" in page


def test_without_a_contact_the_page_says_it_is_overdue(coordinator_client, member):
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert part(page, "contact-preference").startswith("not chosen yet")
    assert part(page, "last-regular-contact") == "none recorded yet"
    due = (ENROLLED_ON + timedelta(days=30)).isoformat()
    assert part(page, "next-regular-contact") == f"Overdue: regular contact was due {due}"


def test_the_family_s_chosen_mode_is_edited_on_the_member_record(coordinator_client, member):
    url = reverse("members:edit", args=[member.pk])
    form = coordinator_client.get(url).context["form"]
    assert "contact_preference" in form.fields
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(date_of_birth=member.date_of_birth.isoformat(), contact_preference="in_person")
    for name in ("interpreter_needed", "electronic_contact_available"):
        data.pop(name, None)
    assert coordinator_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.get_contact_preference_display() == "Face to face (in person)"
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert part(page, "contact-preference").startswith("Face to face (in person)")


def _page_queries(client, member) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("members:detail", args=[member.pk])).status_code == 200
    return len(captured)


def test_the_member_page_reads_a_fixed_number_of_queries(coordinator_client, member,
                                                         django_assert_max_num_queries):
    record(member, at(TODAY - timedelta(days=40)), staff=make_staff("care_coordinator"))
    baseline = _page_queries(coordinator_client, member)
    for i in range(6):
        record(member, at(TODAY - timedelta(days=30 - 3 * i)), ("in_person", "phone")[i % 2],
               staff=make_staff("care_coordinator"), interpreter_used=True,
               interpreter_language="pt-BR", duration_minutes=20)
    with django_assert_max_num_queries(baseline):
        coordinator_client.get(reverse("members:detail", args=[member.pk]))


# --- The form --------------------------------------------------------------------------------

def _form(coordinator, **change) -> dict:
    stamp = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    return {"contact_at": stamp, "contact_mode": "in_person",
            "parties": ["with_member", "with_guardian"], "participants": "Ana (mother)",
            "staff": coordinator.pk, "duration_minutes": "45", "interpreter_used": "on",
            "interpreter_language": "es", "summary": "Home visit; reviewed the G-tube plan.",
            **change}


def test_the_form_records_a_contact(coordinator_client, coordinator, member):
    url = reverse("members:contact_record", args=[member.pk])
    response = coordinator_client.get(url)
    form = response.context["form"]
    assert form.initial["staff"] == coordinator.pk  # the signed-in user by default
    page = html(response)
    assert re.search(r'type="checkbox"[^>]*name="parties" value="with_guardian"', page)
    assert "parent or guardian" in page and "With whom" in page
    response = coordinator_client.post(url, _form(coordinator))
    assert response.status_code == 302
    contact = Contact.objects.get(member=member)
    assert (contact.contact_mode, contact.parties, contact.duration_minutes) == (
        "in_person", ["the member", "parent or guardian"], 45)
    assert (contact.staff, contact.interpreter_language) == (coordinator, "es")
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert "interpreter: Spanish / Español" in page and "45 min" in page


@pytest.mark.parametrize(("change", "message"), [
    ({"parties": []}, "Record with whom the contact was"),
    ({"interpreter_language": ""}, "Record the language the interpreter interpreted"),
    ({"contact_mode": "phone", "summary": ""}, "This field is required"),
    ({"duration_minutes": "2000"}, "between 1 and 1440 minutes"),
])
def test_a_refused_form_keeps_the_input_and_saves_nothing(coordinator_client, coordinator,
                                                          member, change, message):
    url = reverse("members:contact_record", args=[member.pk])
    before = AuditEvent.objects.filter(action=Action.CREATE).count()
    response = coordinator_client.post(url, _form(coordinator, **change))
    assert response.status_code == 200
    page = html(response)
    assert message in page and "Nothing was saved" in page
    assert "Ana (mother)" in page  # the input is kept
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action=Action.CREATE).count() == before


def test_family_support_reads_but_does_not_record_and_others_see_nothing(client, coordinator,
                                                                         member):
    helper = make_staff("family_support", caregiver_of_special_needs_youth=True)
    care_team_set(member=member, on=ENROLLED_ON, team=[
        (coordinator, "care_coordinator"), (helper, "family_support")])
    url = reverse("members:contact_record", args=[member.pk])
    sign_in(client, helper.user)
    assert client.get(url).status_code == 403
    assert client.post(url, _form(coordinator)).status_code == 403
    page = html(client.get(reverse("members:detail", args=[member.pk])))
    assert 'id="regular-contact"' in page and url not in page
    outsider = make_staff("care_coordinator")
    sign_in(client, outsider.user)
    assert client.get(url).status_code == 404
    assert client.post(url, _form(outsider)).status_code == 404
    assert not Contact.objects.exists()
