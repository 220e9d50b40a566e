"""A care coordinator takes a referral in and carries it to enrollment, in Chromium against
the live server (PS VIII)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import EpisodeStatus, Member
from tests.factories import PASSWORD, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_coordinator_takes_in_a_referral_and_enrolls_the_member(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    sign_in(coordinator.user.email, PASSWORD)

    # Signed-in coordinators land on their worklist.
    expect(page).to_have_url(re.compile(r"/worklist/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    expect(page.locator("#caseload-table")).to_contain_text("No members here yet.")

    # Intake: the member and the referral in one form.
    page.get_by_role("link", name="New member").click()
    expect(page).to_have_url(re.compile(r"/members/new/$"))
    page.get_by_label("Legal first name").fill("Rosa")
    page.get_by_label("Legal last name").fill("Quintero")
    page.get_by_label("Date of birth").fill("2016-03-04")
    page.get_by_label("MassHealth ID").fill("1002 0030 0400")
    page.get_by_label("Primary language").fill("pt-BR")
    page.get_by_label("Preferred written language").fill("pt-BR")
    page.get_by_label("Referral source").select_option("pcp")
    page.get_by_label("Referring entity").fill("Lowell Pediatrics")
    expect(page.get_by_label("Assigned to")).to_contain_text(str(coordinator))
    _save(page)

    member = Member.objects.get(masshealth_id="100200300400")
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/eligibility/$"))
    expect(page.get_by_role("alert").filter(has_text="Rosa Quintero was referred on"))\
        .to_be_visible()

    # Eligibility evaluation (PS I, VIII), with the coordinator as evaluator by default.
    page.get_by_label("Under 21 years of age").check()
    page.get_by_label("MassHealth member").check()
    page.get_by_label("Medical complexity: chronic conditions across multiple systems").check()
    page.get_by_label("Eligible for CARES").check()
    page.get_by_label("Rationale").fill("Seizure disorder, G-tube feeds, three specialists.")
    _save(page)
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.locator("#episode-status")).to_have_text("Evaluated: eligible")

    # Education and consent (PS VIII).
    page.get_by_role("link", name="Record education and consent").click()
    page.get_by_label("How").select_option("face_to_face")
    page.get_by_label("Consent given by (name)").fill("Ana Quintero")
    page.get_by_label("Relationship to the member").fill("mother")
    _save(page)
    expect(page.locator("#episode-status")).to_have_text("Consented")

    # Enrollment, with themselves as the designated primary contact (PS VI.B.1.a).
    page.get_by_role("link", name="Enroll", exact=True).click()
    expect(page.get_by_label("Designated primary contact")).to_have_value(str(coordinator.pk))
    _save(page)

    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.get_by_role("heading", name=re.compile(r"Rosa Quintero\s+Enrolled")))\
        .to_be_visible()
    expect(page.locator("#episode-status")).to_have_text("Enrolled")
    expect(page.get_by_role("alert").filter(has_text="Rosa Quintero is enrolled from"))\
        .to_be_visible()
    expect(page.locator("#care-team-table")).to_contain_text(str(coordinator))
    expect(page.locator("#care-team-table")).to_contain_text("primary contact")
    expect(page.locator("#stepper .step-done")).to_have_count(3)
    expect(page.get_by_text("Portuguese (Brazil) / Português do Brasil").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "intake.png"), full_page=True)

    episode = member.episodes.get()
    assert episode.status == EpisodeStatus.ENROLLED
    assert episode.primary_contact == coordinator
    assert list(episode.status_changes.values_list("changed_by", flat=True)) == [
        coordinator.user.pk] * 4

    # Back on the caseload, the member is theirs.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    row = page.locator("#caseload-table tbody tr", has_text="Rosa Quintero")
    expect(row).to_contain_text("Enrolled")
    expect(row).to_contain_text("100200300400")
