"""The other care coordination services (PS III, IV.A.2, VI.B-D): consultations, monitoring,
the transition plan, contact notes, on-call calls and case reviews, and the timeline. Every step
is audited; every refusal says why and writes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from careplans.models import CarePlan
from cares.base.audit.models import Action, AuditEvent
from cares.deadlines.models import Deadline
from members.coordination import services as coordination
from members.coordination.models import TransitionPlan
from members.selectors import member_timeline
from tests.factories import enrolled_member, make_medical, make_referral
from tests.members.coordination_support import REFERRED_ON, refused, stored

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=REFERRED_ON)


# --- Consultations with the senior medical professional (PS IV.A.2) -------------------------------

def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BOSTON)


@pytest.mark.parametrize(("responded", "status"), [
    (at(date(2026, 9, 8), 17), "met"),  # Tuesday after Labor Day
    (at(date(2026, 9, 9), 9), "late"),
])
def test_a_consultation_is_answered_within_one_business_day(member, coordinator, responded,
                                                            status):
    medical = make_medical()
    consult = coordination.consult_request(
        member=member, requested_at=at(date(2026, 9, 4), 16, 30), consultant=medical,
        question="Is the new rash a reaction to the antibiotic?", requested_by=coordinator,
        actor=coordinator.user)
    rows = Deadline.objects.filter(staff=medical, rule="medical_consult_response")
    assert list(rows.values_list("start", "due", "status")) == [
        (date(2026, 9, 4), date(2026, 9, 8), "overdue")]
    coordination.consult_respond(consult=consult, responded_at=responded, response_mode="phone",
                                 response="Stop the antibiotic; see the PCP tomorrow.")
    assert list(rows.values_list("due", "status", "satisfied_on")) == [
        (date(2026, 9, 8), status, responded.date())]
    refused(lambda: coordination.consult_respond(
        consult=consult, responded_at=responded, response_mode="phone", response="again"),
        "already answered")


def test_only_a_senior_medical_professional_is_consulted(member, coordinator):
    refused(lambda: coordination.consult_request(
        member=member, requested_at=at(date(2026, 9, 4), 10), consultant=coordinator,
        question="?"), "not an active senior medical professional")
    medical = make_medical()
    consult = coordination.consult_request(member=member, requested_at=at(date(2026, 9, 4), 10),
                                           consultant=medical, question="Dose?")
    refused(lambda: coordination.consult_respond(
        consult=consult, responded_at=at(date(2026, 9, 3), 10), response_mode="phone",
        response="x"), "cannot come before the request")


# --- Monitoring (PS VI.D.1) -----------------------------------------------------------------------

def review(member, **kw):
    fields = {"member": member, "reviewed_on": date(2026, 7, 1), "participants": "Mother, CC",
              "services_per_icp": True, "services_adequate": True, "changes_reflected": True}
    return coordination.monitoring_review_record(**{**fields, **kw})


def test_a_monitoring_review_records_the_three_determinations(member, coordinator):
    for name, item in (("services_per_icp", "VI.D.1.a"), ("services_adequate", "VI.D.1.b"),
                       ("changes_reflected", "VI.D.1.c")):
        refused(lambda name=name: review(member, **{name: None}), item)
    refused(lambda: review(member, participants=""), "who took part")
    refused(lambda: review(member, changes_reflected=False), "the ICP must be updated")
    refused(lambda: review(member, reviewed_on=date(2026, 1, 5)), "cannot predate the enroll")
    saved = review(member, services_adequate=False, icp_update_needed=True,
                   actor=coordinator.user)
    assert saved.icp_update_pending
    assert AuditEvent.objects.filter(object_type="members.MonitoringReview",
                                     action=Action.CREATE, member=member).exists()


def test_a_review_links_the_new_icp_version(member, coordinator):
    saved = review(member, changes_reflected=False, icp_update_needed=True)
    old = CarePlan.objects.create(member=member, version=1, status="finalized",
                                  finalized_on=date(2026, 3, 1))
    new = CarePlan.objects.create(member=member, version=2, status="finalized",
                                  finalized_on=date(2026, 7, 15))
    other = CarePlan.objects.create(member=enrolled_member(coordinator), version=1,
                                    status="finalized", finalized_on=date(2026, 7, 15))
    refused(lambda: coordination.monitoring_link_icp(review=saved, care_plan=old),
            "finalized on or after the review")
    refused(lambda: coordination.monitoring_link_icp(review=saved, care_plan=other),
            "another member's")
    linked = coordination.monitoring_link_icp(review=saved, care_plan=new)
    assert linked.new_care_plan == new and not linked.icp_update_pending
    not_needed = review(member, reviewed_on=date(2026, 7, 2))
    refused(lambda: coordination.monitoring_link_icp(review=not_needed, care_plan=new),
            "did not find that the ICP must be updated")


# --- Transition to adulthood (PS VI.C) ------------------------------------------------------------

PLAN = {"goals_actions": "Manage own appointments.", "medical_summary": "Epilepsy, G-tube.",
        "emergency_plan": "Rescue medication; call 911 after 5 minutes."}


def teen(coordinator, born: date):
    return enrolled_member(coordinator, referral_date=REFERRED_ON, date_of_birth=born)


def test_transition_planning_begins_at_16_with_the_vi_c_1_elements(coordinator):
    member = teen(coordinator, date(2010, 3, 1))  # 16 on 2026-03-01
    refused(lambda: coordination.transition_plan_save(member=member, on=date(2026, 2, 28),
                                                      **PLAN), "begins at age 16")
    refused(lambda: coordination.transition_plan_save(
        member=member, on=date(2026, 3, 1), **{**PLAN, "medical_summary": ""}),
        "the medical summary")
    plan = coordination.transition_plan_save(member=member, on=date(2026, 3, 1), **PLAN)
    assert plan.recorded_on == date(2026, 3, 1)
    assert [m.split(" (")[-1] for m in plan.missing_elements(age=16)] == [
        "PS VI.C.2)", "PS VI.C.3)", "PS VI.C.4)"]
    assert stored(member, "transition_plan")[0][2] == "met"
    again = coordination.transition_plan_save(
        member=member, on=date(2026, 4, 1), adult_clinicians="Dr. Adult, neurology",
        insurance_linkages="MassHealth at 18", community_linkages="DDS adult services",
        guardianship_need="supported", decision_making_supports="Supported decision-making",
        adult_care_preparation="Practice speaking with the doctor alone")
    assert (again.pk, again.recorded_on, again.updated_on) == (
        plan.pk, date(2026, 3, 1), date(2026, 4, 1))
    assert again.missing_elements(age=16) == []
    assert TransitionPlan.objects.filter(member=member).count() == 1


def test_from_20_the_plan_times_the_transfer_of_primary_and_subspecialty_care(coordinator):
    member = teen(coordinator, date(2006, 1, 1))  # 20 in 2026
    on = date(2026, 5, 1)
    refused(lambda: coordination.transition_plan_save(member=member, on=on, **PLAN),
            "timing of the transfer of primary care", "whether subspecialty care is involved")
    refused(lambda: coordination.transition_plan_save(
        member=member, on=on, primary_care_transfer_on=date(2026, 11, 1),
        subspecialty_involved=True, **PLAN), "timing of its transfer too")
    plan = coordination.transition_plan_save(
        member=member, on=on, primary_care_transfer_on=date(2026, 11, 1),
        subspecialty_involved=True,
        subspecialty_transfer="Neurology after the summer admission review.", **PLAN)
    assert not any("VI.C.5" in m for m in plan.missing_elements(age=20))


# --- Contacts, on-call calls and case reviews (PS VI.B.1, III) ------------------------------------

def test_contact_notes_on_call_calls_and_case_reviews(member, coordinator):
    now = timezone.now()
    refused(lambda: coordination.contact_record(
        member=member, contact_at=now + timedelta(hours=1), contact_mode="phone",
        parties=["with_guardian"], participants="Mother", summary="x"),
        "cannot be in the future")
    note = coordination.contact_record(
        member=member, contact_at=now - timedelta(hours=1), contact_mode="telehealth",
        parties=["with_guardian"], participants="Mother, CC",
        summary="Reviewed the feeding schedule.", actor=coordinator.user)
    assert (note.recorded_by, note.staff) == (coordinator.user, coordinator)
    refused(lambda: coordination.on_call_record(
        member=member, called_at=now, caller="Mother", call_category="dme",
        summary="Pump alarm", triage_decision="other"), "Explain the 'other' triage")
    call = coordination.on_call_record(
        member=member, called_at=now - timedelta(hours=3), caller="Mother",
        call_category="crisis", summary="Seizure over 5 minutes",
        triage_decision="emergency", follow_up="Call the family in the morning.",
        handled_by=coordinator, answered_live=True)
    assert call.get_call_category_display() == "Medical crisis or emergency"
    refused(lambda: coordination.case_review_record(
        member=member, held_on=date(2026, 3, 1), meeting_mode="video", attendees="CC, RN",
        member_attended=False, guardian_attended=False, decisions="Add PT"),
        "record why neither attended")
    coordination.case_review_record(
        member=member, held_on=date(2026, 3, 1), meeting_mode="video", attendees="CC, RN",
        member_attended=False, guardian_attended=False,
        absence_reason="Family in hospital; reviewed with them by phone after.",
        decisions="Add PT")
    assert AuditEvent.objects.filter(member=member, action=Action.CREATE, object_type__in=[
        "members.Contact", "members.OnCallCall", "members.CaseReview"]).count() == 3


def test_the_timeline_leaves_clinical_detail_out_without_clinical(member, coordinator):
    referral = make_referral(member, referred_on=date(2026, 2, 2), icp_goal="Breathe easier")
    coordination.referral_follow_up_record(
        referral=referral, followed_up_on=date(2026, 2, 20), with_whom="Mother",
        services_received=True, met_need=True, notes="Clinical-note-xyz")
    coordination.contact_record(member=member, contact_at=at(date(2026, 2, 21), 10),
                                contact_mode="phone", parties=["with_guardian"],
                                participants="Mother", summary="Clinical-summary-xyz")
    full = " ".join(f"{e.title} {e.detail}" for e in member_timeline(member, clinical=True))
    bare = " ".join(f"{e.title} {e.detail}" for e in member_timeline(member, clinical=False))
    for text in ("Breathe easier", "Clinical-note-xyz", "Clinical-summary-xyz"):
        assert text in full and text not in bare
    for text in ("Referred to Pediatric pulmonology", "Referral follow-up", "Contact (Phone)"):
        assert text in bare
