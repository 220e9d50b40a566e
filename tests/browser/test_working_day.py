"""A care coordinator's working day in Chromium: records a contact (first with bad input),
sees the member's regular contact move (PS VI.B.1.a, reading 13), records the family's
benefits and sees the renewal on the worklist (PS VI.B.1.h); at 1280 and 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import Contact
from tests.factories import PASSWORD, enrolled_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The innermost elements that stick out past a 390 px phone's right edge.
WIDER_THAN_THE_PHONE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391 && e.children.length === 0
               && !e.closest('.table-responsive'))
  .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ': '
                   + (e.textContent || '').trim().slice(0, 40))"""


def _shots(page, artifacts_dir, name: str) -> None:
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDER_THAN_THE_PHONE)
    page.screenshot(path=str(artifacts_dir / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 390, f"{name}: the page is {width} px wide on a 390 px phone: {wide}"


def test_contact_and_benefits(page, sign_in, artifacts_dir):
    today = timezone.localdate()
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=45),
                             legal_first_name="Linh", legal_last_name="Pham",
                             primary_language="vi")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")
    expect(page.locator("#last-regular-contact")).to_contain_text("none recorded yet")
    expect(page.locator("#next-regular-contact")).to_contain_text("Overdue")

    # Bad input first: no one ticked, no summary. Refused, nothing saved, input kept.
    page.get_by_role("link", name="Record a contact").first.click()
    page.get_by_label("How").select_option("telehealth")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    expect(page.get_by_label("Duration (minutes)")).to_have_value("40")
    assert Contact.objects.count() == 0
    _shots(page, artifacts_dir, "contact-refused")

    # Now by keyboard: tick the member and the parent, say what happened, submit with Enter.
    page.get_by_label("the member").check()
    page.get_by_label("parent or guardian").check()
    page.get_by_label("Interpreter used").check()
    page.get_by_label("Interpreted language").fill("vi")
    page.get_by_label("What happened").fill("Video visit: seizure log reviewed, "
                                            "school nurse plan discussed.")
    page.get_by_label("Duration (minutes)").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    contact = Contact.objects.get()
    assert contact.qualifies and contact.interpreter_language == "vi"

    # The member page: the regular contact moved, the next one is due in 30 days.
    page.goto(f"/members/{member.pk}/")
    expect(page.locator("#last-regular-contact")).to_contain_text("Telehealth")
    due = (timezone.localdate(contact.contact_at) + timedelta(days=30)).isoformat()
    expect(page.locator("#next-regular-contact")).to_contain_text(f"Next regular contact due {due}")
    _shots(page, artifacts_dir, "member-regular-contact")

    # Benefits: a renewal three weeks away, the health plan, DDS services.
    page.goto(f"/members/{member.pk}/edit/")
    renewal = today + timedelta(days=21)
    page.locator("#id_masshealth_renewal_date").fill(renewal.isoformat())
    page.get_by_label("Health plan").fill("Community Care ACO")
    page.get_by_label("DDS (Department of Developmental Services)").check()
    page.get_by_label("Chosen mode for regular contact").select_option("in_person")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    page.goto(f"/members/{member.pk}/")
    expect(page.locator("#benefits-renewal")).to_contain_text("in 21 days")
    expect(page.locator("#benefits")).to_contain_text("DDS (Department of Developmental Services)")
    expect(page.locator("#contact-preference")).to_contain_text("Face to face")

    page.goto("/worklist/")
    expect(page.locator("#worklist-renewals")).to_contain_text("Linh Pham")
    expect(page.locator("#worklist-renewals")).to_contain_text(renewal.isoformat())
    _shots(page, artifacts_dir, "worklist-renewals")
