"""A senior care manager records a coordinator's weekly supervision (PS IV.B.2.b.5) with two
members discussed, and the grid shows the week done."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import CareTeamMember
from tests.factories import PASSWORD, MemberFactory, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_records_supervision_and_the_week_shows_done(page, sign_in, artifacts_dir):
    manager = make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))
    coordinator = make_staff(Role.CARE_COORDINATOR)
    members = [MemberFactory(legal_first_name=first, legal_last_name="Example")
               for first in ("Avery", "Jordan", "Riley")]
    for member in members:
        CareTeamMember.objects.create(member=member, staff=coordinator,
                                      role=Role.CARE_COORDINATOR, since=date(2026, 1, 5))
    today = timezone.localdate()
    monday = today.toordinal() - today.weekday()
    week = date.fromordinal(monday).isoformat()

    sign_in(manager.user.email, PASSWORD)
    page.goto("/coverage/supervision/")
    cell = page.locator(f'#supervision-grid td[data-coordinator="{coordinator.pk}"]'
                        f'[data-week="{week}"]')
    expect(cell).not_to_contain_text("done")
    cell.get_by_role("link", name="record").click()

    expect(page.get_by_role("heading", name=f"Session with {coordinator}")).to_be_visible()
    page.locator('select[name="supervisor"]').select_option(str(manager.pk))
    page.locator('input[name="held_on"]').fill(today.isoformat())
    page.get_by_role("checkbox", name=str(members[0])).check()
    page.get_by_role("checkbox", name=str(members[1])).check()
    page.locator('textarea[name="notes"]').fill("Reviewed both plans; next step agreed.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/coverage/supervision/\?coordinator="))
    expect(page.get_by_text("Supervision session recorded.")).to_be_visible()
    expect(cell).to_contain_text("done")
    sessions = page.locator("#supervision-sessions")
    expect(sessions).to_contain_text(str(members[0]))
    expect(sessions).to_contain_text(str(members[1]))
    expect(sessions).not_to_contain_text(str(members[2]))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts_dir / "supervision-log-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "supervision-log-390.png"), full_page=True)
