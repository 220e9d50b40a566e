"""The care coordination pages: quick-add forms from the member page, the referral page with
its closed loop, and the referrals worklist per coordinator. Every refusal shows why, keeps the
input and saves nothing; reads are bounded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careplans.models import CarePlan
from cares.base.audit.models import Action, AuditEvent
from members.coordination import services as coordination
from members.coordination.models import (
    CaseReview,
    ConsultationRequest,
    Contact,
    MonitoringReview,
    OnCallCall,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatus,
    ServiceReferral,
    TransitionPlan,
)
from members.services import care_team_set
from tests.factories import (
    ProviderFactory,
    enrolled_member,
    make_director,
    make_medical,
    make_referral,
    make_staff,
    sign_in,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REFERRED_ON = TODAY - timedelta(days=90)
S = ReferralStatus


def day(n: int = 0) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=REFERRED_ON,
                           date_of_birth=TODAY.replace(year=TODAY.year - 17) - timedelta(days=3))


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator.user)


def url(name: str, member, *args) -> str:
    return reverse(f"members:{name}", args=[member.pk, *args])


# --- Referrals and their closed loop ------------------------------------------------------------

def test_a_coordinator_records_a_referral_and_carries_its_loop(coordinator_client, coordinator,
                                                                member):
    provider = ProviderFactory(organization="Example Pulmonology")
    response = coordinator_client.post(url("referral_add", member), {
        "service": "Pediatric pulmonology", "provider": provider.pk,
        "provider_person": "Dr. Lung", "referred_on": day(-20), "scheduled_on": day(-10),
        "referrer_kind": "professional", "referrer_name": "Example PCP",
        "referrer_contact": "", "icp_goal": "Fewer admissions"})
    referral = ServiceReferral.objects.get(member=member)
    assert response.status_code == 302
    assert response.url == url("referral_detail", member, referral.pk)
    page = html(coordinator_client.get(response.url))
    assert "FHIR Task: requested" in page and "Fewer admissions" in page

    response = coordinator_client.post(url("referral_status", member, referral.pk), {
        "to_status": "accepted", "changed_on": day(-15), "decline_reason": "",
        "closure_reason": "", "status_note": ""})
    assert response.status_code == 302
    response = coordinator_client.post(url("referral_follow_up", member, referral.pk), {
        "followed_up_on": day(-2), "with_kind": "provider", "with_whom": "Dr. Lung",
        "services_received": "yes", "met_need": "yes", "notes": "Seen; inhaler started."})
    assert response.status_code == 302
    assert ReferralFollowUp.objects.get(referral=referral).met_need is True
    assert "FHIR Task: in-progress" in html(coordinator_client.get(
        url("referral_detail", member, referral.pk)))
    response = coordinator_client.post(url("referral_status", member, referral.pk), {
        "to_status": "closed", "changed_on": day(-1), "decline_reason": "",
        "closure_reason": "services_received", "status_note": ""})
    assert response.status_code == 302
    page = html(coordinator_client.get(url("referral_detail", member, referral.pk)))
    assert "FHIR Task: completed" in page
    assert 'id="closure-notice"' in page and 'data-deadline="referral_closure_notice"' in page
    response = coordinator_client.post(url("referral_notice", member, referral.pk), {
        "notice_kind": "closure", "sent_on": day(), "sent_to": "Example PCP",
        "notice_method": "secure_email"})
    assert response.status_code == 302
    assert ReferralNotice.objects.get(referral=referral).sent_to == "Example PCP"
    referral.refresh_from_db()
    assert list(referral.status_changes.values_list("to_status", "changed_by")) == [
        (S.PENDING, coordinator.user_id), (S.ACCEPTED, coordinator.user_id),
        (S.CLOSED, coordinator.user_id)]


def test_a_refused_status_change_says_why_and_saves_nothing(coordinator_client, member):
    referral = make_referral(member, referred_on=TODAY - timedelta(days=5))
    response = coordinator_client.post(url("referral_status", member, referral.pk), {
        "to_status": "declined", "changed_on": day(), "decline_reason": "",
        "closure_reason": "", "status_note": "Full."})
    assert response.status_code == 200
    assert any("reason the provider declined" in p for p in response.context["refused"])
    assert "Refused; nothing was saved." in html(response)
    assert response.context["form"]["status_note"].value() == "Full."
    referral.refresh_from_db()
    assert referral.status == S.PENDING and referral.status_changes.count() == 1


def test_an_exception_needs_its_reason_on_the_page(coordinator_client, member):
    referral = make_referral(member, referred_on=TODAY - timedelta(days=5),
                             scheduled_on=TODAY + timedelta(days=20))
    response = coordinator_client.post(url("referral_exception", member, referral.pk), {
        "exception_kind": "scheduled_beyond_30", "exception_reason": ""})
    assert "exception_reason" in response.context["form"].errors
    response = coordinator_client.post(url("referral_exception", member, referral.pk), {
        "exception_kind": "scheduled_beyond_30", "exception_reason": "First opening."})
    assert any("more than 30 days after the referral" in p
               for p in response.context["refused"])
    referral.refresh_from_db()
    assert referral.exception_reason == ""


def test_inquiries_are_recorded_and_answered(coordinator_client, member):
    referral = make_referral(member, referred_on=TODAY - timedelta(days=5))
    response = coordinator_client.post(url("referral_inquiry", member, referral.pk), {
        "received_on": day(), "from_kind": "member_family", "from_name": "Mother",
        "question": "Did the clinic call?", "answered_on": "", "answer": ""})
    assert response.status_code == 302
    inquiry = ReferralInquiry.objects.get(referral=referral)
    page = html(coordinator_client.get(url("referral_detail", member, referral.pk)))
    assert 'data-flag="inquiry"' in page
    response = coordinator_client.post(url("inquiry_answer", member, inquiry.pk), {
        "answered_on": day(), "answer": "Pending: the clinic has not confirmed yet."})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.answered_on == TODAY


def test_the_member_page_shows_the_coordination_records_and_their_flags(
        coordinator_client, coordinator, member):
    old = make_referral(member, service="Neurology", referred_on=TODAY - timedelta(days=60),
                        scheduled_on=TODAY - timedelta(days=40))
    make_referral(member, service="neurology", referred_on=TODAY - timedelta(days=2))
    coordination.monitoring_review_record(
        member=member, reviewed_on=TODAY - timedelta(days=1), participants="Mother, CC",
        services_per_icp=True, services_adequate=True, changes_reflected=False,
        icp_update_needed=True)
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert 'id="quick-add"' in page
    for name in ("referral_add", "monitoring_add", "transition_plan", "contact_record",
                 "on_call_add", "case_review_add", "consult_add"):
        assert f'href="{url(name, member)}"' in page, name
    assert 'data-flag="stale"' in page and 'data-flag="duplicate"' in page
    assert 'data-flag="icp-update"' in page
    assert 'data-deadline="referral_follow_up"' in page
    assert f"Referred to {old.service}" in page  # the timeline
    assert "No transition plan yet" in page  # 17 years old: transition support applies


def test_family_support_reads_the_referral_without_clinical_detail(client, coordinator,
                                                                   member):
    helper = make_staff("family_support", caregiver_of_special_needs_youth=True)
    care_team_set(member=member, on=REFERRED_ON, team=[
        (coordinator, "care_coordinator"), (helper, "family_support")])
    referral = make_referral(member, referred_on=TODAY - timedelta(days=5),
                             icp_goal="Secret-goal-123")
    coordination.referral_status_change(referral=referral, to_status=S.DECLINED, on=TODAY,
                                        reason="other", note="Secret-note-456")
    sign_in(client, helper.user)
    page = html(client.get(url("referral_detail", member, referral.pk)))
    assert "Pediatric pulmonology" in page and "Declined by the provider" in page
    assert "Secret-goal-123" not in page and "Secret-note-456" not in page
    assert 'id="referral-actions"' not in page
    member_page = html(client.get(reverse("members:detail", args=[member.pk])))
    assert 'id="quick-add"' not in member_page and "Secret-note-456" not in member_page
    assert client.post(url("referral_status", member, referral.pk), {
        "to_status": "closed"}).status_code == 403


def test_an_outsider_gets_404_for_a_referral(client, member):
    referral = make_referral(member, referred_on=TODAY)
    outsider = make_staff("care_coordinator")
    sign_in(client, outsider.user)
    assert client.get(url("referral_detail", member, referral.pk)).status_code == 404
    own = enrolled_member(outsider)
    assert client.get(url("referral_detail", own, referral.pk)).status_code == 404


# --- Monitoring, the transition plan, contacts, consultations ------------------------------------

def test_monitoring_review_and_the_link_to_the_new_icp(coordinator_client, member):
    response = coordinator_client.post(url("monitoring_add", member), {
        "reviewed_on": day(-3), "participants": "Mother, CC, RN", "services_per_icp": "yes",
        "services_adequate": "no", "changes_reflected": "yes", "notes": "Needs more PT."})
    assert any("ICP must be updated" in p for p in response.context["refused"])
    assert MonitoringReview.objects.count() == 0
    response = coordinator_client.post(url("monitoring_add", member), {
        "reviewed_on": day(-3), "participants": "Mother, CC, RN", "services_per_icp": "yes",
        "services_adequate": "no", "changes_reflected": "yes", "icp_update_needed": "on",
        "notes": "Needs more PT."})
    assert response.status_code == 302
    review = MonitoringReview.objects.get()
    plan = CarePlan.objects.create(member=member, version=1, status="finalized",
                                   finalized_on=TODAY)
    page = html(coordinator_client.get(url("monitoring_icp", member, review.pk)))
    assert f'<option value="{plan.pk}">' in page
    response = coordinator_client.post(url("monitoring_icp", member, review.pk),
                                       {"care_plan": plan.pk})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.new_care_plan == plan


def test_the_transition_plan_page_records_and_updates(coordinator_client, member):
    data = {"plan_on": day(), "goals_actions": "Own appointments", "medical_summary": "Asthma",
            "emergency_plan": "Inhaler; 911", "guardianship_need": ""}
    response = coordinator_client.post(url("transition_plan", member), data)
    assert response.status_code == 302
    plan = TransitionPlan.objects.get(member=member)
    assert plan.recorded_on == TODAY
    page = html(coordinator_client.get(url("transition_plan", member)))
    assert "Asthma" in page  # the form shows the plan to update
    response = coordinator_client.post(url("transition_plan", member),
                                       {**data, "adult_care_preparation": "Speak alone"})
    assert response.status_code == 302
    assert TransitionPlan.objects.get(member=member).adult_care_preparation == "Speak alone"


def test_no_transition_plan_quick_add_before_16(coordinator_client, coordinator):
    young = enrolled_member(coordinator, referral_date=REFERRED_ON,
                            date_of_birth=date(TODAY.year - 12, 1, 1))
    page = html(coordinator_client.get(reverse("members:detail", args=[young.pk])))
    assert url("transition_plan", young) not in page
    assert 'id="transition-status"' not in page


def test_contacts_on_call_case_reviews_and_consultations(coordinator_client, coordinator,
                                                         member):
    now = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=1)
    stamp = now.strftime("%Y-%m-%dT%H:%M")
    medical = make_medical()
    posts = [
        ("contact_record", {"contact_at": stamp, "contact_mode": "telehealth",
                            "parties": ["with_guardian"], "participants": "Mother",
                            "staff": coordinator.pk, "summary": "Feeding plan"}),
        ("on_call_add", {"called_at": stamp, "answered_live": "on", "caller": "Mother",
                         "call_category": "dme",
                         "summary": "Pump alarm", "triage_decision": "dme_vendor",
                         "triage_notes": "", "follow_up": "", "handled_by": coordinator.pk}),
        ("case_review_add", {"held_on": day(), "meeting_mode": "hybrid",
                             "attendees": "CC, RN, PCP", "member_attended": "on",
                             "absence_reason": "", "decisions": "Add PT"}),
        ("consult_add", {"requested_at": stamp, "consultant": medical.pk,
                         "question": "Dose change?"}),
    ]
    for name, data in posts:
        response = coordinator_client.post(url(name, member), data)
        assert response.status_code == 302, (name, response.context and
                                             response.context.get("refused"))
    consult = ConsultationRequest.objects.get()
    assert (consult.requested_by, consult.consultant) == (coordinator, medical)
    assert (Contact.objects.count(), OnCallCall.objects.count(),
            CaseReview.objects.count()) == (1, 1, 1)
    response = coordinator_client.post(url("consult_response", member, consult.pk), {
        "responded_at": stamp, "response_mode": "phone", "response": "Halve the dose."})
    assert response.status_code == 302
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    for text in ("Contact (Telehealth (video))", "On-call call:", "Durable medical equipment",
                 "Interdisciplinary case review", "Consultation requested", "Halve the dose."):
        assert text in page, text


# --- The referrals worklist ----------------------------------------------------------------------

def test_the_worklist_is_sorted_by_follow_up_due_date(coordinator_client, coordinator, member):
    later = make_referral(member, service="Later", referred_on=TODAY - timedelta(days=20),
                          scheduled_on=TODAY - timedelta(days=1))
    sooner = make_referral(member, service="Sooner", referred_on=TODAY - timedelta(days=20),
                           scheduled_on=TODAY - timedelta(days=10))
    unscheduled = make_referral(member, service="Unscheduled",
                                referred_on=TODAY - timedelta(days=20))
    done = make_referral(member, service="Done", referred_on=TODAY - timedelta(days=20),
                         scheduled_on=TODAY - timedelta(days=15))
    coordination.referral_follow_up_record(referral=done, followed_up_on=TODAY,
                                           with_whom="Mother", services_received=True,
                                           met_need=True)
    coordination.referral_status_change(referral=done, to_status=S.CLOSED, on=TODAY,
                                        reason="services_received")
    owing = make_referral(member, service="Closed, owing its follow-up",
                          referred_on=TODAY - timedelta(days=20),
                          scheduled_on=TODAY - timedelta(days=5))
    coordination.referral_status_change(referral=owing, to_status=S.CLOSED, on=TODAY,
                                        reason="member_declined")
    since = AuditEvent.objects.count()
    response = coordinator_client.get(reverse("members:referrals"))
    assert [r.referral for r in response.context["rows"]] == [sooner, owing, later, unscheduled]
    assert response.context["rows"][0].follow_up_due == TODAY + timedelta(days=20)
    listed = AuditEvent.objects.filter(pk__gt=since, action=Action.LIST)
    assert list(listed.values_list("member_id", flat=True)) == [member.pk]


def test_the_worklist_is_per_coordinator(client, coordinator, member):
    mine = make_referral(member, referred_on=TODAY)
    other_coordinator = make_staff("care_coordinator")
    theirs = make_referral(enrolled_member(other_coordinator), referred_on=TODAY)
    sign_in(client, coordinator.user)
    assert [r.referral for r in client.get(reverse("members:referrals")).context["rows"]] == [
        mine]
    director = make_director()
    sign_in(client, director.user)
    response = client.get(reverse("members:referrals"))
    assert response.context["scope"] == "all"
    assert {r.referral for r in response.context["rows"]} == {mine, theirs}
    response = client.get(reverse("members:referrals"),
                          {"coordinator": other_coordinator.pk})
    assert [r.referral for r in response.context["rows"]] == [theirs]
    assert str(other_coordinator) in html(response)
    # A coordinator cannot look at a colleague's list.
    sign_in(client, coordinator.user)
    response = client.get(reverse("members:referrals"), {"coordinator": other_coordinator.pk})
    assert [r.referral for r in response.context["rows"]] == [mine]


def test_the_worklist_pages_in_order_fifty_at_a_time(coordinator_client, member):
    """The page's referrals are found first, then read with their records: the pages keep
    the follow-up order and together hold every referral once."""
    made = [make_referral(member, service=f"Service {n}", referred_on=TODAY - timedelta(days=60),
                          scheduled_on=TODAY - timedelta(days=n % 7)) for n in range(53)]
    first = coordinator_client.get(reverse("members:referrals"))
    second = coordinator_client.get(reverse("members:referrals"), {"page": 2})
    shown = [r.referral for r in first.context["rows"]] + \
        [r.referral for r in second.context["rows"]]
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 3
    assert shown == sorted(made, key=lambda r: (r.scheduled_on, r.referred_on, r.pk))
    assert all(row.referral.member == member for row in first.context["rows"])


# --- Bounded reads --------------------------------------------------------------------------------

def _records(member, n: int, medical) -> None:
    now = timezone.now()
    for i in range(n):
        referral = make_referral(member, service=f"Service {i % 3}",
                                 referred_on=TODAY - timedelta(days=30),
                                 scheduled_on=TODAY - timedelta(days=20),
                                 referrer_kind="professional", referrer_name="Dr. Example")
        referral = coordination.referral_status_change(
            referral=referral, to_status=S.CLOSED, on=TODAY - timedelta(days=2),
            reason="services_received")
        coordination.referral_follow_up_record(referral=referral, followed_up_on=TODAY,
                                               with_whom="Mother", services_received=True,
                                               met_need=True)
        coordination.referral_inquiry_record(referral=referral, received_on=TODAY,
                                             from_kind="referrer", from_name="Dr. Example")
        coordination.referral_notice_record(referral=referral, notice_kind="closure",
                                            sent_on=TODAY, sent_to="Dr. Example",
                                            notice_method="phone")
        coordination.contact_record(member=member, contact_at=now - timedelta(hours=i + 1),
                                    contact_mode="phone", parties=["with_guardian"],
                                    participants="Mother", summary="x")
        coordination.on_call_record(member=member, called_at=now - timedelta(hours=i + 1),
                                    caller="Mother", call_category="access", summary="x",
                                    triage_decision="advice", handled_by=medical,
                                    answered_live=True)
        coordination.case_review_record(member=member, held_on=TODAY, meeting_mode="video",
                                        attendees="CC", guardian_attended=True,
                                        member_attended=False, decisions="x")
        coordination.consult_request(member=member, requested_at=now - timedelta(hours=i + 1),
                                     consultant=medical, question="x")
        coordination.monitoring_review_record(
            member=member, reviewed_on=TODAY - timedelta(days=i), participants="Mother",
            services_per_icp=True, services_adequate=True, changes_reflected=True)


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


MEMBER_PAGE_QUERIES = 33  # + the on-call shifts of the calls (members.coverage.line)
REFERRAL_PAGE_QUERIES = 18
WORKLIST_QUERIES = 19  # the page's ids, then those referrals with their records


def test_coordination_pages_run_a_bounded_number_of_queries(coordinator_client, member,
                                                            django_assert_max_num_queries):
    medical = make_medical()
    _records(member, 1, medical)
    referral = ServiceReferral.objects.filter(member=member).first()
    paths = [reverse("members:detail", args=[member.pk]),
             url("referral_detail", member, referral.pk), reverse("members:referrals")]
    few = [_count(coordinator_client, p) for p in paths]
    _records(member, 6, medical)
    assert [_count(coordinator_client, p) for p in paths] == few
    for path, limit in zip(paths, (MEMBER_PAGE_QUERIES, REFERRAL_PAGE_QUERIES,
                                   WORKLIST_QUERIES), strict=True):
        with django_assert_max_num_queries(limit):
            coordinator_client.get(path)


def test_the_worklist_query_count_does_not_grow_with_members(coordinator_client, coordinator,
                                                             django_assert_max_num_queries):
    for _ in range(2):
        make_referral(enrolled_member(coordinator, referral_date=REFERRED_ON),
                      referred_on=TODAY)
    few = _count(coordinator_client, reverse("members:referrals"))
    for _ in range(8):
        make_referral(enrolled_member(coordinator, referral_date=REFERRED_ON),
                      referred_on=TODAY)
    assert _count(coordinator_client, reverse("members:referrals")) == few
    with django_assert_max_num_queries(WORKLIST_QUERIES):
        response = coordinator_client.get(reverse("members:referrals"))
    assert len(response.context["rows"]) == 10
