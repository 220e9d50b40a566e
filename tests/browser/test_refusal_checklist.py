"""Refusals as a checklist (issue 16, item 12), in Chromium: a coordinator tries to finalize an
incomplete ICP and to terminate with an incomplete aftercare plan, sees what is missing grouped
by section, clicks an item and lands on the field that supplies it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from careplans import services as careplans
from careplans.models import CarePlanStatus
from cares.base.staff.models import Role
from members import services
from members.models import EpisodeStatus
from tests.factories import PASSWORD, enrolled_member, make_staff
from tests.members.lifecycle_support import removal_under_way

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _shots(page, artifacts_dir, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts_dir / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_refused_finalize_is_a_checklist_that_leads_to_each_field(page, sign_in,
                                                                     artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator)
    plan = careplans.care_plan_start(member=member, actor=coordinator.user)
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/care-plans/{plan.pk}/finalize/")
    _submit(page, "Finalize")

    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("Refused; nothing was saved.")
    sections = refusal.locator("h2.checklist-section")
    expect(sections.first).to_have_text("Comprehensive assessment")
    for title in ("Care planning meeting and participants", "Care managers and care team",
                  "Goals", "Emergency plan"):
        expect(refusal.get_by_role("heading", name=title, exact=True)).to_be_visible()
    _shots(page, artifacts_dir, "refusal-checklist-finalize")

    refusal.get_by_role("link", name="the date of the care planning meeting").click()
    expect(page).to_have_url(re.compile(rf"/care-plans/{plan.pk}/meeting/#id_meeting_on$"))
    expect(page.locator("#id_meeting_on")).to_be_in_viewport()
    expect(page.locator('label[for="id_meeting_on"]')).to_contain_text("Needed to finalize")

    # The plan's own page lists what is missing the same way.
    page.goto(f"/members/{member.pk}/care-plans/{plan.pk}/")
    page.locator("#missing").get_by_role("link", name="a goal of kind: clinical").click()
    expect(page).to_have_url(re.compile(r"/goals/#formset-goals$"))
    expect(page.locator("#formset-goals")).to_be_in_viewport()
    expect(page.locator("#formset-goals legend")).to_contain_text("Needed to finalize")
    _shots(page, artifacts_dir, "refusal-checklist-goals")
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.DRAFT


def test_a_refused_termination_is_a_checklist_that_leads_to_each_field(page, sign_in,
                                                                        artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    removal = removal_under_way(coordinator)
    member = removal.episode.member
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/terminate/")
    page.get_by_label("Termination date").fill("2026-06-20")
    _submit(page, "Save")

    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("Refused; nothing was saved.")
    expect(refusal.get_by_role("heading", name="Removal and signed consent")).to_be_visible()
    expect(refusal.get_by_role("heading", name="Aftercare/transition plan")).to_be_visible()
    expect(refusal.get_by_role("link")).to_have_count(5)
    _shots(page, artifacts_dir, "refusal-checklist-terminate")

    refusal.get_by_role("link", name="referrals to other service providers").click()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/aftercare/#id_referrals$"))
    expect(page.locator("#id_referrals")).to_be_in_viewport()
    expect(page.locator('label[for="id_referrals"]')).to_contain_text(
        "Needed to complete the plan")
    _shots(page, artifacts_dir, "refusal-checklist-aftercare")
    assert services.current_episode(member).status == EpisodeStatus.REMOVAL_INITIATED
