""""Consent given by" is picked from the member's guardians, or the member at 18 or older
(issue 16, item 9); the stored name and relationship come from that choice."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from members.forms import EngagementForm
from members.models import Engagement, EpisodeStatus, Guardian, LegalAuthority
from tests.factories import MemberFactory, sign_in
from tests.members.lifecycle_support import consent, evaluate, refer, refused

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def form_data(giver: str, **extra) -> dict:
    day = TODAY.isoformat()
    return {"educated_on": day, "education_mode": "face_to_face", "rights_given_on": day,
            "choice_explained_on": day, "consent_on": day, "consent_giver": giver, **extra}


def guardians_of(member):
    mother = Guardian.objects.create(member=member, name="Ana Quintero", relationship="mother")
    Guardian.objects.create(member=member, name="Neighbour Lee", relationship="neighbour",
                            legal_authority=LegalAuthority.NONE)
    return mother


def test_a_child_s_consent_is_picked_from_guardians_with_legal_authority():
    member = MemberFactory(date_of_birth=TODAY - relativedelta(years=9))
    mother = guardians_of(member)
    form = EngagementForm(member=member)
    choices = dict(form.fields["consent_giver"].choices)
    assert list(choices) == [str(mother.pk), "other"]  # no neighbour, no 9-year-old
    assert choices[str(mother.pk)] == "Ana Quintero (mother) · Parent with legal custody"
    form = EngagementForm(form_data(str(mother.pk)), member=member)
    assert form.is_valid(), form.errors
    values = form.engagement()
    assert (values["consent_by"], values["consent_relationship"], values["by_member"]) == (
        "Ana Quintero", "mother", False)


def test_a_member_of_18_may_consent_for_themselves():
    member = MemberFactory(date_of_birth=TODAY - relativedelta(years=19),
                           legal_first_name="Rosa", legal_last_name="Quintero")
    form = EngagementForm(form_data("member"), member=member)
    assert "member" in dict(form.fields["consent_giver"].choices)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["consent_by"], form.cleaned_data["consent_relationship"]) == (
        "Rosa Quintero", "self")


def test_someone_else_needs_a_name_and_a_relationship_and_no_choice_is_refused():
    member = MemberFactory(date_of_birth=TODAY - relativedelta(years=9))
    form = EngagementForm(form_data("other", consent_by="Dr. Proxy"), member=member)
    assert not form.is_valid()
    assert list(form.errors) == ["consent_relationship"]
    form = EngagementForm(form_data(""), member=member)
    assert not form.is_valid()
    assert form.errors["consent_giver"] == ["Pick who gave consent."]
    form = EngagementForm(form_data("member"), member=member)  # not offered at 9
    assert "consent_giver" in form.errors


def test_the_service_refuses_a_member_under_18_on_the_consent_date(coordinator):
    member = MemberFactory(date_of_birth=date(2008, 3, 1))  # 17 until 2026-03-01
    episode = refer(member)
    evaluate(episode, coordinator)
    with refused("The member was under 18 on the consent date"):
        consent(episode, on=date(2026, 2, 1), by_member=True, consent_by="Rosa Q.")
    assert consent(episode, on=date(2026, 3, 2), by_member=True).episode.status == \
        EpisodeStatus.CONSENTED


def test_the_consent_page_stores_the_picked_guardian(client, coordinator):
    member = MemberFactory(date_of_birth=TODAY - relativedelta(years=9))
    episode = refer(member, on=TODAY)
    member.care_team.create(staff=coordinator, role="care_coordinator", since=TODAY)
    evaluate(episode, coordinator)
    mother = guardians_of(member)
    sign_in(client, coordinator.user)
    url = reverse("members:consent", args=[member.pk])
    page = client.get(url).content.decode()
    assert "Ana Quintero (mother)" in page and "Neighbour Lee" not in page
    response = client.post(url, form_data(str(mother.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    engagement = Engagement.objects.get(episode=episode)
    assert (engagement.consent_by, engagement.consent_relationship) == ("Ana Quintero",
                                                                        "mother")
