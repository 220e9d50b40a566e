"""Facts picked from lists, not typed (issue 16, items 6 and 9), in Chromium against the live
server: a language by its name, and who gave consent from the member's guardians."""

from __future__ import annotations

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import Engagement, EpisodeStatus, Guardian, Member
from tests.factories import PASSWORD, MemberFactory, make_staff
from tests.members.lifecycle_support import evaluate, refer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_languages_are_typed_by_name_and_stored_as_tags(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    sign_in(coordinator.user.email, PASSWORD)
    page.goto("/members/new/")
    page.get_by_label("Legal first name").fill("Rosa")
    page.get_by_label("Legal last name").fill("Quintero")
    page.get_by_label("Date of birth").fill("2016-03-04")
    page.get_by_label("MassHealth ID").fill("100200300400")
    page.get_by_label("Referral source").select_option("pcp")
    # The list offers names, with search as one types.
    expect(page.locator("#id_primary_language-languages option[value='Spanish — Español']"))\
        .to_have_count(1)
    page.get_by_label("Primary language").fill("Spanihs")  # a typo
    page.get_by_label("Preferred written language").fill("Chinese, simplified — 简体中文")
    _save(page)
    expect(page.get_by_text("“Spanihs” is not a language on the list")).to_be_visible()
    assert not Member.objects.exists()
    # The written language picked before is shown by its name again.
    expect(page.get_by_label("Preferred written language"))\
        .to_have_value("Chinese, simplified — 简体中文")

    page.get_by_label("Primary language").fill("Spanish")
    _save(page)
    member = Member.objects.get(masshealth_id="100200300400")
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/eligibility/$"))
    assert (member.primary_language, member.preferred_written_language) == ("es", "zh-Hans")

    page.goto(f"/members/{member.pk}/edit/")
    expect(page.get_by_label("Primary language")).to_have_value("Spanish — Español")
    page.screenshot(path=str(artifacts_dir / "language-by-name.png"), full_page=True)


def test_consent_giver_is_picked_from_the_guardians(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    today = timezone.localdate()
    member = MemberFactory(date_of_birth=today - relativedelta(years=9),
                           legal_first_name="Rosa", legal_last_name="Quintero")
    episode = refer(member, on=today)
    member.care_team.create(staff=coordinator, role="care_coordinator", since=today)
    evaluate(episode, coordinator)
    Guardian.objects.create(member=member, name="Ana Quintero", relationship="mother")
    Guardian.objects.create(member=member, name="Luis Quintero", relationship="father")

    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")
    page.get_by_role("link", name="Record education and consent").click()
    page.get_by_label("How").select_option("face_to_face")
    # A 9-year-old does not consent for themselves: only the guardians and "someone else".
    expect(page.get_by_role("radio")).to_have_count(3)
    page.get_by_role("radio", name=re.compile(r"^Luis Quintero \(father\)")).check()
    page.screenshot(path=str(artifacts_dir / "consent-giver.png"), full_page=True)
    _save(page)
    expect(page.locator("#episode-status")).to_have_text("Consented")
    engagement = Engagement.objects.get(episode=episode)
    assert (engagement.consent_by, engagement.consent_relationship) == ("Luis Quintero",
                                                                        "father")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CONSENTED
    expect(page.get_by_text("Luis Quintero (father)").first).to_be_visible()
