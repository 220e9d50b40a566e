"""The senior medical professional's own page (PS IV.A.2): the consultations addressed to
them, answered there within one business day; nothing else of the member's record, and no
one else's consultations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from members.coordination import services as coordination
from members.models import ConsultationRequest
from tests.factories import enrolled_member, make_medical, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(coordinator):
    doctor, colleague = make_medical(), make_medical()
    member = enrolled_member(coordinator, legal_last_name="Consultsentinel")
    asked = timezone.now() - timedelta(hours=3)
    mine = coordination.consult_request(member=member, requested_at=asked, consultant=doctor,
                                        question="Is the new seizure plan safe with PT?",
                                        requested_by=coordinator)
    theirs = coordination.consult_request(member=member, requested_at=asked,
                                          consultant=colleague, question="Colleague's own.",
                                          requested_by=coordinator)
    return doctor, colleague, member, mine, theirs


def client_for(profile) -> Client:
    return sign_in(Client(), profile.user)


def test_the_queue_shows_only_my_consultations_and_records_who_was_shown(setting):
    doctor, _colleague, member, mine, theirs = setting
    client = client_for(doctor)
    assert client.get(reverse("home")).url == reverse("members:consultations")
    page = client.get(reverse("members:consultations"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Is the new seizure plan safe with PT?" in text and "Colleague's own." not in text
    assert reverse("members:consult_answer", args=[member.pk, mine.pk]) in text
    assert AuditEvent.objects.filter(action=Action.LIST, member_id=member.pk,
                                     actor=doctor.user).count() == 1
    # Still no member record for them.
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404


def test_i_record_my_answer_and_the_deadline_is_met(setting):
    doctor, _colleague, member, mine, _theirs = setting
    client = client_for(doctor)
    url = reverse("members:consult_answer", args=[member.pk, mine.pk])
    assert client.get(url).status_code == 200
    answered = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"responded_at": answered, "response_mode": "phone",
                                 "response": "Yes; keep rescue medication at PT."})
    assert response.status_code == 302 and response.url == reverse("members:consultations")
    mine.refresh_from_db()
    assert mine.response == "Yes; keep rescue medication at PT." and mine.responded_at
    assert AuditEvent.objects.filter(action=Action.UPDATE, member_id=member.pk,
                                     actor=doctor.user).exists()
    page = client.get(reverse("members:consultations")).content.decode()
    assert 'data-deadline="medical_consult_response"' in page and "met" in page
    # Answered once only: a second answer is refused and nothing changes.
    again = client.post(url, {"responded_at": answered, "response_mode": "phone",
                              "response": "Changed my mind."})
    assert again.status_code == 200 and "already answered" in again.content.decode()
    mine.refresh_from_db()
    assert mine.response == "Yes; keep rescue medication at PT."


def test_a_colleagues_consultation_is_404_and_the_denial_recorded(setting):
    doctor, colleague, member, _mine, theirs = setting
    client = client_for(doctor)
    before = AuditEvent.objects.filter(action=Action.DENIED).count()
    url = reverse("members:consult_answer", args=[member.pk, theirs.pk])
    for send in (client.get, client.post):
        response = send(url, {"response_mode": "phone", "response": "x"}) \
            if send == client.post else send(url)
        assert response.status_code == 404
        assert "Consultsentinel" not in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.DENIED).count() == before + 2
    theirs.refresh_from_db()
    assert theirs.responded_at is None

def test_my_consultation_under_another_members_url_is_404(coordinator, setting):
    doctor, _colleague, _member, mine, _theirs = setting
    other = enrolled_member(coordinator)
    url = reverse("members:consult_answer", args=[other.pk, mine.pk])
    assert client_for(doctor).get(url).status_code == 404
    assert ConsultationRequest.objects.get(pk=mine.pk).responded_at is None


def test_others_have_no_consultation_queue(coordinator, setting):
    assert client_for(coordinator).get(reverse("members:consultations")).status_code == 403
