"""The intake (referral to enrollment, PS VIII) done on a phone (390 px wide) and with the
keyboard only, in Chromium against the live server (issue 16, "done when")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import EpisodeStatus, Member
from tests.factories import PASSWORD, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER = {"legal_first_name": "Rosa", "legal_last_name": "Quintero",
          "date_of_birth": "2016-03-04", "masshealth_id": "1002 0030 0400",
          "primary_language": "pt-BR", "preferred_written_language": "pt-BR",
          "referring_entity": "Lowell Pediatrics"}


def _member() -> Member:
    return Member.objects.get(masshealth_id="100200300400")


# --- At 390 px ------------------------------------------------------------------------------

def _fits(page) -> None:
    """Nothing pushes the page wider than the phone's screen."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide"


def _tap_save(page) -> None:
    button = page.get_by_role("button", name="Save")
    button.scroll_into_view_if_needed()
    with page.expect_navigation():
        button.tap()


def test_intake_on_a_phone(browser, live_server, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    context = browser.get().new_context(base_url=live_server.url, locale="en-US",
                                        viewport={"width": 390, "height": 844},
                                        has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        from tests.factories import totp_code, totp_device

        device = totp_device(coordinator.user)
        page.goto("/accounts/login/")
        page.locator('input[name="username"]').fill(coordinator.user.email)
        page.locator('input[name="password"]').fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").tap()
        page.locator('input[name="code"]').fill(totp_code(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Verify").tap()
        _fits(page)

        # The menu is folded behind its button on a phone.
        page.get_by_role("button", name="Menu").tap()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").tap()
        page.get_by_role("link", name="New member").tap()
        expect(page).to_have_url(re.compile(r"/members/new/$"))
        _fits(page)
        for name, value in MEMBER.items():
            page.locator(f'[name="{name}"]').fill(value)
        page.get_by_label("Referral source").select_option("pcp")
        _tap_save(page)

        member = _member()
        expect(page).to_have_url(re.compile(rf"/members/{member.pk}/eligibility/$"))
        _fits(page)
        for label in ("Under 21 years of age", "MassHealth member",
                      "Medical complexity: chronic conditions across multiple systems",
                      "Eligible for CARES"):
            page.get_by_label(label).tap()
        page.get_by_label("Rationale").fill("Seizure disorder, G-tube feeds, three specialists.")
        _tap_save(page)
        expect(page.locator("#episode-status")).to_have_text("Evaluated: eligible")
        _fits(page)

        page.get_by_role("link", name="Record education and consent").tap()
        page.get_by_label("How").select_option("face_to_face")
        page.get_by_label("Consent given by (name)").fill("Ana Quintero")
        page.get_by_label("Relationship to the member").fill("mother")
        _tap_save(page)
        expect(page.locator("#episode-status")).to_have_text("Consented")

        page.get_by_role("link", name="Enroll", exact=True).tap()
        _tap_save(page)
        expect(page.locator("#episode-status")).to_have_text("Enrolled")
        _fits(page)
        page.screenshot(path=str(artifacts_dir / "intake-390px.png"), full_page=True)
        assert member.episodes.get().status == EpisodeStatus.ENROLLED
    finally:
        context.close()


# --- Keyboard only --------------------------------------------------------------------------

def _tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus: it must be in the tab order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} never got the focus by Tab on {page.url}")


def _type(page, name: str, value: str) -> None:
    _tab_to(page, f'[name="{name}"]')
    if page.evaluate("() => document.activeElement.type") == "date":
        year, month, day = value.split("-")
        value = month + day + year  # typed as the en-US date field shows it
    page.keyboard.type(value)


def _choose(page, name: str, value: str) -> None:
    """Pick an option of a select with the arrow keys."""
    _tab_to(page, f'select[name="{name}"]')
    for _ in range(40):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"no option {value} in {name}")


def _check(page, label: str) -> None:
    field = page.get_by_label(label)
    _tab_to(page, f'[id="{field.get_attribute("id")}"]')
    page.keyboard.press("Space")
    expect(field).to_be_checked()


def _submit(page, button: str = "Save") -> None:
    _tab_to(page, 'main button[type="submit"]')
    assert page.evaluate("() => document.activeElement.textContent.trim()") == button
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _follow(page, link_name: str) -> None:
    link = page.get_by_role("link", name=link_name, exact=True)
    _tab_to(page, f'a[href="{link.get_attribute("href")}"]', limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_intake_with_the_keyboard_only(page, sign_in):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    sign_in(coordinator.user.email, PASSWORD)

    _follow(page, "Members")
    _follow(page, "New member")
    for name, value in MEMBER.items():
        _type(page, name, value)
    _choose(page, "referral_source", "pcp")
    _submit(page)

    member = _member()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/eligibility/$"))
    for label in ("Under 21 years of age", "MassHealth member",
                  "Medical complexity: chronic conditions across multiple systems",
                  "Eligible for CARES"):
        _check(page, label)
    _type(page, "rationale", "Seizure disorder, G-tube feeds, three specialists.")
    _submit(page)
    expect(page.locator("#episode-status")).to_have_text("Evaluated: eligible")

    _follow(page, "Record education and consent")
    _choose(page, "education_mode", "face_to_face")
    _type(page, "consent_by", "Ana Quintero")
    _type(page, "consent_relationship", "mother")
    _submit(page)
    expect(page.locator("#episode-status")).to_have_text("Consented")

    _follow(page, "Enroll")
    _submit(page)
    expect(page.locator("#episode-status")).to_have_text("Enrolled")
    assert member.episodes.get().status == EpisodeStatus.ENROLLED
