"""A care coordinator records a referral, carries it through its closed loop to a follow-up,
and records a monitoring review, from the member page, in Chromium against the live server
(PS VI.D.1-2; CLR)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import MonitoringReview, ServiceReferral
from tests.factories import PASSWORD, ProviderFactory, enrolled_member, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_coordinator_records_a_referral_its_follow_up_and_a_monitoring_review(
        page, sign_in, artifacts_dir):
    today = timezone.localdate()
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=60),
                             legal_first_name="Rosa", legal_last_name="Quintero")
    provider = ProviderFactory(organization="Example Pulmonology", person="Dr. Lung")
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")

    # Quick add from the member page: the referral (PS VI.B.1.f).
    page.locator("#quick-add").get_by_role("link", name="Referral").click()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/referrals/new/$"))
    page.locator("#id_service").fill("Pediatric pulmonology")
    page.locator("#id_provider").select_option(str(provider.pk))
    page.locator("#id_referred_on").fill((today - timedelta(days=20)).isoformat())
    page.locator("#id_scheduled_on").fill((today - timedelta(days=5)).isoformat())
    page.locator("#id_referrer_kind").select_option("professional")
    page.locator("#id_referrer_name").fill("Lowell Pediatrics")
    _save(page)
    referral = ServiceReferral.objects.get(member=member)
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/referrals/{referral.pk}/$"))
    expect(page.locator("#referral-status")).to_have_text(re.compile("Pending"))
    expect(page.locator("#fhir-status")).to_have_text("FHIR Task: requested")
    due = (today + timedelta(days=25)).isoformat()
    expect(page.locator("#follow-up-due")).to_contain_text(due)

    # The provider accepts (CLR); the change is kept with its date and author.
    page.get_by_role("link", name="Change status").click()
    page.locator("#id_to_status").select_option("accepted")
    page.locator("#id_changed_on").fill((today - timedelta(days=15)).isoformat())
    _save(page)
    expect(page.locator("#referral-status")).to_have_text(re.compile("Accepted"))
    expect(page.locator("#status-history tbody tr")).to_have_count(2)
    expect(page.locator("#status-history")).to_contain_text(str(coordinator.user))

    # The follow-up (PS VI.D.2.a-b).
    page.get_by_role("link", name="Record follow-up").click()
    page.locator("#id_with_kind").select_option("member_family")
    page.locator("#id_with_whom").fill("Ana Quintero (mother)")
    page.locator("input[name=services_received][value=yes]").check()
    page.locator("input[name=met_need][value=yes]").check()
    page.locator("#id_notes").fill("Seen by pulmonology; inhaler plan in place.")
    _save(page)
    expect(page.locator("#follow-ups")).to_contain_text("Ana Quintero (mother)")
    expect(page.locator("#follow-up-due [data-deadline=referral_follow_up]")).to_have_text("met")
    expect(page.locator("#fhir-status")).to_have_text("FHIR Task: in-progress")

    # Back on the member page: a monitoring review (PS VI.D.1).
    page.get_by_role("link", name="Rosa Quintero").click()
    page.locator("#quick-add").get_by_role("link", name="Monitoring review").click()
    page.locator("#id_participants").fill("Ana Quintero, care coordinator, RN")
    page.locator("input[name=services_per_icp][value=yes]").check()
    page.locator("input[name=services_adequate][value=yes]").check()
    page.locator("input[name=changes_reflected][value=no]").check()
    _save(page)
    expect(page.locator("#refusal")).to_contain_text("the ICP must be updated")
    page.locator("#id_icp_update_needed").check()
    _save(page)
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.get_by_role("alert").filter(has_text="Monitoring review recorded.")) \
        .to_be_visible()
    expect(page.locator("#monitoring-list")).to_contain_text("Ana Quintero, care coordinator")
    expect(page.locator("[data-flag=icp-update]")).to_be_visible()
    row = page.locator("#referrals-table tbody tr", has_text="Pediatric pulmonology")
    expect(row).to_contain_text("Accepted")
    timeline = page.locator("#timeline")
    for text in ("Referred to Pediatric pulmonology", "Referral accepted: Pediatric pulmonology",
                 "Referral follow-up: Pediatric pulmonology", "Monitoring review"):
        expect(timeline).to_contain_text(text)
    page.screenshot(path=str(artifacts_dir / "coordination.png"), full_page=True)

    # The worklist shows the referral with its follow-up met.
    page.get_by_role("link", name="All my referrals").click()
    expect(page.locator("#referrals-worklist")).to_contain_text("Pediatric pulmonology")
    expect(page.locator("#referrals-worklist")).to_contain_text("Rosa Quintero")

    review = MonitoringReview.objects.get(member=member)
    assert (review.services_per_icp, review.changes_reflected, review.icp_update_needed) == (
        True, False, True)
    assert review.recorded_by == coordinator.user
    assert referral.follow_ups.get().met_need is True
