"""The program director opens the dashboard, drills into overdue monitoring and opens a
member; the dashboard prints without navigation or buttons. Chromium against the live
server, with a synthetic program (``seed_demo --members``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from careplans.models import CarePlan, CarePlanStatus
from cares.deadlines.services import refresh_deadlines
from tests.dashboards.conftest import coordinators, seed
from tests.factories import PASSWORD, enrolled_member, make_director

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def overdue_monitoring_member():
    """A member whose ICP was finalized more than six months ago with no monitoring review
    since: the monitoring deadline is overdue whatever the synthetic program holds."""
    today = timezone.localdate()
    member = enrolled_member(coordinators()[0], referral_date=today - timedelta(days=300))
    CarePlan.objects.create(member=member, version=1, status=CarePlanStatus.FINALIZED,
                            finalized_on=today - timedelta(days=250))
    refresh_deadlines(member_ids=[member.pk])
    return member


def test_director_drills_from_the_dashboard_into_overdue_monitoring(page, sign_in,
                                                                    artifacts_dir):
    seed(60)
    member = overdue_monitoring_member()
    director = make_director()

    sign_in(director.user.email, PASSWORD)

    # Directors land on the dashboard: the rule table, the chart, the overdue list.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Program dashboard")).to_be_visible()
    expect(page.locator("#compliance-table tfoot [data-rule=all]")).to_be_visible()
    expect(page.locator("#trend-chart[data-ready='1']")).to_have_count(1)
    expect(page.get_by_role("heading", name="Caseloads")).to_be_visible()
    expect(page.locator("#checks-list [data-check]")).to_have_count(8)
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)

    # Printing: no navigation, filters or buttons; the monthly numbers unfold.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("#period-form")).to_be_hidden()
    expect(page.get_by_role("link", name="Export CSV").first).to_be_hidden()
    page.pdf(path=str(artifacts_dir / "dashboard.pdf"), format="Letter")
    page.emulate_media(media="screen")

    # Overdue monitoring, all ages: the number on the dashboard is the length of the list.
    monitoring = page.locator("#overdue-table tr[data-rule=monitoring] td[data-age=all] a")
    count = int(monitoring.inner_text())
    assert count >= 1
    monitoring.click()
    expect(page).to_have_url(re.compile(r"/dashboard/deadlines/\?.*rule=monitoring"))
    expect(page.get_by_role("heading", name="Overdue deadlines")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text(str(count))
    rows = page.locator("#deadline-list tbody tr")
    expect(rows).to_have_count(min(count, 50))
    expect(page.locator("#deadline-list tbody tr:not([data-rule=monitoring])")).to_have_count(0)
    expect(page.locator("#deadline-list tbody tr:not([data-status=overdue])")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "dashboard-overdue-monitoring.png"),
                    full_page=True)

    # Open the member behind one of them.
    row = page.locator(f"#deadline-list tbody tr[data-member='{member.pk}']")
    if count <= 50:
        expect(row).to_have_count(1)
    else:
        row = rows.first
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/members/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#episode-status")).to_be_visible()


def test_coordinator_starts_the_day_on_the_worklist(page, sign_in, artifacts_dir):
    seed(60)
    member = overdue_monitoring_member()
    coordinator = coordinators()[0]
    coordinator.user.set_password(PASSWORD)
    coordinator.user.save()

    sign_in(coordinator.user.email, PASSWORD)

    expect(page).to_have_url(re.compile(r"/worklist/$"))
    expect(page.get_by_role("heading", name="My worklist")).to_be_visible()
    overdue = page.locator(f"#worklist-overdue tr[data-rule=monitoring][data-member='{member.pk}']")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("PS VI.D.1")
    page.screenshot(path=str(artifacts_dir / "worklist.png"), full_page=True)
    # Straight to the form that satisfies it: a monitoring review.
    overdue.get_by_role("link", name="Record it").click()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/monitoring/new/$"))
