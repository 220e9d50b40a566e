"""The staff page at program scale, in Chromium: fifty at a time, a search by keyboard, a
role, "needs attention"; the checks and problems above count everyone; no sideways
scrolling at 390 px."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_problems
from tests.factories import PASSWORD, make_director, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_pages_searches_and_narrows_the_staff(page, sign_in, artifacts_dir):
    director = make_director()
    for _ in range(52):
        make_staff("care_coordinator")
    ada = make_staff("care_coordinator", hire_date=date(2020, 1, 6))  # training overdue
    ada.user.first_name, ada.user.last_name = "Ada", "Zwicky-Nguyen"
    ada.user.save()
    sign_in(director.user.email, PASSWORD)
    page.goto("/staff/")
    expect(page.get_by_role("heading", name="54 staff members")).to_be_visible()
    expect(page.locator("#staff-count")).to_have_text("Showing 1 to 50 of 54 matches.")
    expect(page.locator("#staff-table tbody tr")).to_have_count(50)
    page.get_by_role("link", name="Next").click()
    expect(page.locator("#staff-table tbody tr")).to_have_count(4)
    expect(page.locator("#staff-pages")).to_contain_text("Page 2 of 2")

    search = page.get_by_role("searchbox", name="Search by name or e-mail")
    search.focus()
    page.keyboard.type("zwicky")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=zwicky"))
    expect(page.locator("#staff-table tbody tr")).to_have_count(1)
    expect(page.locator("#staff-table")).to_contain_text("Ada Zwicky-Nguyen")
    page.get_by_role("link", name="Needs attention").click()  # the search is kept
    expect(page).to_have_url(re.compile(r"show=attention"))
    expect(page.locator("#staff-table")).to_contain_text("Overdue")
    page.get_by_label("Role").select_option(label="Family support staff")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#staff-table tbody")).to_have_text("No staff member matches.")
    expect(page.get_by_role("heading", name="Program checks")).to_be_visible()
    assert axe_problems(page) == []
    page.get_by_role("link", name="Clear").click()
    expect(page.locator("#staff-table tbody tr")).to_have_count(50)
    page.screenshot(path=str(artifacts_dir / "staff-list-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/staff/?show=attention")
    page.screenshot(path=str(artifacts_dir / "staff-list-390.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
