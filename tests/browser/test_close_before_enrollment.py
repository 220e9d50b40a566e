"""Issue 12.1 in Chromium: the program director sees a family's 60-day assessment/ICP
deadline overdue on the dashboard, closes the referral as declined (by keyboard), and the
dashboard count moves from overdue to excepted (PS VIII, deadlines.md reading 12)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members import services
from members.models import Episode, EpisodeStatus
from tests.factories import PASSWORD, MemberFactory, make_director, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cell(page, status: str):
    return page.locator(f"#compliance-table tr[data-rule=initial_assessment_icp] "
                        f"td[data-status={status}]")


def test_director_closes_a_declined_referral_and_the_overdue_count_moves(page, sign_in,
                                                                        artifacts_dir):
    today = timezone.localdate()
    due = today - timedelta(days=1)
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = MemberFactory(legal_first_name="Lan", legal_last_name="Pham")
    services.intake_create(member=member, referral_date=due - timedelta(days=60),
                           referral_source="pcp", assigned_to=coordinator)
    director = make_director()
    sign_in(director.user.email, PASSWORD)

    # The month that holds the due date: one overdue, nothing excepted.
    dashboard = f"/dashboard/?period=month&on={due.isoformat()}"
    page.goto(dashboard)
    expect(cell(page, "overdue")).to_have_text("1")
    expect(cell(page, "excepted")).to_have_text("0")

    page.goto(f"/members/{member.pk}/")
    page.get_by_role("link", name="Close before enrollment").click()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/close/$"))
    expect(page.get_by_role("heading", name="Close the referral before enrollment"))\
        .to_be_visible()

    # Bad input first: a date before the referral is refused next to the field.
    page.get_by_label("Closed on").fill((due - timedelta(days=90)).isoformat())
    page.get_by_label("Family declined CARES services").check()
    page.get_by_label("What happened").fill("Mother declined at the home visit.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The closing date is before the referral date").first)\
        .to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value(
        "Mother declined at the home visit.")
    assert Episode.objects.get(member=member).status == EpisodeStatus.REFERRED
    page.screenshot(path=str(artifacts_dir / "close-form-refused.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "close-form-refused-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Then by keyboard: the date, the reason and the note are kept; Enter saves.
    page.get_by_label("Closed on").fill(today.isoformat())
    page.get_by_label("Family declined CARES services").focus()
    page.keyboard.press("Space")
    page.get_by_label("Closed on").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.locator("#episode-status")).to_have_text("Closed before enrollment")
    expect(page.locator("#episode-closed")).to_contain_text("Family declined CARES services")
    page.screenshot(path=str(artifacts_dir / "closed-before-enrollment.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "closed-before-enrollment-390.png"),
                    full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(dashboard)
    expect(cell(page, "overdue")).to_have_text("0")
    expect(cell(page, "excepted")).to_have_text("1")
    page.screenshot(path=str(artifacts_dir / "closed-before-enrollment-dashboard.png"),
                    full_page=True)
    # The member left the current caseload and is under "Closed before enrollment".
    page.goto("/members/?scope=all")
    expect(page.locator("#caseload-table")).not_to_contain_text("Pham")
    page.get_by_role("link", name="Closed before enrollment").click()
    expect(page.locator("#caseload-table")).to_contain_text("Pham")
