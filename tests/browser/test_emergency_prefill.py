"""Issue 16, item 7, in Chromium: the coordinator opens the emergency plan of a new ICP
version and finds the medications, allergies and equipment from the assessment already
there, says where they came from, adds the dose and saves: nothing typed twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from careplans import services
from careplans.models import Allergy, EmergencyMedication
from cares.base.staff.models import Role
from tests.factories import PASSWORD, completed_assessment, enrolled_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def test_the_emergency_plan_starts_from_the_assessment(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=15))
    assessed = TODAY - timedelta(days=2)
    completed_assessment(member, coordinator, completed_on=assessed,
                         medications="Levetiracetam\nAlbuterol inhaler",
                         allergies="Penicillin", dme="Wheelchair")
    plan = services.care_plan_start(member=member, actor=coordinator.user)
    sign_in(coordinator.user.email, PASSWORD)

    page.goto(f"/members/{member.pk}/care-plans/{plan.pk}/")
    page.get_by_role("link", name="Edit emergency plan").click()
    expect(page.get_by_text(f"from the assessment of {assessed.isoformat()}").first).to_be_visible()
    expect(page.locator('[name="medications-0-name"]')).to_have_value("Levetiracetam")
    expect(page.locator('[name="medications-1-name"]')).to_have_value("Albuterol inhaler")
    expect(page.locator('[name="allergies-0-allergen"]')).to_have_value("Penicillin")
    expect(page.locator('[name="accommodations"]')).to_have_value(
        "Durable medical equipment: Wheelchair")
    page.locator('[name="medications-0-dose"]').fill("250 mg")
    page.locator('[name="medications-1-dose"]').fill("2 puffs")
    page.screenshot(path=str(artifacts_dir / "emergency-prefill.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("#plan-status")).to_be_visible()
    assert sorted(EmergencyMedication.objects.filter(plan=plan).values_list("name", "dose")) \
        == [("Albuterol inhaler", "2 puffs"), ("Levetiracetam", "250 mg")]
    assert list(Allergy.objects.filter(plan=plan).values_list("allergen", flat=True)) == [
        "Penicillin"]
