"""Issue 16, item 7, in Chromium: the coordinator starts the removal of a member whose ICP is
finalized and finds the aftercare/transition plan (PS IX.B) already holding the medications,
the services in place and the open referrals, each saying where it came from; edits one and
saves: the plan keeps what the coordinator saved, nothing typed twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import Removal
from tests.factories import (
    PASSWORD,
    enrolled_member,
    finalized_care_plan,
    make_referral,
    make_staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def test_the_aftercare_plan_starts_from_the_icp(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=60))
    finalized = TODAY - timedelta(days=10)
    finalized_care_plan(member, coordinator, on=finalized)
    make_referral(member, service="Adult neurology", referred_on=TODAY - timedelta(days=2))
    sign_in(coordinator.user.email, PASSWORD)

    page.goto(reverse("members:removal", args=[member.pk]))
    page.locator('[name="reason"]').select_option("goals_met")
    page.locator('[name="planned_termination_date"]').fill(
        (TODAY + timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert Removal.objects.filter(episode__member=member).exists()

    page.goto(reverse("members:aftercare", args=[member.pk]))
    medications = page.locator('[name="medications"]')
    expect(medications).to_have_value(
        "Levetiracetam, 250 mg, twice daily\nAllergies: Penicillin, hives\n"
        "Local anesthesia for IV access.")
    expect(page.get_by_text(
        f"Starting value from ICP version 1, finalized {finalized.isoformat()}").first) \
        .to_be_visible()
    expect(page.locator('[name="services_in_place"]')).to_have_value(
        "PCP or PCP designee: Dr. Example, Example Pediatrics, 617-555-0150\nPT weekly; CSN.")
    expect(page.locator('[name="referrals"]')).to_have_value(
        f"Adult neurology, referred {(TODAY - timedelta(days=2)).isoformat()} "
        "(Pending: sent, the provider has not yet confirmed)")
    expect(page.get_by_text("Starting value from the member's open referrals")).to_be_visible()
    expect(page.locator('[name="recommendations"]')).to_have_value("")
    # Only offered: nothing is kept until the coordinator saves.
    assert Removal.objects.get(episode__member=member).medications == ""

    medications.fill("Levetiracetam 500 mg twice daily (may cause drowsiness); wheelchair.")
    page.locator('[name="recommendations"]').fill("PCP visits every three months.")
    for width, height, name in ((1280, 900, "aftercare-prefill.png"),
                                (390, 844, "aftercare-prefill-390.png")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artifacts_dir / name), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Aftercare/transition plan saved")).to_be_visible()
    stored = Removal.objects.get(episode__member=member)
    assert stored.medications == \
        "Levetiracetam 500 mg twice daily (may cause drowsiness); wheelchair."
    assert stored.recommendations == "PCP visits every three months."
    assert stored.services_in_place.startswith("PCP or PCP designee: Dr. Example")
    assert stored.referrals.startswith("Adult neurology, referred ")
