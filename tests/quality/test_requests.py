"""Review and documentation requests from MassHealth or its designee (PS VII.C, VII.D): they
are recorded with the members concerned, show on the director's worklist and dashboard with
their due dates, reach the leads' reminders, and are answered only with a ready record packet
for every member concerned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.documents.services import document_store
from cares.deadlines.reminders import send_reminders
from members.models import PacketStatus, RecordPacket, RequestStatus, ReviewRequest
from members.quality import requests as rules
from tests.factories import MemberFactory, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db


@dataclass
class Period:
    start: date
    end: date


def today() -> date:
    return timezone.localdate()


def new_request(*members, received=None, due=None, **values) -> ReviewRequest:
    received = received or today() - timedelta(days=5)
    fields = {"reference": "UR-2026-001", "kind": "utilization", "requester": "MassHealth UM",
              "received_on": received, "due_on": due or received + timedelta(days=30),
              "asked": "Care plans and progress notes.",
              "masshealth_ids": "\n".join(m.masshealth_id for m in members)} | values
    return rules.request_create(**fields)


def ready_packet(review_request, member) -> RecordPacket:
    document = document_store(member=member, kind="record_packet", title="Record packet",
                              content=b"%PDF-1.4 test")
    return RecordPacket.objects.create(
        member=member, request=review_request, records_from=today() - timedelta(days=90),
        records_to=today() - timedelta(days=1), status=PacketStatus.READY, document=document,
        pages=3, finished_at=timezone.now())


def refusal(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# --- Recording a request --------------------------------------------------------------------

def test_a_request_is_recorded_with_its_members_and_audited():
    director = make_director()
    one, two = MemberFactory(), MemberFactory()
    made = new_request(one, masshealth_ids=f"{one.masshealth_id}, {two.masshealth_id}",
                       actor=director.user)
    assert set(made.members.all()) == {one, two}
    assert made.status == RequestStatus.OPEN
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="members.ReviewRequest",
                                     object_id=str(made.pk)).exists()


def test_unknown_masshealth_ids_are_refused_each_by_name():
    member = MemberFactory()
    with pytest.raises(ValidationError) as exc:
        new_request(masshealth_ids=f"{member.masshealth_id}\n999999999999\n12345")
    assert "999999999999" in refusal(exc) and "12345" in refusal(exc)
    assert set(exc.value.error_dict) == {"masshealth_ids"}
    assert not ReviewRequest.objects.exists()


def test_at_least_one_member_and_due_not_before_received():
    with pytest.raises(ValidationError) as exc:
        new_request(masshealth_ids=" , ", received=today(), due=today() - timedelta(days=1))
    assert set(exc.value.error_dict) == {"masshealth_ids", "due_on"}
    assert "cannot be before" in refusal(exc)


def test_a_request_is_changed_only_while_open():
    member, other = MemberFactory(), MemberFactory()
    made = new_request(member)
    changed = rules.request_update(
        review_request=made, reference="UR-9", kind="audit", requester="MassHealth",
        received_on=made.received_on, due_on=made.due_on, asked="All notes.",
        masshealth_ids=other.masshealth_id)
    assert (changed.reference, list(changed.members.all())) == ("UR-9", [other])
    rules.request_withdraw(review_request=made, reason="Withdrawn by phone.")
    with pytest.raises(ValidationError) as exc:
        rules.request_update(review_request=made, reference="UR-10", kind="audit",
                             requester="MassHealth", received_on=made.received_on,
                             due_on=made.due_on, asked="x", masshealth_ids=other.masshealth_id)
    assert "withdrawn" in refusal(exc)


def test_withdrawing_needs_a_reason():
    made = new_request(MemberFactory())
    with pytest.raises(ValidationError) as exc:
        rules.request_withdraw(review_request=made, reason="  ")
    assert set(exc.value.error_dict) == {"reason"}
    made.refresh_from_db()
    assert made.status == RequestStatus.OPEN


# --- Answering --------------------------------------------------------------------------------

def test_answering_is_refused_until_every_member_has_a_ready_packet():
    one = MemberFactory(legal_first_name="Ana", legal_last_name="Ruiz")
    two = MemberFactory(legal_first_name="Ben", legal_last_name="Ode")
    made = new_request(one, two)
    ready_packet(made, one)
    with pytest.raises(ValidationError) as exc:
        rules.request_answer(review_request=made, sent_on=today(), sent_to="MassHealth UM",
                             method="portal")
    assert "Ben" in refusal(exc) and "Ana" not in refusal(exc)
    made.refresh_from_db()
    assert made.status == RequestStatus.OPEN and not made.submissions.exists()


def test_answering_with_ready_packets_records_what_was_sent():
    director = make_director()
    one, two = MemberFactory(), MemberFactory()
    made = new_request(one, two)
    packets = [ready_packet(made, one), ready_packet(made, two)]
    sent = rules.request_answer(review_request=made, sent_on=today(), sent_to="MassHealth UM",
                                method="secure_email", note="Two packets.", actor=director.user)
    made.refresh_from_db()
    assert (made.status, made.answered_on) == (RequestStatus.ANSWERED, today())
    assert set(sent.packets.all()) == set(packets)
    assert AuditEvent.objects.filter(object_type="members.ReviewSubmission",
                                     object_id=str(sent.pk)).exists()


def test_the_date_sent_is_checked():
    member = MemberFactory()
    made = new_request(member)
    ready_packet(made, member)
    for sent_on in (today() + timedelta(days=1), made.received_on - timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            rules.request_answer(review_request=made, sent_on=sent_on, sent_to="MassHealth",
                                 method="fax")
        assert set(exc.value.error_dict) == {"sent_on"}


def test_the_second_of_two_answers_gets_the_ordinary_refusal():
    member = MemberFactory()
    made = new_request(member)
    ready_packet(made, member)
    stale = ReviewRequest.objects.get(pk=made.pk)  # what the second person's page read
    rules.request_answer(review_request=made, sent_on=today(), sent_to="MassHealth",
                         method="portal")
    with pytest.raises(ValidationError) as exc:
        rules.request_answer(review_request=stale, sent_on=today(), sent_to="MassHealth",
                             method="portal")
    assert "already" in refusal(exc) or "answered on" in refusal(exc)
    assert made.submissions.count() == 1


# --- Dashboard -------------------------------------------------------------------------------

def test_the_dashboard_counts_on_time_and_late_answers_in_the_period(
        django_assert_num_queries):
    member = MemberFactory()
    start = today().replace(day=1) - timedelta(days=60)
    on_time = new_request(member, reference="A", received=start, due=start + timedelta(days=5))
    late = new_request(member, reference="B", received=start, due=start + timedelta(days=2))
    overdue = new_request(member, reference="C", received=start, due=today() - timedelta(days=3))
    new_request(member, reference="D", received=today(), due=today() + timedelta(days=9))
    for made in (on_time, late):
        ready_packet(made, member)
        rules.request_answer(review_request=made, sent_on=start + timedelta(days=4),
                             sent_to="MassHealth", method="portal")
    with django_assert_num_queries(2):  # what the section adds to the dashboard
        summary = rules.request_summary(Period(start, today()), today())
    assert (summary.open_now, summary.overdue_now) == (2, 1)
    assert (summary.answered_on_time, summary.answered_late) == (1, 1)
    assert [(r.request.reference, r.days_overdue) for r in summary.open] == [("C", 3), ("D", 0)]
    assert overdue.pk == summary.open[0].request.pk
    later = rules.request_summary(Period(today(), today()), today())
    assert later.answered == 0  # answered before the period
    header, rows, member_ids = rules.request_table(summary)
    assert [r[0] for r in rows] == ["C", "D", "A", "B"] and member_ids == []
    assert rows[2][header.index("on_time")] == "yes" and rows[3][header.index("on_time")] == "no"


def test_the_dashboard_shows_the_section_and_exports_it():
    director = make_director()
    new_request(MemberFactory(), reference="UR-77", due=today() - timedelta(days=1),
                received=today() - timedelta(days=10))
    client = sign_in(Client(), director.user)
    page = client.get(reverse("dashboards:program"))
    assert b'id="review-requests"' in page.content and b"UR-77" in page.content
    export = client.get(reverse("dashboards:program") + "?period=month&export=requests")
    assert export.status_code == 200 and b"UR-77" in export.content


# --- Worklist and reminders ------------------------------------------------------------------

def test_due_and_overdue_requests_are_on_the_directors_worklist_only():
    director, coordinator = make_director(), make_staff("care_coordinator")
    member = MemberFactory()
    new_request(member, reference="SOON", received=today(), due=today() + timedelta(days=3))
    new_request(member, reference="LATE", received=today() - timedelta(days=20),
                due=today() - timedelta(days=2))
    new_request(member, reference="LATER", received=today(), due=today() + timedelta(days=40))
    page = sign_in(Client(), director.user).get(reverse("dashboards:worklist"))
    body = page.content.decode()
    assert "SOON" in body and "LATE" in body and "LATER" not in body
    assert (today() - timedelta(days=2)).isoformat() in body
    other = sign_in(Client(), coordinator.user).get(reverse("dashboards:worklist"))
    assert b"worklist-review-requests" not in other.content


def mail_to(profile):
    return [m for m in mail.outbox if m.to == [profile.user.email]]


def test_leads_hear_of_requests_due_in_the_digest_and_the_escalation():
    director, coordinator = make_director(), make_staff("care_coordinator")
    member = MemberFactory()
    new_request(member, reference="SOON-1", received=today(), due=today() + timedelta(days=2))
    new_request(member, reference="OLD-1", received=today() - timedelta(days=30),
                due=today() - timedelta(days=10))
    new_request(member, reference="RECENT-1", received=today() - timedelta(days=30),
                due=today() - timedelta(days=3))
    result = send_reminders(today=today())
    assert result["escalations"] == 1
    [digest] = [m for m in mail_to(director) if "OLD-1" in m.body and "SOON-1" in m.body]
    assert "RECENT-1" in digest.body and member.legal_last_name not in digest.body
    [escalation] = [m for m in mail_to(director) if "overdue more than" in m.subject]
    assert "OLD-1" in escalation.body and "RECENT-1" not in escalation.body
    assert all("SOON-1" not in m.body for m in mail_to(coordinator))
    assert send_reminders(today=today()) == {"digests": 0, "escalations": 0}  # once a day


# --- Pages ------------------------------------------------------------------------------------

def test_the_pages_record_a_request_and_refuse_next_to_the_field():
    client = sign_in(Client(), make_director().user)
    member = MemberFactory()
    data = {"reference": "MN-5", "kind": "medical_necessity", "requester": "MassHealth",
            "received_on": today().isoformat(), "due_on": (today() - timedelta(days=1)).isoformat(),
            "masshealth_ids": f"{member.masshealth_id}\n000000000001", "asked": "ICP."}
    refused = client.post(reverse("quality:request_add"), data)
    assert refused.status_code == 200 and b"000000000001" in refused.content
    assert b"cannot be before" in refused.content and not ReviewRequest.objects.exists()
    data |= {"due_on": (today() + timedelta(days=14)).isoformat(),
             "masshealth_ids": member.masshealth_id}
    saved = client.post(reverse("quality:request_add"), data)
    made = ReviewRequest.objects.get()
    assert saved.url == reverse("quality:request", args=[made.pk])
    page = client.get(saved.url)
    assert member.masshealth_id.encode() in page.content
    assert reverse("members:detail", args=[member.pk]).encode() in page.content


def test_making_packets_asks_for_the_range_when_the_request_has_none():
    client = sign_in(Client(), make_director().user)
    one, two = MemberFactory(), MemberFactory()
    made = new_request(one, two)
    ready_packet(made, one)
    url = reverse("quality:request_packets", args=[made.pk])
    refused = client.post(url, {"records_from": "", "records_to": ""})
    assert refused.status_code == 200 and not RecordPacket.objects.filter(member=two).exists()
    start = (today() - timedelta(days=60)).isoformat()
    done = client.post(url, {"records_from": start, "records_to": today().isoformat()})
    assert done.status_code == 302
    [queued] = RecordPacket.objects.filter(member=two, request=made)
    assert queued.records_from.isoformat() == start
    client.post(url, {"records_from": start, "records_to": today().isoformat()})
    assert RecordPacket.objects.filter(request=made).count() == 2  # nobody twice


def test_the_answer_page_records_the_answer():
    client = sign_in(Client(), make_director().user)
    member = MemberFactory()
    made = new_request(member)
    url = reverse("quality:request_answer", args=[made.pk])
    data = {"sent_on": today().isoformat(), "sent_to": "MassHealth", "method": "portal"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and member.legal_first_name.encode() in refused.content
    packet = ready_packet(made, member)
    assert client.post(url, data | {"packets": [packet.pk]}).status_code == 302
    made.refresh_from_db()
    assert made.status == RequestStatus.ANSWERED


@pytest.mark.parametrize("role,status", [("senior_care_manager", 200),
                                         ("care_coordinator", 403), ("family_support", 403)])
def test_only_the_leads_open_the_requests(role, status):
    made = new_request(MemberFactory())
    client = sign_in(Client(), make_staff(role).user)
    for url in (reverse("quality:requests"), reverse("quality:request", args=[made.pk])):
        assert client.get(url).status_code == status


def test_the_list_and_the_request_stay_within_their_query_budgets(django_assert_max_num_queries):
    client = sign_in(Client(), make_director().user)
    members = [MemberFactory() for _ in range(6)]
    for n in range(8):
        made = new_request(*members, reference=f"R-{n}")
    for member in members:
        ready_packet(made, member)
    rules.request_answer(review_request=made, sent_on=today(), sent_to="MassHealth",
                         method="portal")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quality:requests")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("quality:request", args=[made.pk])).status_code == 200
