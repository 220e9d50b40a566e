"""Issue 16, item 7: the aftercare/transition plan (PS IX.B) starts from what was entered
elsewhere: the medications, allergies and DME of the ICP in force, the services in place from
its care team, the member's open referrals. Each is only offered, says where it came from,
and is kept only as the user saves it; a field the plan already has is never offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Removal
from members.selectors import aftercare_starting_values
from tests.factories import enrolled_member, finalized_care_plan, make_referral, sign_in
from tests.members.lifecycle_support import episode_of, remove

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FINALIZED = TODAY - timedelta(days=5)


@pytest.fixture
def member(coordinator):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=40))
    finalized_care_plan(member, coordinator, on=FINALIZED)
    make_referral(member, service="Adult neurology", referred_on=TODAY - timedelta(days=3))
    remove(episode_of(member), on=TODAY)
    return member


def url(member) -> str:
    return reverse("members:aftercare", args=[member.pk])


def test_the_empty_fields_are_offered_with_where_they_came_from(client, coordinator, member):
    response = sign_in(client, coordinator.user).get(url(member))
    form = response.context["form"]
    assert form["medications"].value().startswith("Levetiracetam, 250 mg, twice daily")
    assert "Allergies: Penicillin, hives" in form["medications"].value()
    assert "PCP or PCP designee: Dr. Example" in form["services_in_place"].value()
    assert form["referrals"].value().startswith("Adult neurology, referred ")
    assert form["recommendations"].value() in ("", None)  # nothing entered elsewhere
    page = response.content.decode()
    assert f"Starting value from ICP version 1, finalized {FINALIZED.isoformat()}" in page
    assert "Starting value from the member's open referrals" in page
    assert "nothing is kept until you save" in page
    stored = Removal.objects.get()
    assert (stored.medications, stored.services_in_place, stored.referrals) == ("", "", "")


def test_saving_keeps_the_values_as_edited_and_then_nothing_is_offered(
        client, coordinator, member):
    client = sign_in(client, coordinator.user)
    form = client.get(url(member)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["medications"] = "Levetiracetam 500 mg twice daily (drowsiness)."
    assert client.post(url(member), data).status_code == 302
    stored = Removal.objects.get()
    assert stored.medications == "Levetiracetam 500 mg twice daily (drowsiness)."
    assert stored.referrals.startswith("Adult neurology")
    assert "Dr. Example" in stored.services_in_place
    page = client.get(url(member)).content.decode()
    assert "Starting value" not in page and "nothing is kept until you save" not in page


def test_a_field_the_plan_has_is_never_offered(coordinator, member):
    removal = Removal.objects.get()
    removal.medications = "None."
    removal.save()
    offered = aftercare_starting_values(removal)
    assert set(offered) == {"referrals", "services_in_place"}
    assert offered["referrals"]["source"] == "from the member's open referrals"


def test_a_member_with_nothing_entered_elsewhere_gets_no_starting_values(coordinator):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=40))
    removal = remove(episode_of(member), on=TODAY)
    assert aftercare_starting_values(removal) == {}
