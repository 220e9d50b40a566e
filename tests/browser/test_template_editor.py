"""The letter template editor in Chromium (issue 16, item 16): the director inserts a
variable from the list at the cursor, sees the unsaved edit in the live preview with the
sample values, opens the preview in its own tab, is told in words about an unknown variable,
and saves a new version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from notices.models import LetterTemplate
from tests.factories import PASSWORD, make_director

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_inserts_a_variable_previews_and_saves(page, sign_in, artifacts_dir):
    director = make_director()
    english = LetterTemplate.objects.get(kind="enrollment", language="en")
    sign_in(director.user.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/letters/templates/{english.pk}/")
    preview = page.frame_locator("#template-preview")
    expect(preview.locator("body")).to_contain_text("Alex Example")

    body = page.locator("#id_body")
    body.fill("<p>Dear family of </p>" + english.body)
    body.evaluate("el => el.setSelectionRange(18, 18)")  # after "Dear family of "
    page.get_by_role("button", name=re.compile("Care manager's name")).click()
    expect(body).to_have_value(re.compile(r"^<p>Dear family of \{\{ care_manager_name \}\}</p>"))
    expect(preview.locator("body")).to_contain_text("Dear family of Jordan Sample")
    expect(page.locator("#body-problems")).to_be_hidden()
    page.screenshot(path=str(artifacts_dir / "template-editor-1280.png"), full_page=True)

    # The keyboard: a variable button is reached and pressed without the mouse.
    body.press("Control+End")
    page.get_by_role("button", name=re.compile("Program phone number")).focus()
    page.keyboard.press("Enter")
    expect(body).to_have_value(re.compile(r"\{\{ program_phone \}\}$"))

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Open preview").click()
    tab = opened.value
    tab.wait_for_load_state()
    expect(tab.locator("article[data-section=en]")).to_contain_text(
        "Dear family of Jordan Sample")
    tab.close()

    body.press("Control+End")
    body.type(" {{ member_first_name }}")
    problems = page.locator("#body-problems")
    expect(problems).to_contain_text("Unknown variable {{ member_first_name }}")
    expect(page.locator("#preview-problems")).to_contain_text("member_first_name")
    body.fill("<p>Dear family of {{ care_manager_name }}</p>" + english.body)
    expect(problems).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "template-editor-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("What changed").fill("Greets the family by the care manager's name.")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator("#template-state")).to_have_text("draft")
    saved = LetterTemplate.objects.get(kind="enrollment", language="en", version=2)
    assert saved.body.startswith("<p>Dear family of {{ care_manager_name }}</p>")
    assert LetterTemplate.objects.filter(kind="enrollment", language="en").count() == 2
