"""Issue 16, items 10 and 12: a follow-up that records services received that met the need
closes the referral loop in the same step (CLR closure reason "services received"); open
referrals are listed for closing on the removal and termination pages; a refusal about one
field is shown next to that field, not only in the banner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.coordination import services as coordination
from members.coordination.models import ReferralFollowUp, ReferralStatus, ServiceReferral
from members.models import RemovalReason
from tests.factories import enrolled_member, make_referral, sign_in
from tests.members.coordination_support import refused

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REFERRED_ON = TODAY - timedelta(days=90)
S = ReferralStatus


def day(n: int = 0) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=REFERRED_ON,
                           date_of_birth=TODAY.replace(year=TODAY.year - 9))


@pytest.fixture
def referral(member):
    return make_referral(member, referred_on=TODAY - timedelta(days=20),
                         scheduled_on=TODAY - timedelta(days=10))


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator.user)


def url(name: str, member, *args) -> str:
    return reverse(f"members:{name}", args=[member.pk, *args])


def follow_up(**fields):
    return {"followed_up_on": day(-2), "with_kind": "provider", "with_whom": "Dr. Lung",
            "services_received": "yes", "met_need": "yes", "notes": "Seen.", **fields}


# --- The service ---------------------------------------------------------------------------------

def test_a_follow_up_that_met_the_need_closes_the_loop_in_the_same_step(referral, coordinator):
    coordination.referral_follow_up_record(
        referral=referral, followed_up_on=TODAY - timedelta(days=2), with_whom="Dr. Lung",
        services_received=True, met_need=True, close_loop=True, actor=coordinator.user)
    referral.refresh_from_db()
    assert (referral.status, referral.closure_reason, referral.closed_on) == (
        S.CLOSED, "services_received", TODAY - timedelta(days=2))
    assert referral.status_changes.filter(to_status=S.CLOSED,
                                          changed_by=coordinator.user).count() == 1
    assert referral.follow_ups.count() == 1


@pytest.mark.parametrize(("received", "met"), [(True, False), (False, None)])
def test_closing_needs_services_received_that_met_the_need(referral, received, met):
    messages = refused(lambda: coordination.referral_follow_up_record(
        referral=referral, followed_up_on=TODAY, with_whom="Mother",
        services_received=received, met_need=met, close_loop=True),
        "Only services received that met the member's need close the loop")
    assert messages
    referral.refresh_from_db()
    assert referral.status == S.PENDING


def test_a_refused_closure_keeps_no_follow_up_either(referral):
    coordination.referral_status_change(referral=referral, to_status=S.ACCEPTED, on=TODAY)
    # The closure may not predate the last status change: the follow-up is rolled back too.
    refused(lambda: coordination.referral_follow_up_record(
        referral=referral, followed_up_on=TODAY - timedelta(days=5), with_whom="Mother",
        services_received=True, met_need=True, close_loop=True),
        "cannot predate the referral's last status change")
    assert not ReferralFollowUp.objects.exists()


# --- The pages -----------------------------------------------------------------------------------

def test_the_follow_up_page_offers_to_close_and_closes(coordinator_client, member, referral):
    page = coordinator_client.get(url("referral_follow_up", member, referral.pk))
    assert 'name="close_loop"' in page.content.decode()
    response = coordinator_client.post(url("referral_follow_up", member, referral.pk),
                                       follow_up(close_loop="on"))
    assert response.status_code == 302
    assert ServiceReferral.objects.get().status == S.CLOSED
    # Once closed, the choice is no longer offered.
    page = coordinator_client.get(url("referral_follow_up", member, referral.pk))
    assert 'name="close_loop"' not in page.content.decode()


def test_closing_an_unmet_need_is_refused_next_to_the_box(coordinator_client, member,
                                                          referral):
    response = coordinator_client.post(url("referral_follow_up", member, referral.pk),
                                       follow_up(met_need="no", close_loop="on"))
    assert response.status_code == 200
    assert "close_loop" in response.context["form"].errors
    assert not ReferralFollowUp.objects.exists()
    assert ServiceReferral.objects.get().status == S.PENDING


def test_open_referrals_are_listed_for_closing_at_removal(coordinator_client, member,
                                                         referral):
    closed = make_referral(member, service="Audiology", referred_on=TODAY - timedelta(days=5))
    coordination.referral_status_change(referral=closed, to_status=S.CLOSED, on=TODAY,
                                        reason="member_declined")
    page = coordinator_client.get(url("removal", member)).content.decode()
    assert 'id="open-referrals"' in page and "Pediatric pulmonology" in page
    assert "Audiology" not in page
    assert url("referral_status", member, referral.pk) + "?to_status=closed" in page
    page = coordinator_client.get(url("referral_status", member, referral.pk)
                                  + "?to_status=closed")
    assert page.context["form"]["to_status"].value() == "closed"


def test_no_open_referrals_no_list(coordinator_client, member):
    page = coordinator_client.get(url("removal", member)).content.decode()
    assert 'id="open-referrals"' not in page


# --- Item 12: refusals about one field are shown next to it ---------------------------------------

def test_a_scheduled_date_before_the_referral_is_shown_next_to_it(coordinator_client, member):
    response = coordinator_client.post(url("referral_add", member), {
        "service": "Audiology", "referred_on": day(-5), "scheduled_on": day(-9),
        "referrer_kind": "cares_team"})
    assert response.status_code == 200
    assert response.context["form"].errors["scheduled_on"] == [
        "The scheduled service date is before the referral date."]


def test_a_decline_without_a_reason_is_shown_next_to_the_reason(coordinator_client, member,
                                                                referral):
    response = coordinator_client.post(url("referral_status", member, referral.pk), {
        "to_status": "declined", "changed_on": day(), "decline_reason": "",
        "closure_reason": "", "status_note": ""})
    assert response.status_code == 200
    assert "decline_reason" in response.context["form"].errors
    assert ServiceReferral.objects.get().status == S.PENDING


def test_independent_choice_for_a_nine_year_old_is_shown_next_to_the_reason(
        coordinator_client, member):
    response = coordinator_client.post(url("removal", member), {
        "initiated_on": day(), "reason": RemovalReason.INDEPENDENT_CHOICE,
        "planned_termination_date": day(30)})
    assert response.status_code == 200
    errors = response.context["form"].errors["reason"]
    assert any("the member is 9" in e for e in errors)
