"""Repeating rows are added and removed in place, without saving and reopening: an ICP
draft's goals and the parents and guardians at intake (static/js/formset-rows.js), in
Chromium against the live server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from careplans import services
from careplans.models import CarePlan
from cares.base.staff.models import Role
from members.models import Member
from tests.factories import PASSWORD, completed_assessment, enrolled_member, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def _draft_with_two_goals(coordinator):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=15))
    completed_assessment(member, coordinator)
    plan = services.care_plan_start(member=member, actor=coordinator.user)
    services.care_plan_update(plan=plan, values={}, actor=coordinator.user, rows={"goals": [
        {"id": None, "kind": "clinical", "term": "short", "description": "Fewer seizures",
         "target_date": TODAY + timedelta(days=90)},
        {"id": None, "kind": "social", "term": "long", "description": "Join a music group",
         "target_date": TODAY + timedelta(days=180)}]})
    return member, plan


def _shots(page, artifacts_dir, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts_dir / f"{name}_{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_goals_are_added_and_removed_in_place_and_saved_once(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member, plan = _draft_with_two_goals(coordinator)
    fewer, music = plan.goals.order_by("pk")
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/care-plans/{plan.pk}/goals/")
    goals = page.locator("#formset-goals")
    add = goals.get_by_role("button", name="Add a row to Goals")
    # With script, the hint about saving for more rows gives way to the button.
    expect(add).to_be_visible()
    expect(goals.get_by_text("Save to get more empty rows.")).to_be_hidden()
    total = page.locator('[name="goals-TOTAL_FORMS"]')
    expect(total).to_have_value("4")  # two goals and two empty rows

    # Keyboard: the button is reached by Tab from the last field and works with Enter.
    page.locator('[name="goals-3-target_date"]').focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if add.evaluate("b => b === document.activeElement"):
            break
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    expect(total).to_have_value("5")
    expect(page.locator('[name="goals-4-kind"]')).to_be_focused()
    expect(goals.locator("[data-formset-status]")).to_have_text("A new row was added.")
    page.locator('[name="goals-4-kind"]').select_option("functional")
    page.locator('[name="goals-4-term"]').select_option("short")
    page.locator('[name="goals-4-description"]').fill("Walks with a walker at school")
    page.locator('[name="goals-4-target_date"]').fill((TODAY + timedelta(days=60)).isoformat())

    # A second new row, filled in and then removed again: it leaves the page.
    add.click()
    expect(total).to_have_value("6")
    page.locator('[name="goals-5-description"]').fill("Not meant")
    new_row = page.locator("[data-formset-row]").filter(has=page.locator('[name="goals-5-kind"]'))
    new_row.get_by_role("button", name="Remove").click()
    expect(new_row).to_be_hidden()
    expect(add).to_be_focused()

    # An existing goal removed, with an Undo; another removed and kept again with Undo.
    rows = goals.locator("[data-formset-rows] > [data-formset-row]")
    rows.nth(0).get_by_role("button", name="Remove").click()
    expect(rows.nth(0)).to_contain_text("This row is removed when you save.")
    expect(page.locator('[name="goals-0-description"]')).to_be_hidden()
    rows.nth(1).get_by_role("button", name="Remove").click()
    rows.nth(1).get_by_role("button", name="Undo").click()
    expect(page.locator('[name="goals-1-description"]')).to_be_visible()
    expect(rows.nth(0).get_by_role("button", name="Undo")).to_be_visible()
    _shots(page, artifacts_dir, "repeating_rows_goals")

    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    page.screenshot(path=str(artifacts_dir / "repeating_rows_goals_saved.png"), full_page=True)
    expect(page).to_have_url(re.compile(rf"/care-plans/{plan.pk}/$"))
    saved = CarePlan.objects.get(pk=plan.pk).goals.order_by("pk")
    assert [(g.kind, g.description) for g in saved] == [
        ("social", "Join a music group"), ("functional", "Walks with a walker at school")]
    assert not saved.filter(pk=fewer.pk).exists() and saved.filter(pk=music.pk).exists()
    expect(page.locator("#goals")).to_contain_text("Walks with a walker at school")
    expect(page.locator("#goals")).not_to_contain_text("Fewer seizures")
    expect(page.locator("#goals")).not_to_contain_text("Not meant")


def test_an_intake_takes_two_guardians_added_in_place(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    sign_in(coordinator.user.email, PASSWORD)
    page.goto("/members/new/")
    page.get_by_label("Legal first name").fill("Rosa")
    page.get_by_label("Legal last name").fill("Quintero")
    page.get_by_label("Date of birth").fill("2016-03-04")
    page.get_by_label("MassHealth ID").fill("1002 0030 0400")
    page.get_by_label("Primary language").fill("es")
    page.get_by_label("Preferred written language").fill("es")
    page.get_by_label("Referral source").select_option("pcp")

    guardians = page.locator("#formset-guardians")
    add = guardians.get_by_role("button", name="Add a row to Parents and guardians")
    for n, (name, relationship) in enumerate((("Ana Quintero", "mother"),
                                               ("Luis Quintero", "father")), start=1):
        add.click()
        expect(page.locator(f'[name="guardians-{n}-name"]')).to_be_focused()
        page.locator(f'[name="guardians-{n}-name"]').fill(name)
        page.locator(f'[name="guardians-{n}-relationship"]').fill(relationship)
    page.locator('[name="guardians-2-phone"]').fill("978-555-0199")
    expect(page.locator('[name="guardians-TOTAL_FORMS"]')).to_have_value("3")
    _shots(page, artifacts_dir, "repeating_rows_intake")

    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    member = Member.objects.get(masshealth_id="100200300400")
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/eligibility/$"))
    assert sorted((g.name, g.relationship, g.phone) for g in member.guardians.all()) == [
        ("Ana Quintero", "mother", ""), ("Luis Quintero", "father", "978-555-0199")]
