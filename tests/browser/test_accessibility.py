"""Every screen, every person (issue 16, items 18 and 19), in Chromium against the live server:
axe-core finds no serious or critical problem on the main pages; the skip link, the focus
ring, the navbar's contrast; focus lands on the first error of a refused form; at 390 px a
long note is folded and long text wraps instead of widening the page.

axe-core is a vendored test asset (tests/browser/vendor/axe-core, MPL-2.0), never served."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.coordination.models import Contact, ContactMode
from tests.factories import (
    PASSWORD,
    enrolled_member,
    finalized_care_plan,
    make_director,
    make_staff,
)

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = "/__test-only__/axe.min.js"
TODAY = timezone.localdate()


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now. The script is
    served from the page's own origin (a routed URL: the server never has it), so the strict
    Content Security Policy stays on while axe runs."""
    page.route(f"**{AXE_URL}", lambda route: route.fulfill(
        path=str(AXE), content_type="application/javascript"))
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_axe_finds_no_serious_problem_on_the_main_pages(page, sign_in):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=40))
    plan = finalized_care_plan(member, coordinator)
    director = make_director()
    problems: list[str] = []

    page.goto("/accounts/login/")
    problems += axe_problems(page)

    sign_in(coordinator.user.email, PASSWORD)
    for url in ("/worklist/", f"/members/{member.pk}/",
                f"/members/{member.pk}/care-plans/{plan.pk}/"):
        page.goto(url)
        problems += axe_problems(page)
    _sign_out(page)

    sign_in(director.user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    problems += axe_problems(page)

    assert not problems, "\n".join(problems)


def test_keyboard_users_skip_to_the_content_and_see_where_focus_is(page, sign_in):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    sign_in(coordinator.user.email, PASSWORD)

    # The first Tab reaches the skip link, shown only then; Enter moves into the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # A visible focus ring: a real outline on the focused link, not just a colour change.
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert outline[0] == "solid" and outline[1] >= 2

    # The navbar's links are readable: at least 4.5:1 against the bar.
    ratio = page.evaluate("""() => {
        const rgb = c => c.match(/[\\d.]+/g).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map(v => v / 255).map(
            v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
        const link = document.querySelector('nav .nav-link');
        const fg = rgb(getComputedStyle(link).color);
        const bg = rgb(getComputedStyle(document.querySelector('nav.navbar')).backgroundColor);
        const alpha = fg.length > 3 ? fg[3] : 1;
        const mixed = [0, 1, 2].map(i => alpha * fg[i] + (1 - alpha) * bg[i]);
        const [a, b] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
    }""")
    assert ratio >= 4.5, ratio


def test_focus_moves_to_the_first_error_of_a_refused_form(page, sign_in):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    sign_in(coordinator.user.email, PASSWORD)

    page.goto("/members/new/")
    page.get_by_label("Legal first name").fill("Rosa")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    # Refused: the first field in error has the focus, so typing fixes it.
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("name", "legal_last_name")
    expect(focused).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page).to_have_title(re.compile(r" · CARES Kids$"))


def test_at_390_px_a_long_note_is_folded_and_long_text_wraps(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=40),
                             legal_first_name="Valentina", legal_last_name="Ferreira")
    day = TODAY - timedelta(days=2)
    note = "Unbroken" + "x" * 25_000
    Contact.objects.create(member=member, contact_mode=ContactMode.PHONE, with_guardian=True,
                           staff=coordinator, summary=note, participants="y" * 120,
                           contact_at=timezone.make_aware(datetime.combine(day, time(11, 20))))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(coordinator.user.email, PASSWORD)

    page.goto(f"/members/{member.pk}/")
    # No child's name in the tab.
    expect(page).to_have_title("Member record · CARES Kids")
    entry = page.locator("#timeline li", has_text="Contact (")
    expect(entry).to_contain_text(f"{day:%Y-%m-%d} 11:20")
    folded = entry.locator("details")
    expect(folded).not_to_have_attribute("open", "")
    summary_width = folded.locator("summary").evaluate("e => e.getBoundingClientRect().width")
    assert summary_width <= 390
    folded.locator("summary").click()
    expect(folded).to_have_attribute("open", "")
    # The page does not widen: everything wraps or scrolls in its own box.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path=str(artifacts_dir / "member-390px.png"))
