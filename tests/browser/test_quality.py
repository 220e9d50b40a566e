"""The program director records a review request from MassHealth (PS VII.C, VII.D), has the
record packets made, downloads one and records the answer; the request is answered on time and
the dashboard's review requests section counts it.

Nothing consumes the Celery queue in tests, so the test plays the worker: it runs the task's
body (``make_packet``) for the packets the page queued, while the packet page polls its status
(static/js/packet-progress.js) and reloads itself once the packet is ready."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.program.quality.packets.build import make_packet
from members.models import PacketStatus, RecordPacket, RequestStatus, ReviewRequest
from members.quality.requests import request_create
from tests.factories import PASSWORD, enrolled_member, make_director, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def day(value) -> str:
    return value.isoformat()


def test_director_records_a_request_makes_the_packet_and_answers_it(
        page, sign_in, artifacts_dir):
    today = timezone.localdate()
    director = make_director()
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=200),
                             legal_first_name="Ysolde", legal_last_name="Quillfeather")

    sign_in(director.user.email, PASSWORD)
    page.goto("/")
    page.locator("#nav-quality").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality and audits")
    page.get_by_role("link", name="Review and documentation requests").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name=re.compile("Record a request|Record a review")).first.click()

    # Typed from the keyboard: Tab from field to field, Enter to send.
    page.locator("#id_reference").focus()
    page.keyboard.type("UR-2026-0417")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_kind"
    page.locator("#id_kind").select_option("utilization")
    page.locator("#id_requester").fill("MassHealth Utilization Management")
    page.locator("#id_received_on").fill(day(today - timedelta(days=2)))
    page.locator("#id_due_on").fill(day(today - timedelta(days=10)))  # before received: refused
    page.locator("#id_masshealth_ids").fill(f"{member.masshealth_id}\n999999999999")
    page.locator("#id_asked").fill("Care plans and contact notes since enrollment.")
    page.locator("#id_records_from").fill(day(today - timedelta(days=180)))
    page.locator("#id_records_to").fill(day(today - timedelta(days=1)))
    page.locator("#id_requester_contact").fill("um-reviews@example.org")
    page.locator("#id_requester_contact").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Refused: the reasons by their fields, nothing saved, nothing typed lost, and the
    # keyboard lands on the first field to fix.
    expect(page.locator("#refusal")).to_contain_text("nothing was saved")
    expect(page.locator("#div_id_masshealth_ids")).to_contain_text("999999999999")
    expect(page.locator("#div_id_due_on")).to_contain_text("before")
    assert not ReviewRequest.objects.exists()
    expect(page.locator("#id_reference")).to_have_value("UR-2026-0417")
    expect(page.locator("#id_requester_contact")).to_have_value("um-reviews@example.org")
    expect(page.locator("#id_asked")).to_have_value(re.compile("Care plans and contact notes"))
    expect(page.locator("#id_records_from")).to_have_value(day(today - timedelta(days=180)))
    focused = page.evaluate("document.activeElement.id")
    assert focused in {"id_due_on", "id_masshealth_ids"}, focused
    page.screenshot(path=str(artifacts_dir / "quality-request-refused-1280.png"), full_page=True)

    page.locator("#id_masshealth_ids").fill(member.masshealth_id)
    page.locator("#id_due_on").fill(day(today + timedelta(days=28)))
    page.locator("#id_due_on").press("Enter")
    expect(page.get_by_text(re.compile("Request UR-2026-0417 recorded"))).to_be_visible()
    review_request = ReviewRequest.objects.get()
    assert list(review_request.members.all()) == [member]
    expect(page.locator("#request-members")).to_contain_text("Quillfeather")

    # The packets: queued by the page, made by the worker (played here).
    page.get_by_role("button", name="Make the record packets").click()
    expect(page.get_by_text("1 record packet is being made.")).to_be_visible()
    packet = RecordPacket.objects.get(request=review_request)
    assert packet.status == PacketStatus.QUEUED
    page.locator("#record-packets").get_by_role("link", name=re.compile("Quillfeather")).click()
    expect(page.locator("#packet-status")).to_have_text("Waiting for the worker")
    expect(page.locator("#packet-progress")).to_be_visible()
    for queued in RecordPacket.objects.filter(status=PacketStatus.QUEUED):
        assert make_packet(queued.pk) == "made"
    # The page polls and reloads itself once the packet is ready.
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=15_000)
    expect(page.locator("#packet-status")).to_have_text("Ready")
    page.screenshot(path=str(artifacts_dir / "quality-packet-ready-1280.png"), full_page=True)
    with page.expect_download() as info:
        download_link.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    # The answer: sent on, to whom, how, with the ready packet.
    page.goto(f"/quality/requests/{review_request.pk}/")
    expect(page.locator("#request-members")).to_contain_text("Ready")
    page.locator("#request-answer").click()
    expect(page.locator("#id_sent_on")).to_have_value(day(today))
    expect(page.locator("#id_sent_to")).to_have_value("MassHealth Utilization Management")
    page.locator("#id_method").select_option("portal")
    expect(page.locator("#answer-form input[name='packets']").first).to_be_checked()
    page.locator("#id_note").fill("Uploaded the record packet to the portal.")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_text(re.compile("Answer recorded: sent"))).to_be_visible()
    expect(page.locator("#request-status")).to_contain_text("Answered")
    expect(page.locator("#request-status")).to_contain_text("on time")
    expect(page.locator("#request-submissions")).to_contain_text("Secure portal upload")
    review_request.refresh_from_db()
    assert review_request.status == RequestStatus.ANSWERED
    assert review_request.answered_on == today
    page.screenshot(path=str(artifacts_dir / "quality-request-answered-1280.png"),
                    full_page=True)

    # The dashboard's section counts it: answered on time, none open.
    page.goto("/dashboard/")
    section = page.locator("#review-requests")
    expect(section.locator("[data-count='on-time']")).to_contain_text("1 answered on time")
    expect(section.locator("[data-count='open']")).to_contain_text("0 open now")
    expect(section.locator("[data-count='late']")).to_contain_text("0 answered late")


def test_the_request_page_follows_its_packets_until_they_are_made(page, sign_in):
    """Two members concerned: the request page shows each packet's progress while the worker
    makes them and reloads itself, with both download links, once both are made."""
    today = timezone.localdate()
    director = make_director()
    coordinator = make_staff("care_coordinator")
    members = [enrolled_member(coordinator, referral_date=today - timedelta(days=200),
                               legal_first_name=first, legal_last_name="Quillfeather")
               for first in ("Ysolde", "Bram")]
    review_request = request_create(
        reference="MN-7", kind="medical_necessity", requester="MassHealth",
        received_on=today - timedelta(days=1), due_on=today + timedelta(days=20),
        asked="The record since enrollment.", masshealth_ids=[m.masshealth_id for m in members],
        records_from=today - timedelta(days=180), records_to=today, actor=director.user)

    sign_in(director.user.email, PASSWORD)
    page.goto(f"/quality/requests/{review_request.pk}/")
    page.get_by_role("button", name="Make the record packets").click()
    cells = page.locator("#record-packets [data-packet-status-url]")
    expect(cells).to_have_count(2)
    expect(cells.first).to_contain_text("Waiting for the worker (0 /")
    first, second = RecordPacket.objects.filter(request=review_request).order_by("pk")
    assert make_packet(first.pk) == "made"
    # One made: its row says so, the page waits for the other.
    expect(page.locator("#record-packets")).to_contain_text("Ready", timeout=15_000)
    expect(page.locator("#record-packets").get_by_role("link", name="Download PDF")) \
        .to_have_count(0)
    assert make_packet(second.pk) == "made"
    # Both made: the page reloads itself with both download links.
    expect(page.locator("#record-packets").get_by_role("link", name="Download PDF")) \
        .to_have_count(2, timeout=15_000)
