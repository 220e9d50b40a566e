"""Issue 16, the program director's screens, in Chromium as a person uses them: a period that
cannot be shown is refused next to its field (item 1); the overdue-letter list names the
episode and the primary contact then (item 2); the staff page names missing training topics
(item 5); the navigation leads to letter templates, the mailing batch and the audit log, which
names people and records, filters by a date range and says what an export held (item 15)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Episode, EpisodeStatus
from tests.factories import PASSWORD, enrolled_member, make_director, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _name(staff) -> str:
    return f"{staff.user.first_name} {staff.user.last_name}"


def test_director_picks_a_period_that_cannot_be_shown(page, sign_in, artifacts_dir):
    director = make_director()
    sign_in(director.user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.get_by_label("Period").select_option(label="Year")
    page.get_by_label("Containing").fill("0001-01-01")
    page.get_by_role("button", name="Show").click()
    error = page.locator("#period-on-error")
    expect(error).to_have_text("Pick a date from 2000-01-01 to 2099-12-31.")
    expect(page.get_by_label("Containing")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Containing")).to_have_value("0001-01-01")
    expect(page.get_by_role("alert")).to_contain_text("That period cannot be shown")
    expect(page.locator("#compliance-table")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "dashboard-period-refused.png"), full_page=True)

    # Custom dates the wrong way round: refused next to "to".
    page.get_by_label("Period").select_option(label="Custom dates")
    page.get_by_label("Custom: from").fill("2026-05-01")
    page.get_by_label("to", exact=True).fill("2026-04-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#period-end-error")).to_have_text(
        "The end date is before the start date.")

    # Corrected: the period is shown.
    page.get_by_label("to", exact=True).fill("2026-05-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#period-label")).to_contain_text("2026-05-01 to 2026-05-31")
    expect(page.locator("#period-end-error")).to_have_count(0)


def test_director_sees_the_overdue_letter_under_its_own_episode(page, sign_in):
    today = timezone.localdate()
    then, now = make_staff("care_coordinator"), make_staff("care_coordinator")
    member = enrolled_member(then, referral_date=today - timedelta(days=100))
    first = member.episodes.get()
    Episode.history.filter(id=first.pk).update(
        history_date=timezone.now() - timedelta(days=100))
    first.primary_contact = now
    first.save()
    Episode.objects.create(member=member, status=EpisodeStatus.REFERRED, referral_date=today,
                           referral_source="pcp")
    director = make_director()
    sign_in(director.user.email, PASSWORD)

    page.locator("#letters-table tr[data-letter=enrollment] td[data-letter-state=overdue] a"
                 ).click()
    expect(page).to_have_url(re.compile(r"/dashboard/deadlines/\?.*rule=enrollment_letter"))
    row = page.locator(f"#deadline-list tbody tr[data-member='{member.pk}']")
    expect(row).to_have_count(1)
    expect(row.locator("td[data-episode]")).to_contain_text("Enrolled")
    expect(row.locator("td[data-episode]")).to_contain_text(
        f"referred {first.referral_date:%Y-%m-%d}")
    expect(row.locator("td[data-primary]")).to_have_text(_name(then))


def test_director_reads_missing_training_topics_in_words(page, sign_in):
    coordinator = make_staff("care_coordinator")
    director = make_director()
    sign_in(director.user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_role("link", name=str(coordinator)).click()
    missing = page.locator("#missing-topics")
    expect(missing).to_contain_text(
        "Care coordination principles for children and families (PS V.A.1)")
    expect(missing).not_to_contain_text("care_coordination_principles")


def test_director_finds_templates_mailing_and_the_audit_log(page, sign_in, artifacts_dir):
    director = make_director()
    sign_in(director.user.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Letter templates").click()
    expect(page.get_by_role("heading", name="Letter templates")).to_be_visible()
    nav.get_by_role("link", name="Mailing batch").click()
    expect(page).to_have_url(re.compile(r"/letters/mailing/$"))
    expect(page.get_by_role("heading", name="Certified mailing")).to_be_visible()

    # An export from the dashboard, then the log says what it held.
    nav.get_by_role("link", name="Dashboard").click()
    with page.expect_download():
        page.locator("#compliance-heading").locator("..").get_by_role(
            "link", name="Export CSV").click()

    nav.get_by_role("link", name="Audit log").click()
    expect(page).to_have_title("Audit log · CARES Kids")
    table = page.locator("#audit-table")
    expect(table).to_contain_text(director.user.get_full_name() or director.user.email)
    expect(table).to_contain_text("Signed in")
    expect(table).to_contain_text("Exported the dashboard deadlines by rule")

    today = timezone.localdate()
    page.get_by_label("Action").select_option(label="Export")
    page.get_by_label("From").fill(today.isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Filter").click()
    expect(table.locator("tbody tr[data-action=export]")).to_have_count(1)
    expect(table.locator("tbody tr:not([data-action=export])")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "audit-log.png"), full_page=True)

    page.get_by_label("From").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-end-error")).to_have_text(
        "The end date is before the start date.")
