"""The director sees a gap in the on-call roster on the program dashboard and on the
"Around the clock" page, follows "Add a shift for this gap", saves, and the check turns met
(PS VI.B.1.b)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from members.coverage import roster
from tests.coverage.test_roster import caller
from tests.factories import PASSWORD, make_director

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshots(page, artifacts_dir, name: str) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artifacts_dir / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_director_fills_a_gap_in_the_on_call_roster(page, sign_in, artifacts_dir):
    director = make_director()
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    start, _end = roster.check_window()
    start -= timedelta(hours=1)
    day = timedelta(days=1)
    for who, begin, end in ((ana, start, start + 6 * day), (ben, start + 6 * day, start + 10 * day),
                            (ana, start + 10.5 * day, start + 17 * day),
                            (ben, start + 17 * day, start + 24 * day),
                            (ana, start + 24 * day, start + 31 * day)):
        roster.shift_add(staff=who, backup=ben if who == ana else ana, starts_at=begin,
                         ends_at=end)
    gap = roster.span_words(start + 10 * day, start + 10.5 * day)

    sign_in(director.user.email, PASSWORD)
    page.goto("/dashboard/")
    check = page.locator('#checks-list [data-check="on_call_covered"]')
    expect(check).to_contain_text("Not met")
    expect(check).to_contain_text(f"1 gap: {gap}")

    page.locator("#nav-coverage").click()
    expect(page.get_by_role("heading", name="Around the clock", exact=True)).to_be_visible()
    expect(page.locator("#on-call-now")).to_contain_text("Ana Silva")
    expect(page.locator("#gaps-table")).to_contain_text(gap)
    screenshots(page, artifacts_dir, "on-call-hub")
    page.locator("#roster-link").click()
    row = page.locator("#roster-table tr[data-gap]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Not covered")
    screenshots(page, artifacts_dir, "on-call-roster")

    row.get_by_role("link", name="Add a shift for this gap").click()
    expect(page.get_by_role("heading", name="Add a shift to the on-call roster")).to_be_visible()
    page.locator('select[name="staff"]').select_option(label="Ben Ng")
    screenshots(page, artifacts_dir, "on-call-shift-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/coverage/roster/$"))
    expect(page.get_by_text("Shift added:")).to_be_visible()
    expect(page.locator("#gap-count")).to_have_text("No gaps.")

    page.goto("/dashboard/")
    expect(check).to_contain_text("Met")
    expect(check).not_to_contain_text("Not met")
