"""Member record packets (PS VII.C, VII.D): one sealed PDF of a member's record for a date
range, made by a worker, created and downloaded only by MANAGE_QUALITY holders, each creation
and download recorded as an export."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cares.base.audit.models import Action, AuditEvent
from cares.base.documents.models import Document
from cares.base.documents.services import document_store
from cares.deadlines.models import Deadline
from cares.program.quality.packets import build
from cares.program.quality.packets.sections import SECTIONS
from cares.program.quality.packets.service import start_packet
from cares.program.quality.tasks import make_record_packet
from members.models import (
    Contact,
    HospitalStay,
    MonitoringReview,
    PacketStatus,
    RecordPacket,
    ReferralFollowUp,
    ReleaseOfInformation,
    ReviewRequest,
)
from notices.models import Letter, LetterDelivery
from tests.factories import (
    completed_assessment,
    enrolled_member,
    finalized_care_plan,
    make_referral,
    make_staff,
    sign_in,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FROM, TO = TODAY - timedelta(days=720), TODAY - timedelta(days=30)
INSIDE = {  # a distinctive value of each kind of record dated in the range
    "release": "Wobbleton Academy", "assessment": "Quorvexa syndrome",
    "icp": "Brindlemark palsy", "referral": "Velliquent therapy",
    "follow_up": "Aunt Pellamy", "monitoring": "Grandpa Thistlewood",
    "contact": "Nurse Oquendy", "stay": "Fennimore croup",
    "letter": "Ysolde Marchbank", "tracking": "9400111899",
    "deadline": "Transition-to-adulthood plan",
}
OUTSIDE = {"contact": "Dr. Outrange Vexley", "referral": "Outrange dentistry",
           "deadline": "Aftercare/transition plan"}


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def manager(db):
    return make_staff("senior_care_manager", credentials=("RN",))


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=FROM + timedelta(days=5),
                           legal_first_name="Odalys", legal_last_name="Penhallow")


def days_ago(n: int):
    return TODAY - timedelta(days=n)


def full_record(member, staff):
    """A record of every kind in the range, and a few after it."""
    ReleaseOfInformation.objects.create(
        member=member, party=INSIDE["release"], purpose="IEP", scope="Care plan",
        signed_on=days_ago(600), signed_by="Parent", expires_on=days_ago(250))
    completed_assessment(member, staff, completed_on=days_ago(500),
                         medical_history=INSIDE["assessment"])
    finalized_care_plan(member, staff, on=days_ago(490), diagnoses=INSIDE["icp"])
    referral = make_referral(member, service=INSIDE["referral"], referred_on=days_ago(300))
    ReferralFollowUp.objects.create(referral=referral, followed_up_on=days_ago(280),
                                    with_whom=INSIDE["follow_up"], services_received=True)
    make_referral(member, service=OUTSIDE["referral"], referred_on=days_ago(10))
    MonitoringReview.objects.create(member=member, reviewed_on=days_ago(200),
                                    participants=INSIDE["monitoring"], services_per_icp=True)
    now = timezone.now()
    Contact.objects.create(member=member, contact_at=now - timedelta(days=150),
                           contact_mode="phone", with_guardian=True,
                           participants=INSIDE["contact"])
    Contact.objects.create(member=member, contact_at=now - timedelta(days=5),
                           contact_mode="phone", with_guardian=True,
                           participants=OUTSIDE["contact"])
    HospitalStay.objects.create(member=member, setting="emergency", admitted_on=days_ago(100),
                                discharged_on=days_ago(99), reason=INSIDE["stay"])
    letter = Letter.objects.create(member=member, episode=member.episodes.first(),
                                   kind="enrollment", letter_date=days_ago(480),
                                   status="sent", sent_on=days_ago(480))
    LetterDelivery.objects.create(letter=letter, channel="certified_mail", status="sent",
                                  recipient=INSIDE["letter"], address="1 Elm St",
                                  sent_on=days_ago(480), tracking_number=INSIDE["tracking"])
    for rule, due in (("transition_plan", days_ago(60)), ("aftercare_plan", days_ago(5))):
        Deadline.objects.create(member=member, subject_key=f"m{member.pk}", rule=rule,
                                cycle_key="t", start=due - timedelta(days=15), due=due,
                                status="late", computed_on=TODAY)


def review_request(member):
    request = ReviewRequest.objects.create(
        reference="MH-UR-20417", kind="utilization", requester="MassHealth Utilization Unit",
        received_on=TODAY, due_on=TODAY + timedelta(days=14), asked="Every record.")
    request.members.add(member)
    return request


def test_packet_has_every_section_and_kind_of_record_in_range_only(member, coordinator,
                                                                   manager):
    full_record(member, coordinator)
    packet = start_packet(member=member, records_from=FROM, records_to=TO,
                          request=review_request(member), actor=manager.user)
    assert make_record_packet(packet.pk) == "made"
    packet.refresh_from_db()
    assert packet.status == PacketStatus.READY and packet.progress == packet.sections_total
    content = packet.document.file.open("rb").read()
    text = pdf_text(content)
    for section in SECTIONS:
        assert flat(str(section.title)) in text, section.key
    for kind, value in INSIDE.items():
        assert flat(value) in text, kind
    for kind, value in OUTSIDE.items():
        assert flat(value) not in text, kind
    # The cover sheet: program, member, MassHealth ID, range, the request, who made it.
    cover = flat(PdfReader(io.BytesIO(content)).pages[0].extract_text())
    for value in ("MH-UR-20417", "Utilization review", "MassHealth Utilization Unit",
                  member.masshealth_id, "OdalysPenhallow", FROM.isoformat(), TO.isoformat(),
                  flat(manager.user.get_full_name())):
        assert flat(value) in cover, value
    # Page numbers, and a table of contents giving each section's page.
    reader = PdfReader(io.BytesIO(content))
    assert packet.pages == len(reader.pages) > len(SECTIONS)
    assert f"Page2/{len(reader.pages)}" in flat(reader.pages[1].extract_text())
    toc = flat(reader.pages[1].extract_text())
    assert "Contents" in toc and all(flat(str(s.title)) in toc for s in SECTIONS)
    assert re.search(r"1\.Member,guardiansandepisodes\.+3", toc)  # its page number
    # Sealed: the stored SHA-256 is the content's.
    assert packet.document.kind == "record_packet"
    assert packet.document.sha256 == hashlib.sha256(content).hexdigest()


def test_creation_and_each_download_are_audited_as_exports(client, member, manager):
    packet = start_packet(member=member, records_from=FROM, records_to=TO, actor=manager.user)
    created = AuditEvent.objects.filter(action=Action.EXPORT, actor=manager.user)
    assert created.count() == 1
    assert created.get().detail["member_ids"] == [member.pk]
    make_record_packet(packet.pk)
    packet.refresh_from_db()
    sign_in(client, manager.user)
    url = reverse("quality:packet_download", args=[packet.pk])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response) == packet.document.file.open("rb").read()
    exports = AuditEvent.objects.filter(action=Action.EXPORT, actor=manager.user)
    assert [e.detail["event"] for e in exports.order_by("pk")] == [
        "created", "downloaded", "downloaded"]


def test_download_refuses_a_tampered_packet(client, member, director):
    packet = ready_packet(member, director, content=b"%PDF-1.7 original")
    Document.objects.filter(pk=packet.document_id).update(sha256="0" * 64)
    sign_in(client, director.user)
    response = client.get(reverse("quality:packet_download", args=[packet.pk]))
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(action=Action.EXPORT, actor=director.user).exists()


def ready_packet(member, staff, content=b"%PDF-1.7 stand-in"):
    document = document_store(member=member, kind="record_packet", title="Record packet",
                              content=content, actor=staff.user)
    return RecordPacket.objects.create(member=member, records_from=FROM, records_to=TO,
                                       status="ready", sections_total=build.STEPS,
                                       progress=build.STEPS, document=document, pages=3,
                                       seconds=1.5, requested_by=staff.user)


@pytest.mark.parametrize("role", ["care_coordinator", "family_support"])
def test_coordinators_and_family_staff_may_not_make_or_download(client, member, director,
                                                               coordinator, role):
    packet = ready_packet(member, director)
    user = coordinator.user if role == "care_coordinator" else make_staff(role).user
    sign_in(client, user)
    for name, args in (("quality:packets", []), ("quality:packet_add", []),
                       ("quality:packet", [packet.pk]), ("quality:packet_status", [packet.pk]),
                       ("quality:packet_download", [packet.pk])):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    response = client.post(reverse("quality:packet_add"), {
        "member": member.masshealth_id, "records_from": FROM, "records_to": TO})
    assert response.status_code == 403
    assert RecordPacket.objects.count() == 1


def test_the_generic_document_route_refuses_a_packet(client, member, director):
    packet = ready_packet(member, director)
    sign_in(client, director.user)
    response = client.get(reverse("document_download", args=[member.pk, packet.document_id]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=director.user).exists()


def test_running_the_task_twice_makes_one_document(member, manager):
    packet = start_packet(member=member, records_from=FROM, records_to=TO, actor=manager.user)
    assert make_record_packet(packet.pk) == "made"
    assert make_record_packet(packet.pk) == "skipped"
    assert Document.objects.filter(kind="record_packet").count() == 1


def test_a_stale_running_packet_is_taken_over_and_a_live_one_left(member, manager):
    packet = start_packet(member=member, records_from=FROM, records_to=TO, actor=manager.user)
    RecordPacket.objects.filter(pk=packet.pk).update(status="running",
                                                     started_at=timezone.now())
    assert make_record_packet(packet.pk) == "skipped"
    RecordPacket.objects.filter(pk=packet.pk).update(
        started_at=timezone.now() - build.STALE_AFTER - timedelta(minutes=1))
    assert make_record_packet(packet.pk) == "made"


def test_a_render_failure_marks_the_packet_failed_without_phi(member, manager, monkeypatch):
    packet = start_packet(member=member, records_from=FROM, records_to=TO, actor=manager.user)

    def broken(*args, **kwargs):
        raise build.PDFRenderError(f"boom {member.legal_last_name}")

    monkeypatch.setattr(build, "render_template_to_pdf", broken)
    assert make_record_packet(packet.pk) == "failed"
    packet.refresh_from_db()
    assert packet.status == PacketStatus.FAILED and packet.document is None
    assert member.legal_last_name not in packet.error and packet.error


def test_start_refuses_a_backwards_or_future_range(member, manager):
    with pytest.raises(ValidationError) as backwards:
        start_packet(member=member, records_from=TO, records_to=FROM, actor=manager.user)
    assert "records_to" in backwards.value.error_dict
    with pytest.raises(ValidationError) as future:
        start_packet(member=member, records_from=TODAY + timedelta(days=1),
                     records_to=TODAY + timedelta(days=2), actor=manager.user)
    assert "records_from" in future.value.error_dict
    assert not RecordPacket.objects.exists()


def test_start_queues_the_worker_after_commit(member, manager, django_capture_on_commit_callbacks,
                                              monkeypatch):
    queued = []
    monkeypatch.setattr(make_record_packet, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        packet = start_packet(member=member, records_from=FROM, records_to=TO,
                              actor=manager.user)
    assert queued == [packet.pk]
    assert packet.status == PacketStatus.QUEUED and packet.sections_total == build.STEPS


def test_the_form_shows_refusals_next_to_the_fields(client, member, manager):
    sign_in(client, manager.user)
    url = reverse("quality:packet_add")
    response = client.post(url, {"member": "000000000000", "records_from": FROM,
                                 "records_to": TO})
    assert response.status_code == 200
    assert "No member has that MassHealth ID." in response.content.decode()
    response = client.post(url, {"member": member.masshealth_id, "records_from": TO,
                                 "records_to": FROM})
    assert "The range ends before it starts." in response.content.decode()
    assert not RecordPacket.objects.exists()
    response = client.post(url, {"member": member.masshealth_id, "records_from": FROM,
                                 "records_to": TO})
    packet = RecordPacket.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "quality:packet", args=[packet.pk])


def test_pages_show_progress_and_status_json_has_no_phi(client, member, manager,
                                                       django_assert_max_num_queries):
    packet = start_packet(member=member, records_from=FROM, records_to=TO, actor=manager.user)
    RecordPacket.objects.filter(pk=packet.pk).update(status="running", progress=6)
    sign_in(client, manager.user)
    page = client.get(reverse("quality:packet", args=[packet.pk])).content.decode()
    assert "packet-progress.js" in page and 'aria-valuenow="46"' in page
    status = client.get(reverse("quality:packet_status", args=[packet.pk]))
    assert status.json() == {"status": "running", "status_label": "Being made", "progress": 6,
                             "total": build.STEPS, "percent": 46, "done": False}
    assert member.legal_last_name not in status.content.decode()
    for _ in range(3):
        ready_packet(member, manager)
    with django_assert_max_num_queries(15):
        listing = client.get(reverse("quality:packets")).content.decode()
    assert "Penhallow" in listing and "Download PDF" in listing


def test_the_sections_run_the_same_queries_however_long_the_record(member, coordinator):
    """No N+1: more contacts, referrals, follow-ups, reviews and stays add no query (only
    ICP versions do, a fixed number each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    full_record(member, coordinator)
    packet = RecordPacket.objects.create(member=member, records_from=FROM, records_to=TO,
                                         sections_total=build.STEPS)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build.packet_context(RecordPacket.objects.select_related("member").get(
                pk=packet.pk))
        return len(captured)

    before = queries()
    now = timezone.now()
    for i in range(5):
        referral = make_referral(member, service=f"More service {i}",
                                 referred_on=days_ago(400 + i))
        ReferralFollowUp.objects.create(referral=referral, followed_up_on=days_ago(390),
                                        with_whom="Parent", services_received=True)
        Contact.objects.create(member=member, contact_at=now - timedelta(days=300 + i),
                               contact_mode="phone", with_guardian=True)
        MonitoringReview.objects.create(member=member, reviewed_on=days_ago(310 + i))
        HospitalStay.objects.create(member=member, setting="emergency",
                                    admitted_on=days_ago(320 + i), discharged_on=days_ago(319))
    assert queries() == before
