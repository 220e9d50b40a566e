"""A care coordinator records an emergency-department visit and its discharge, sees the
discharge follow-up on the worklist, records the follow-up from there and sees it leave, in
Chromium against the live server (PS VI.B.1.i, VI.A.1.b.2; deadlines.md reading 14)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.coordination import services as coordination
from members.models import HospitalStay
from tests.factories import PASSWORD, ProviderFactory, enrolled_member, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(page, artifacts_dir, name: str) -> None:
    """The page at 1280 px and at 390 px (a phone)."""
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_coordinator_records_an_ed_visit_its_discharge_and_follow_up(page, sign_in,
                                                                      artifacts_dir):
    today = timezone.localdate()
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=60),
                             legal_first_name="Rosa", legal_last_name="Quintero")
    hospital = ProviderFactory(kind="health_system", organization="Lowell General Hospital",
                               person="")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")
    expect(page.locator("#stays-table")).to_contain_text("None recorded")

    # The visit, from the member page's quick add.
    page.locator("#quick-add").get_by_role("link", name="Hospital stay or ED visit").click()
    page.get_by_label("Emergency department visit").check()
    page.locator("#id_facility").select_option(str(hospital.pk))
    page.locator("#id_admitted_on").fill((today - timedelta(days=2)).isoformat())
    page.locator("#id_reason").fill("Seizure cluster")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    stay = HospitalStay.objects.get(member=member)
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/hospital-stays/{stay.pk}/$"))
    expect(page.locator("#stay-status")).to_have_text("In progress")

    # The discharge, on the stay page.
    discharged = today - timedelta(days=1)
    page.locator("#discharge #id_discharged_on").fill(discharged.isoformat())
    page.locator("#discharge").get_by_label("The care team took part in discharge planning") \
        .check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the discharge").click()
    expect(page.locator("#stay-status")).to_have_text("Discharged")
    expect(page.locator("#reassessment-suggested")).to_be_visible()
    due = (discharged + timedelta(days=7)).isoformat()
    expect(page.locator("#follow-up-due")).to_contain_text(f"Due {due}")
    expect(page.locator("#icp-sharing")).to_contain_text("no finalized ICP yet")
    _shots(page, artifacts_dir, "hospital-stay-discharged")

    # Another of the coordinator's members is in hospital now.
    theo = enrolled_member(coordinator, referral_date=today - timedelta(days=60),
                           legal_first_name="Theo", legal_last_name="Nguyen")
    coordination.hospital_stay_record(member=theo, setting="inpatient",
                                      admitted_on=today - timedelta(days=3), facility=hospital)

    # The worklist: the follow-up is due, a reassessment is suggested.
    page.goto("/worklist/")
    row = page.locator("tr[data-rule=discharge_follow_up]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Rosa Quintero")
    expect(row).to_contain_text(due)
    expect(page.locator("#worklist-reassessments")).to_contain_text("Rosa Quintero")
    expect(page.locator("#worklist-in-hospital")).to_contain_text("Theo Nguyen")
    expect(page.locator("#worklist-in-hospital")).not_to_contain_text("Rosa Quintero")
    _shots(page, artifacts_dir, "worklist-discharge-follow-up")

    # Record it, from the worklist.
    row.get_by_role("link", name="Record it").click()
    expect(page).to_have_url(re.compile(rf"/hospital-stays/{stay.pk}/follow-up/$"))
    page.get_by_label("What the follow-up found").fill("Home; neurology visit booked.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("#follow-up-done")).to_contain_text(f"Followed up on {today}")
    expect(page.locator("#follow-up-done [data-deadline=discharge_follow_up]")) \
        .to_have_text("met")

    page.goto("/worklist/")
    expect(page.locator("tr[data-rule=discharge_follow_up]")).to_have_count(0)
    expect(page.locator("#worklist-reassessments")).to_contain_text("Rosa Quintero")
    _shots(page, artifacts_dir, "worklist-after-follow-up")

    stay.refresh_from_db()
    assert (stay.setting, stay.facility, stay.discharged_on, stay.discharge_planning,
            stay.follow_up_on) == ("emergency", hospital, discharged, True, today)
