"""Issue 16, items 10 and 12, in Chromium: a coordinator records a follow-up that met the
need and closes the referral loop in the same step; at removal of assignment the page lists
the referral still open, its "Close the loop" link leads to the status form set to closed; a
refused reason ("independent choice" for a 9-year-old) is shown next to the Reason field."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.coordination import services as coordination
from members.models import ServiceReferral
from tests.factories import PASSWORD, enrolled_member, make_referral, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_a_follow_up_closes_the_loop_and_removal_lists_the_open_one(
        page, sign_in, artifacts_dir):
    today = timezone.localdate()
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=60),
                             date_of_birth=today.replace(year=today.year - 9),
                             legal_first_name="Rosa", legal_last_name="Quintero")
    met = make_referral(member, service="Pediatric pulmonology",
                        referred_on=today - timedelta(days=20),
                        scheduled_on=today - timedelta(days=10))
    coordination.referral_status_change(referral=met, to_status="accepted",
                                        on=today - timedelta(days=15))
    still_open = make_referral(member, service="Audiology",
                               referred_on=today - timedelta(days=5))
    sign_in(coordinator.user.email, PASSWORD)

    # The follow-up, with the loop closed in the same step.
    page.goto(f"/members/{member.pk}/referrals/{met.pk}/")
    page.get_by_role("link", name="Record follow-up").click()
    page.locator("#id_with_kind").select_option("member_family")
    page.locator("#id_with_whom").fill("Ana Quintero (mother)")
    page.locator("input[name=services_received][value=yes]").check()
    page.locator("input[name=met_need][value=yes]").check()
    page.get_by_label(re.compile("Close the referral loop now")).check()
    _save(page)
    expect(page.locator("#referral-status")).to_have_text(re.compile("Closed"))
    expect(page.locator(".alert-success")).to_contain_text("the referral loop is closed")
    expect(page.locator("#fhir-status")).to_have_text("FHIR Task: completed")
    assert ServiceReferral.objects.get(pk=met.pk).closure_reason == "services_received"

    # Removal of assignment: the open referral is listed for closing.
    page.goto(f"/members/{member.pk}/removal/")
    listed = page.locator("#open-referrals")
    expect(listed).to_contain_text("Audiology")
    expect(listed).not_to_contain_text("Pediatric pulmonology")

    # A reason refused for one field is shown next to that field.
    page.locator("#id_reason").select_option("independent_choice")
    page.locator("#id_planned_termination_date").fill((today + timedelta(days=30)).isoformat())
    _save(page)
    reason_error = page.locator("#id_reason").locator("xpath=..").locator(".invalid-feedback")
    expect(reason_error).to_contain_text("the member is 9")
    page.screenshot(path=str(artifacts_dir / "removal-open-referrals.png"), full_page=True)

    listed.get_by_role("link", name="Close the loop").click()
    expect(page.locator("#id_to_status")).to_have_value("closed")
    page.locator("#id_closure_reason").select_option("member_declined")
    _save(page)
    expect(page.locator("#referral-status")).to_have_text(re.compile("Closed"))
    assert ServiceReferral.objects.get(pk=still_open.pk).status == "closed"
