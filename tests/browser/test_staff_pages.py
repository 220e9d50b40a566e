"""Real user flows through the staff pages, in Chromium against the live server."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cares.base.staff.models import Education, Role, StaffProfile, User
from tests.factories import PASSWORD, make_director, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_EMAIL = "casey.rivera@staff.example"
NEW_PASSWORD = "violet-lantern-harbor-42"


def test_director_signs_in_and_sees_the_staff_list(page, sign_in):
    director = make_director()

    sign_in(director.user.email, PASSWORD)

    # Directors land on the program dashboard; the staff list is one click away.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Program checks")).to_be_visible()
    director_check = page.locator('[data-check="program_director_qualified"]')
    expect(director_check).to_contain_text("Met")
    expect(director_check).to_contain_text(f"Qualified program director: {director}.")

    own_row = page.locator("#staff-table tbody tr", has_text=director.user.email)
    expect(own_row).to_have_count(1)
    expect(own_row.get_by_role("link", name=str(director))).to_be_visible()
    expect(own_row).to_contain_text("Program director")
    expect(own_row).to_contain_text("Qualified")
    # Signed in as the director: the navigation bar names them and offers to sign out.
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(str(director))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _fill_new_care_coordinator(page, *, years: str) -> None:
    page.locator('input[name="first_name"]').fill("Casey")
    page.locator('input[name="last_name"]').fill("Rivera")
    page.locator('input[name="email"]').fill(NEW_EMAIL)
    page.locator('input[name="password"]').fill(NEW_PASSWORD)
    page.locator('input[name="hire_date"]').fill("2025-03-03")
    page.locator('select[name="education"]').select_option(Education.ASSOCIATE.value)
    page.locator('input[name="target_population_years"]').fill(years)
    page.get_by_role("checkbox", name="Care coordinator", exact=True).check()


def test_director_adds_care_coordinator_refused_then_saved(page, sign_in, artifacts_dir):
    director = make_director()
    sign_in(director.user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.goto("/staff/")

    page.get_by_role("link", name="Add staff member").click()
    expect(page).to_have_url(re.compile(r"/staff/new/$"))
    expect(page.get_by_role("heading", name="Add staff member")).to_be_visible()

    # An associate's degree needs 2 years of relevant experience with the target population
    # (PS IV.B.3.a); 1.9 is short.
    _fill_new_care_coordinator(page, years="1.9")
    page.get_by_role("button", name="Save").click()

    refusal = page.locator("#refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Role refused; nothing was saved.")
    expect(refusal).to_contain_text("Care coordinator (PS IV.B.3.a)")
    expect(refusal).to_contain_text("an associate's degree")
    expect(refusal).to_contain_text("2 years")
    expect(refusal).to_contain_text("has 1.9")
    expect(
        page.get_by_role("alert").filter(
            has_text="Nothing was saved. Please correct the problems shown."
        )
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff/new/$"))
    page.screenshot(path=str(artifacts_dir / "refusal.png"), full_page=True)
    assert not User.objects.filter(email__iexact=NEW_EMAIL).exists()
    assert not StaffProfile.objects.filter(user__email__iexact=NEW_EMAIL).exists()

    # What the user typed is kept (except the password, never sent back to the browser).
    expect(page.locator('input[name="email"]')).to_have_value(NEW_EMAIL)
    expect(page.locator('select[name="education"]')).to_have_value(Education.ASSOCIATE.value)
    expect(page.get_by_role("checkbox", name="Care coordinator", exact=True)).to_be_checked()
    expect(page.locator('input[name="password"]')).to_have_value("")

    page.locator('input[name="target_population_years"]').fill("2")
    page.locator('input[name="password"]').fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/staff/\d+/$"))
    expect(page.get_by_role("heading", name="Casey Rivera", exact=True)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Saved Casey Rivera.")).to_be_visible()
    expect(page.locator("#refusal")).to_have_count(0)
    expect(page.get_by_text("Meets the requirements of every role held.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=re.compile(r"^Care coordinator$")))\
        .to_be_visible()

    profile = StaffProfile.objects.select_related("user").get(user__email=NEW_EMAIL)
    assert page.url.endswith(f"/staff/{profile.pk}/")
    assert profile.education == Education.ASSOCIATE
    assert profile.target_population_years == Decimal("2")
    assert list(profile.roles.values_list("role", "is_backup")) == [
        (Role.CARE_COORDINATOR, False)
    ]
    assert profile.user.check_password(NEW_PASSWORD)
    assert profile.user.groups.filter(name="Care coordinator").exists()


def test_care_coordinator_may_not_open_the_staff_list(page, sign_in):
    coordinator = make_staff(Role.CARE_COORDINATOR)

    sign_in(coordinator.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="My worklist", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Staff", exact=True)).to_have_count(0)

    response = page.goto("/staff/")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("Your role does not give access to this page.")).to_be_visible()
    expect(page.locator("#staff-table")).to_have_count(0)
