"""The care team picker at program scale (cares/base/widgets.py ``PickList``), in Chromium:
the team now is listed first, the rest by role; typing in the filter keeps the matching staff
and the ticked ones; Enter filters rather than sends; the choice saves; no sideways scrolling
at 390 px; axe finds nothing serious."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import CareTeamMember
from tests.browser.test_accessibility import axe_problems
from tests.factories import PASSWORD, enrolled_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def test_coordinator_finds_a_colleague_among_many_and_adds_them(page, sign_in, artifacts_dir):
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=40))
    for _ in range(40):
        make_staff("care_coordinator")
    helper = make_staff("family_support")
    helper.user.first_name, helper.user.last_name = "Zelda", "Okonkwo-Pham"
    helper.user.save()
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/care-team/")
    picker = page.locator("#id_team")
    groups = picker.locator("legend")
    expect(groups.first).to_have_text("Care coordinator")  # no one else on the team yet
    expect(picker).to_contain_text("Family support staff")
    boxes = picker.locator("[data-filter-item]")
    total = boxes.count()
    assert total >= 41

    search = page.get_by_role("searchbox", name="Filter by name or role")
    search.focus()
    page.keyboard.type("zelda okonkwo")
    page.keyboard.press("Enter")  # filters; the form is not sent
    expect(page).to_have_url(re.compile(r"/care-team/$"))
    expect(picker.locator("[data-filter-item]:visible")).to_have_count(1)
    expect(picker).to_contain_text(f"1 of {total} shown")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "pick-list-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("checkbox", name=re.compile("Zelda Okonkwo-Pham")).check()
    search.fill("")
    expect(picker.locator("[data-filter-item]:visible")).to_have_count(total)
    assert axe_problems(page) == []
    page.screenshot(path=str(artifacts_dir / "pick-list-1280.png"), full_page=True)
    page.locator('input[name="effective_date"]').fill(TODAY.isoformat())
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    assert CareTeamMember.objects.filter(member=member, staff=helper, until__isnull=True,
                                         role="family_support").exists()
    page.goto(f"/members/{member.pk}/care-team/")
    expect(picker.locator("legend").first).to_have_text("Chosen")
    expect(picker.locator("fieldset").first).to_contain_text("Zelda Okonkwo-Pham")
