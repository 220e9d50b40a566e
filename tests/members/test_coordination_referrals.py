"""Closed-loop referral services and rules (PS VI.D.2; CLR): every status move is kept with its
date and author and audited; the follow-up, its exceptions, inquiries and closure notices; the
stale and likely-duplicate flags. Every refusal says why and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from careplans.models import CarePlan, Goal
from cares.base.audit.models import Action, AuditEvent
from members.coordination import rules
from members.coordination import services as coordination
from members.coordination.forms import ReferralForm
from members.coordination.models import ReferralStatus, ServiceReferral
from members.coordination.selectors import open_duplicates, referral_row, referrals_with_records
from tests.factories import MemberFactory, enrolled_member, make_referral, make_staff
from tests.members.coordination_support import REFERRED_ON, refused, stored

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=REFERRED_ON)


# --- Referrals and their status history (CLR) --------------------------------------------------

def test_a_referral_starts_pending_with_its_first_status_row(member, coordinator):
    referral = make_referral(member, referred_on=date(2026, 2, 2), actor=coordinator.user,
                             scheduled_on=date(2026, 2, 20))
    assert (referral.status, referral.status_changed_on) == (S.PENDING, date(2026, 2, 2))
    assert list(referral.status_changes.values_list("from_status", "to_status", "on",
                                                    "changed_by")) == [
        ("", S.PENDING, date(2026, 2, 2), coordinator.user_id)]
    event = AuditEvent.objects.filter(object_type="members.ServiceReferral").get()
    assert (event.action, event.member_id, event.actor_id) == (
        Action.CREATE, member.pk, coordinator.user_id)


def test_status_moves_along_the_pipeline_and_every_move_is_kept(member, coordinator):
    referral = make_referral(member, referred_on=date(2026, 2, 2))
    director = make_staff("program_director")
    referral = coordination.referral_status_change(
        referral=referral, to_status=S.ACCEPTED, on=date(2026, 2, 5), actor=coordinator.user)
    referral = coordination.referral_status_change(
        referral=referral, to_status=S.CLOSED, on=date(2026, 3, 1), reason="services_received",
        note="Seen by pulmonology.", actor=director.user)
    assert (referral.status, referral.closed_on, referral.closure_reason) == (
        S.CLOSED, date(2026, 3, 1), "services_received")
    assert list(referral.status_changes.values_list(
        "from_status", "to_status", "on", "reason", "changed_by")) == [
        ("", S.PENDING, date(2026, 2, 2), "", None),
        (S.PENDING, S.ACCEPTED, date(2026, 2, 5), "", coordinator.user_id),
        (S.ACCEPTED, S.CLOSED, date(2026, 3, 1), "services_received", director.user_id)]
    updates = AuditEvent.objects.filter(object_type="members.ServiceReferral",
                                        action=Action.UPDATE)
    assert [(e.detail["from"], e.detail["to"]) for e in updates.order_by("pk")] == [
        (S.PENDING, S.ACCEPTED), (S.ACCEPTED, S.CLOSED)]


@pytest.mark.parametrize(("path", "illegal"), [
    ((), S.PENDING),
    ((S.ACCEPTED,), S.DECLINED),
    ((S.ACCEPTED,), S.PENDING),
    ((S.DECLINED,), S.ACCEPTED),
    ((S.CLOSED,), S.ACCEPTED),
    ((S.CLOSED,), S.CLOSED),
])
def test_illegal_status_moves_are_refused(member, path, illegal):
    referral = make_referral(member, referred_on=date(2026, 2, 2))
    reasons = {S.DECLINED: "no_capacity", S.CLOSED: "member_declined"}
    for step in path:
        referral = coordination.referral_status_change(
            referral=referral, to_status=step, on=date(2026, 2, 3), reason=reasons.get(step, ""))
    refused(lambda: coordination.referral_status_change(
        referral=referral, to_status=illegal, on=date(2026, 2, 4),
        reason=reasons.get(illegal, "")), "referral cannot become")


def test_declined_and_closed_need_their_reason_and_other_needs_a_note(member):
    referral = make_referral(member, referred_on=date(2026, 2, 2))
    refused(lambda: coordination.referral_status_change(
        referral=referral, to_status=S.DECLINED, on=date(2026, 2, 3)),
        "reason the provider declined")
    refused(lambda: coordination.referral_status_change(
        referral=referral, to_status=S.CLOSED, on=date(2026, 2, 3), reason="no_capacity"),
        "closure reason")
    refused(lambda: coordination.referral_status_change(
        referral=referral, to_status=S.DECLINED, on=date(2026, 2, 3), reason="other"),
        "Explain the 'other' reason")
    refused(lambda: coordination.referral_status_change(
        referral=referral, to_status=S.ACCEPTED, on=date(2026, 2, 3), reason="no_capacity"),
        "Only a decline or a closure takes a reason")
    declined = coordination.referral_status_change(
        referral=referral, to_status=S.DECLINED, on=date(2026, 2, 3),
        reason="outside_service_area")
    assert (declined.status, declined.decline_reason, declined.is_open) == (
        S.DECLINED, "outside_service_area", True)


def test_a_status_change_cannot_predate_the_last_one_or_be_in_the_future(member):
    referral = make_referral(member, referred_on=date(2026, 2, 2))
    refused(lambda: coordination.referral_status_change(
        referral=referral, to_status=S.ACCEPTED, on=date(2026, 2, 1)), "predate")
    refused(lambda: coordination.referral_status_change(
        referral=referral, to_status=S.ACCEPTED, on=timezone.localdate() + timedelta(days=1)),
        "cannot be in the future")


def test_a_referral_needs_an_open_episode_a_service_and_a_named_professional(coordinator):
    unreferred = MemberFactory()
    refused(lambda: make_referral(unreferred, referred_on=date(2026, 2, 2)), "no open episode")
    member = enrolled_member(coordinator, referral_date=REFERRED_ON)
    refused(lambda: make_referral(member, referred_on=date(2026, 1, 5)),
            "before the member was referred")
    refused(lambda: make_referral(member, service=" ", referred_on=date(2026, 2, 2)),
            "Record the service.")
    refused(lambda: make_referral(member, referred_on=date(2026, 2, 2),
                                  scheduled_on=date(2026, 2, 1)),
            "scheduled service date is before the referral date")
    refused(lambda: make_referral(member, referred_on=date(2026, 2, 2),
                                  referrer_kind="professional"), "Name the professional")


def test_a_closed_referral_no_longer_changes(member):
    referral = make_referral(member, referred_on=date(2026, 2, 2))
    referral = coordination.referral_status_change(
        referral=referral, to_status=S.CLOSED, on=date(2026, 2, 3), reason="member_declined")
    refused(lambda: coordination.referral_update(referral=referral,
                                                 scheduled_on=date(2026, 3, 1)),
            "no longer changes")


@pytest.mark.parametrize(("status", "reason", "started", "task"), [
    (S.PENDING, "", False, "requested"),
    (S.ACCEPTED, "", False, "accepted"),
    (S.ACCEPTED, "", True, "in-progress"),
    (S.DECLINED, "", False, "rejected"),
    (S.CLOSED, "services_received", True, "completed"),
    (S.CLOSED, "member_declined", False, "cancelled"),
    (S.CLOSED, "unable_to_reach", False, "failed"),
    (S.CLOSED, "provider_declined", False, "rejected"),
    (S.CLOSED, "ineligible", False, "rejected"),
    (S.CLOSED, "other", False, "cancelled"),
])
def test_each_status_maps_to_a_fhir_task_status(status, reason, started, task):
    assert rules.fhir_task_status(status, reason, services_started=started) == task
    assert task in rules.FHIR_TASK_STATUSES


# --- Follow-up (PS VI.D.2) ------------------------------------------------------------------------

SCHEDULED = date(2026, 3, 2)


@pytest.mark.parametrize(("day", "status"), [(30, "met"), (31, "late")])
def test_follow_up_day_30_is_met_and_day_31_late(member, coordinator, day, status):
    referral = make_referral(member, referred_on=date(2026, 2, 2), scheduled_on=SCHEDULED)
    assert stored(member, "referral_follow_up") == [
        (SCHEDULED, date(2026, 4, 1), "overdue", None, "")]
    follow_up = coordination.referral_follow_up_record(
        referral=referral, followed_up_on=SCHEDULED + timedelta(days=day), with_whom="Mother",
        with_kind="member_family", services_received=True, met_need=False,
        notes="Seen; needs a second visit.", actor=coordinator.user)
    assert follow_up.recorded_by == coordinator.user
    assert stored(member, "referral_follow_up") == [
        (SCHEDULED, date(2026, 4, 1), status, SCHEDULED + timedelta(days=day), "")]


def test_a_follow_up_records_received_and_met_need(member):
    referral = make_referral(member, referred_on=date(2026, 2, 2), scheduled_on=SCHEDULED)

    def follow_up(**kw):
        fields = {"referral": referral, "followed_up_on": date(2026, 3, 10),
                  "with_whom": "Example Clinic", "services_received": True, "met_need": True}
        return lambda: coordination.referral_follow_up_record(**{**fields, **kw})

    refused(follow_up(services_received=None), "whether the services were received")
    refused(follow_up(met_need=None), "met the member's need")
    refused(follow_up(services_received=False, met_need=True), "cannot have met")
    refused(follow_up(with_whom=""), "with whom")
    refused(follow_up(followed_up_on=date(2026, 3, 1)), "before the scheduled service date")
    not_received = follow_up(services_received=False, met_need=None)()
    assert (not_received.services_received, not_received.met_need) == (False, None)


def test_an_exception_needs_a_documented_reason(member):
    referral = make_referral(member, referred_on=date(2026, 2, 2), scheduled_on=SCHEDULED)
    refused(lambda: coordination.referral_exception_record(
        referral=referral, kind="unexpected", reason="  ", on=date(2026, 3, 20)),
        "needs a documented reason")
    refused(lambda: coordination.referral_exception_record(
        referral=referral, kind="", reason="Hospitalized", on=date(2026, 3, 20)),
        "which exception applies")
    coordination.referral_exception_record(
        referral=referral, kind="unexpected", reason="Admitted to hospital for three weeks.",
        on=date(2026, 3, 20))
    assert stored(member, "referral_follow_up") == [
        (SCHEDULED, date(2026, 4, 1), "excepted", None,
         "Admitted to hospital for three weeks.")]


@pytest.mark.parametrize(("days_out", "allowed"), [(30, False), (31, True)])
def test_the_vi_d_2_c_exception_needs_a_service_more_than_30_days_out(member, days_out,
                                                                       allowed):
    referred = date(2026, 2, 2)
    referral = make_referral(member, referred_on=referred,
                             scheduled_on=referred + timedelta(days=days_out))
    call = lambda: coordination.referral_exception_record(  # noqa: E731
        referral=referral, kind="scheduled_beyond_30", reason="First opening in March.",
        on=referred)
    if allowed:
        assert call().exception_kind == "scheduled_beyond_30"
        assert rules.scheduled_beyond_30(referred, referral.scheduled_on)
    else:
        refused(call, "more than 30 days after the referral")


def test_no_exception_once_a_follow_up_is_recorded(member):
    referral = make_referral(member, referred_on=date(2026, 2, 2), scheduled_on=SCHEDULED)
    coordination.referral_follow_up_record(
        referral=referral, followed_up_on=date(2026, 3, 10), with_whom="Mother",
        services_received=True, met_need=True)
    refused(lambda: coordination.referral_exception_record(
        referral=referral, kind="unexpected", reason="x", on=date(2026, 3, 20)),
        "no exception is needed")


# --- Stale and duplicate flags (CLR) -------------------------------------------------------------

@pytest.mark.parametrize(("on", "status", "stale"), [
    (date(2026, 2, 9), S.PENDING, False),
    (date(2026, 2, 10), S.PENDING, True),
    (date(2026, 2, 10), S.ACCEPTED, True),
    (date(2026, 2, 10), S.DECLINED, True),
    (date(2026, 9, 1), S.CLOSED, False),
])
def test_a_referral_is_stale_after_a_month_without_a_status_change(on, status, stale):
    assert rules.is_stale(status, date(2026, 1, 10), on) is stale


def test_stale_follows_the_last_status_change(member):
    referral = make_referral(member, referred_on=date(2026, 2, 2))
    row = referral_row(referrals_with_records(ServiceReferral.objects.all()).get(),
                       date(2026, 3, 2))
    assert row.stale
    coordination.referral_status_change(referral=referral, to_status=S.ACCEPTED,
                                        on=date(2026, 2, 20))
    row = referral_row(referrals_with_records(ServiceReferral.objects.all()).get(),
                       date(2026, 3, 2))
    assert not row.stale
    assert row.fhir_status == "accepted"


def test_a_second_open_referral_for_the_same_service_is_a_likely_duplicate(member, coordinator):
    first = make_referral(member, service="Pediatric Pulmonology", referred_on=date(2026, 2, 2))
    second = make_referral(member, service="pediatric  pulmonology.",
                           referred_on=date(2026, 2, 9))
    other_service = make_referral(member, service="Neurology", referred_on=date(2026, 2, 9))
    someone_else = enrolled_member(coordinator, referral_date=REFERRED_ON)
    theirs = make_referral(someone_else, service="Pediatric pulmonology",
                           referred_on=date(2026, 2, 9))
    found = open_duplicates([member.pk, someone_else.pk])
    assert found == {second.pk: first.pk}
    assert other_service.pk not in found and theirs.pk not in found
    coordination.referral_status_change(referral=first, to_status=S.CLOSED,
                                        on=date(2026, 2, 10), reason="provider_declined")
    assert open_duplicates([member.pk]) == {}


# --- Inquiries and closure notices, in business days (CLR) ----------------------------------------

@pytest.mark.parametrize(("received", "answered", "due", "status"), [
    # Friday before Patriots' Day (Monday 20 April 2026, a Massachusetts holiday).
    (date(2026, 4, 17), date(2026, 4, 21), date(2026, 4, 21), "met"),
    (date(2026, 4, 17), date(2026, 4, 22), date(2026, 4, 21), "late"),
    # Friday before Labor Day weekend (Monday 7 September 2026).
    (date(2026, 9, 4), date(2026, 9, 8), date(2026, 9, 8), "met"),
    (date(2026, 9, 4), date(2026, 9, 9), date(2026, 9, 8), "late"),
])
def test_an_inquiry_is_answered_within_one_business_day(member, received, answered, due,
                                                        status):
    referral = make_referral(member, referred_on=date(2026, 4, 1))
    inquiry = coordination.referral_inquiry_record(
        referral=referral, received_on=received, from_kind="member_family",
        from_name="Mother", question="Has the clinic called?")
    assert stored(member, "referral_inquiry_response") == [(received, due, "overdue", None, "")]
    coordination.referral_inquiry_answer(inquiry=inquiry, answered_on=answered,
                                         answer="Accepted; outreach this week.")
    assert stored(member, "referral_inquiry_response") == [(received, due, status, answered, "")]
    refused(lambda: coordination.referral_inquiry_answer(
        inquiry=inquiry, answered_on=answered, answer="again"), "already answered")


def test_an_inquiry_answer_needs_the_status_and_cannot_come_first(member):
    referral = make_referral(member, referred_on=date(2026, 4, 1))
    refused(lambda: coordination.referral_inquiry_record(
        referral=referral, received_on=date(2026, 4, 6), from_kind="referrer",
        from_name="Dr. Example", answered_on=date(2026, 4, 6)), "Record the answer")
    refused(lambda: coordination.referral_inquiry_record(
        referral=referral, received_on=date(2026, 4, 6), from_kind="referrer",
        from_name="Dr. Example", answered_on=date(2026, 4, 3), answer="Pending."),
        "before the inquiry")


def _closed(member, *, referrer_kind="professional", declined_notice=False):
    referral = make_referral(member, referred_on=date(2026, 4, 1), referrer_kind=referrer_kind,
                             referrer_name="Dr. Example" if referrer_kind == "professional"
                             else "")
    if declined_notice:
        referral = coordination.referral_status_change(
            referral=referral, to_status=S.DECLINED, on=date(2026, 4, 10),
            reason="no_capacity")
        coordination.referral_notice_record(
            referral=referral, notice_kind="decline", sent_on=date(2026, 4, 13),
            sent_to="Dr. Example", notice_method="secure_email")
    return coordination.referral_status_change(
        referral=referral, to_status=S.CLOSED, on=date(2026, 4, 16),
        reason="provider_declined" if declined_notice else "services_received")


def test_a_professional_referrer_is_notified_within_two_business_days(member):
    referral = _closed(member)
    # Closed Thursday 16 April 2026: Friday counts, Patriots' Day does not -> Tuesday the 21st.
    assert stored(member, "referral_closure_notice") == [
        (date(2026, 4, 16), date(2026, 4, 21), "overdue", None, "")]
    refused(lambda: coordination.referral_notice_record(
        referral=referral, notice_kind="closure", sent_on=date(2026, 4, 15),
        sent_to="Dr. Example", notice_method="secure_email"), "cannot predate the closure")
    coordination.referral_notice_record(
        referral=referral, notice_kind="closure", sent_on=date(2026, 4, 21),
        sent_to="Dr. Example", notice_method="secure_email")
    assert stored(member, "referral_closure_notice") == [
        (date(2026, 4, 16), date(2026, 4, 21), "met", date(2026, 4, 21), "")]


@pytest.mark.parametrize("case", ["member_family", "cares_team", "decline_notified"])
def test_no_closure_notice_is_owed(member, case):
    if case == "decline_notified":
        _closed(member, declined_notice=True)
    else:
        _closed(member, referrer_kind=case)
    assert stored(member, "referral_closure_notice") == []


def test_a_closure_notice_needs_a_closed_loop(member):
    referral = make_referral(member, referred_on=date(2026, 4, 1))
    refused(lambda: coordination.referral_notice_record(
        referral=referral, notice_kind="closure", sent_on=date(2026, 4, 2), sent_to="Dr. X",
        notice_method="phone"), "not closed yet")
    refused(lambda: coordination.referral_notice_record(
        referral=referral, notice_kind="decline", sent_on=date(2026, 4, 2), sent_to="Dr. X",
        notice_method="phone"), "was not declined")


def test_stale_is_a_month_in_calendar_months():
    assert relativedelta(months=1) == rules.STALE_AFTER
    assert rules.is_stale(S.PENDING, date(2026, 1, 31), date(2026, 2, 28))
    assert not rules.is_stale(S.PENDING, date(2026, 1, 31), date(2026, 2, 27))


def _goal(member, description: str):
    """A goal of a finalized ICP version of ``member`` (goals are added while it is a draft)."""
    versions = CarePlan.objects.filter(member=member).values_list("version", flat=True)
    plan = CarePlan.objects.create(member=member, version=max(versions, default=0) + 1)
    goal = Goal.objects.create(plan=plan, kind="clinical", description=description)
    plan.status, plan.finalized_on = "finalized", date(2026, 2, 1)
    plan.save()
    return goal


def test_a_referral_serves_a_goal_of_the_members_icp(member, coordinator):
    goal = _goal(member, "Fewer asthma admissions")
    referral = make_referral(member, referred_on=date(2026, 2, 2), goal=goal)
    assert referral.goal == goal and list(goal.referrals.all()) == [referral]
    form = ReferralForm(instance=ServiceReferral(member=member))
    assert list(form.fields["goal"].queryset) == [goal]
    theirs = _goal(enrolled_member(coordinator, referral_date=REFERRED_ON), "Walk to school")
    refused(lambda: make_referral(member, referred_on=date(2026, 2, 2), goal=theirs),
            "another member's")
