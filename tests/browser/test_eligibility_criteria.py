"""The eligibility form, as a clinician fills it in Chromium: each criterion met or not with
its source, "Eligible" with none met refused (issue 16, item 14; PS I, 130 CMR 433.485)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import EligibilityEvaluation, EpisodeStatus
from tests.factories import PASSWORD, MemberFactory, make_staff
from tests.members.lifecycle_support import refer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_each_criterion_is_met_or_not_with_its_source(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = MemberFactory()
    episode = refer(member)
    member.care_team.create(staff=coordinator, role="care_coordinator",
                            since=episode.referral_date)
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/eligibility/")
    expect(page.get_by_text("130 CMR 433.485").first).to_be_visible()
    page.get_by_label("Evaluated on").fill("2026-01-12")

    # "Eligible" with nothing ticked is refused, next to the criteria; nothing is saved.
    page.get_by_label("Eligible for CARES").check()
    page.get_by_label("Rationale").fill("Functional limitations weighed against the PT report.")
    _save(page)
    expect(page.get_by_text("needs at least one criterion met").first).to_be_visible()
    assert not EligibilityEvaluation.objects.exists()

    page.get_by_label("Under 21 years of age").check()
    page.locator('input[name="source_under_21"]').fill("Birth certificate")
    page.get_by_label("Medical complexity: chronic conditions across multiple systems").check()
    page.locator('input[name="source_medical_complexity"]').fill("Neurology note, January")
    page.screenshot(path=str(artifacts_dir / "eligibility-criteria.png"), full_page=True)
    _save(page)
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.locator("#episode-status")).to_have_text("Evaluated: eligible")
    expect(page.locator("#evaluation-criteria"))\
        .to_contain_text("Under 21 years of age: met (Birth certificate)")
    expect(page.locator("#evaluation-criteria")).to_contain_text("MassHealth member: not met")

    evaluation = EligibilityEvaluation.objects.get()
    assert evaluation.criteria_met == ["under_21", "medical_complexity"]
    assert evaluation.sources == {"under_21": "Birth certificate",
                                  "medical_complexity": "Neurology note, January"}
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ELIGIBLE
