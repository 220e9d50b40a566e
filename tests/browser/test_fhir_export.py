"""A care coordinator downloads a member's FHIR export from the member page, by keyboard, in
Chromium against the live server; family support staff are not offered it (issue 21)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.audit.models import Action, AuditEvent
from cares.base.staff.models import Role
from members.services import care_team_set
from tests.factories import PASSWORD, enrolled_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_downloads_the_fhir_bundle(page, sign_in, artifacts_dir):
    today = timezone.localdate()
    coordinator = make_staff(Role.CARE_COORDINATOR)
    family = make_staff(Role.FAMILY_SUPPORT, caregiver_of_special_needs_youth=True)
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=30),
                             legal_first_name="Rosa", legal_last_name="Quintero")
    care_team_set(member=member, on=today - timedelta(days=30),
                  team=[(coordinator, Role.CARE_COORDINATOR), (family, Role.FAMILY_SUPPORT)])
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")
    link = page.locator("#fhir-export")
    expect(link).to_have_text("FHIR export for the PCP or health plan")
    link.focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"member-{member.pk}-fhir-bundle.json"
    bundle = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    patient = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    assert patient["name"][0] == {"use": "official", "family": "Quintero", "given": ["Rosa"]}
    assert AuditEvent.objects.filter(action=Action.EXPORT, member=member,
                                     actor=coordinator.user).count() == 1
    page.screenshot(path=str(artifacts_dir / "fhir-export-link.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts_dir / "fhir-export-link-390.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(family.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")
    expect(page.locator("h1")).to_contain_text("Quintero")
    expect(page.locator("#fhir-export")).to_have_count(0)
