"""Letters and PDFs as a coordinator uses them, in Chromium against the live server (issue 16,
items 3, 11, 13 and 20): releasing a letter after a confirmation that names its languages and
recipients (and warns when a Spanish-reading family gets English only); downloading the
letter, the ICP copy and the emergency plan under meaningful names without PHI, in the
family's language by default; the ICP's table rows whole on their pages."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from careplans import services as plan_services
from careplans.models import CareTeamEntry
from notices import services as letter_services
from notices.models import Letter, LetterStatus
from tests.factories import (
    PASSWORD,
    completed_assessment,
    enrolled_member,
    letter_ready_member,
    make_staff,
    ready_care_plan,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def pages_text(data: bytes) -> list[str]:
    return ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_releasing_a_letter_asks_for_confirmation(page, sign_in, artifacts_dir):
    coordinator = make_staff("care_coordinator", phone="617-555-0142")
    member = letter_ready_member(coordinator, language="es", legal_last_name="Ramírez")
    letter = letter_services.letter_draft(episode=member.episodes.get(), kind="enrollment")
    letter_services.letters_render([letter.pk])  # the worker's job
    sign_in(coordinator.user.email, PASSWORD)

    page.goto(f"/members/{member.pk}/letters/{letter.pk}/")
    with page.expect_download() as download:
        page.locator("#letter-pdf").click()
    name = download.value.suggested_filename
    assert name == f"enrollment-letter-{TODAY.isoformat()}.pdf"
    assert "Ram" not in name and member.masshealth_id not in name

    page.get_by_role("link", name="Send").click()
    expect(page.locator("#family-language")).to_have_text("Spanish / Español")
    expect(page.locator("#letter-languages")).to_have_text("English")
    expect(page.locator("#english-only-warning")).to_contain_text(
        "This family reads Spanish / Español, but the letter will be sent in English only")
    expect(page.locator("#letter-recipients")).to_contain_text("Ana Example")
    expect(page.locator("#letter-recipients")).to_contain_text("Certified mail")
    expect(page.locator("#letter-recipients")).to_contain_text("ana@family.example")
    page.screenshot(path=str(artifacts_dir / "letter-release-confirmation.png"), full_page=True)

    # Sending without confirming is refused by the server; nothing goes out.
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Confirm the languages and the recipients")).to_be_visible()
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT

    page.get_by_label("I checked the languages and the recipients above").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Released: the final PDF is being made")).to_be_visible()
    assert Letter.objects.get(pk=letter.pk).status != LetterStatus.DRAFT
    assert letter.deliveries.count() == 2


def test_icp_copy_and_emergency_plan_in_the_family_language(page, sign_in, artifacts_dir):
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=15),
                             legal_first_name="Minh Anh", legal_last_name="Nguyễn",
                             primary_language="vi", preferred_written_language="vi")
    completed_assessment(member, coordinator, completed_on=TODAY)
    plan = ready_care_plan(member, meeting_on=TODAY)
    CareTeamEntry.objects.bulk_create(
        CareTeamEntry(plan=plan, order=10 + n, role="specialist", name=f"Row{n:02d}name",
                      organization="Pediatric complex care clinic of a teaching hospital, "
                                   f"third floor of the east building Row{n:02d}end",
                      phone=f"617-555-{n:04d}") for n in range(40))
    plan = plan_services.care_plan_finalize(plan=plan, finalized_on=TODAY)
    sign_in(coordinator.user.email, PASSWORD)

    # The PDF copy: Vietnamese is already chosen.
    page.goto(f"/members/{member.pk}/care-plans/{plan.pk}/copies/new/")
    expect(page.locator('select[name="language"]')).to_have_value("vi")
    with page.expect_navigation():
        page.get_by_role("button", name="Make PDF").click()
    row = page.locator("#copies-table tr", has_text="Vietnamese")
    with page.expect_download() as download:
        row.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == (
        f"icp-v{plan.version}-vi-{TODAY.isoformat()}.pdf")
    pages = pages_text(Path(download.value.path()).read_bytes())
    assert "KếhoạchChămsócCánhân" in pages[0]
    for n in range(40):  # each team row whole on one page
        assert len({i for i, text in enumerate(pages)
                    for token in (f"Row{n:02d}name", f"Row{n:02d}end", f"617-555-{n:04d}")
                    if token in text}) == 1, n

    # The emergency plan: offered in Vietnamese, chosen by default.
    page.goto(f"/members/{member.pk}/emergency-plan/")
    expect(page.locator("#emergency-language")).to_have_value("vi")
    expect(page.locator("#emergency-language option")).to_have_count(2)
    page.screenshot(path=str(artifacts_dir / "emergency-plan-language.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Print (one-page PDF)").click()
    assert download.value.suggested_filename == f"emergency-plan-vi-{TODAY.isoformat()}.pdf"
    assert "KẾHOẠCHCẤPCỨU" in pages_text(Path(download.value.path()).read_bytes())[0]
