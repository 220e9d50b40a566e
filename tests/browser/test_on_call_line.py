"""The 24/7 on-call line end to end (PS VI.B.1.b): the program director enters the dedicated
number (a bad one first: refused next to the field), a care coordinator records a call and
its first call back (forgotten first: refused next to the field), and the program dashboard
shows the share of callers reached within the target."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Program
from members.coordination.models import OnCallCall
from tests.factories import PASSWORD, enrolled_member, make_director, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shots(page, artifacts_dir, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_number_call_back_and_dashboard_share(page, sign_in, artifacts_dir):
    director = make_director()
    Program.objects.create(name="Harbor CARES", phone="617-555-0199")
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator, legal_first_name="Rosa", legal_last_name="Lima")
    now = timezone.now().replace(second=0, microsecond=0)
    # An earlier call this month, called back late (90 minutes).
    OnCallCall.objects.create(member=member, called_at=now - timedelta(hours=3),
                              first_callback_at=now - timedelta(minutes=90), caller="Father",
                              call_category="crisis", summary="Seizure",
                              triage_decision="emergency")

    sign_in(director.user.email, PASSWORD)
    page.goto("/staff/program/")
    expect(page.get_by_role("heading", name="Program settings")).to_be_visible()
    number = page.get_by_label(re.compile("24/7 on-call number", re.I))
    number.fill("555-0100")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#on-call-line")).to_contain_text("10-digit US phone number")
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    assert Program.objects.get().on_call_phone == ""
    shots(page, artifacts_dir, "on-call-number-refused")
    page.get_by_label(re.compile("24/7 on-call number", re.I)).fill("617.555.0100")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the program settings.")).to_be_visible()
    assert Program.objects.get().on_call_phone == "(617) 555-0100"
    expect(page.get_by_label(re.compile("24/7 on-call number", re.I))).to_have_value(
        "(617) 555-0100")

    page.context.clear_cookies()
    sign_in(coordinator.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")
    page.get_by_role("link", name="On-call call").click()
    expect(page.get_by_text("24/7 on-call line: (617) 555-0100")).to_be_visible()
    page.locator("#id_called_at").fill(local(now - timedelta(minutes=50)))
    page.locator("#id_caller").fill("Mother")
    page.locator("#id_call_category").select_option("medical_question")
    page.locator("#id_summary").fill("Fever after vaccination")
    page.locator("#id_triage_decision").select_option("advice")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#div_id_first_callback_at")).to_contain_text("first called back")
    assert OnCallCall.objects.count() == 1
    shots(page, artifacts_dir, "on-call-call-refused")
    page.get_by_label(re.compile("First call back")).fill(local(now - timedelta(minutes=30)))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("On-call call recorded.")).to_be_visible()
    expect(page.get_by_text(re.compile("called back after 20 minutes"))).to_be_visible()

    page.context.clear_cookies()
    sign_in(director.user.email, PASSWORD)
    page.goto("/dashboard/")
    section = page.locator("#on-call-line")
    expect(section).to_contain_text("2 calls in the period")
    expect(section).to_contain_text("50.0% reached within 30 minutes (1 of 2)")
    expect(section).to_contain_text("1 crisis call, 1 escalated")
    expect(page.locator("#checks-list")).to_contain_text(
        "A dedicated 24/7 on-call number is on file")
    section.scroll_into_view_if_needed()
    shots(page, artifacts_dir, "on-call-dashboard")
