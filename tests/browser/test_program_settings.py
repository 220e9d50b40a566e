"""The program director changes a deadline length on Program settings, by keyboard, with a
bad value first: refused next to the field, nothing saved; then saved, with history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cares.base.staff.models import Program
from tests.factories import PASSWORD, make_director

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_changes_the_contact_interval(page, sign_in, artifacts_dir):
    director = make_director()
    Program.objects.create(name="Harbor CARES")
    sign_in(director.user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Program settings").click()
    expect(page.get_by_role("heading", name="Program settings")).to_be_visible()

    interval = page.get_by_label(re.compile("contact interval", re.I))
    interval.fill("0")
    interval.press("Enter")  # by keyboard: Enter submits the form
    expect(page.locator("#lengths")).to_contain_text(re.compile("greater than or equal to 1"))
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    assert Program.objects.get().contact_interval_days == 30
    page.screenshot(path=str(artifacts_dir / "program-settings-refused.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "program-settings-refused-390.png"),
                    full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label(re.compile("contact interval", re.I)).fill("21")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the program settings.")).to_be_visible()
    assert Program.objects.get().contact_interval_days == 21
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "program-settings-saved.png"), full_page=True)
