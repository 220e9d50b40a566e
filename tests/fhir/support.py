"""A member with a record of every kind the FHIR export carries, made through the services
where they exist (the export reads what the program really writes)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from django.utils import timezone

from careplans import services as plan_services
from careplans.copies import care_plan_copy_make
from careplans.outcomes import goal_outcome_record
from cares.base.documents.services import document_store
from members.coordination import services as coordination
from members.models import Guardian, MemberContact, ReleaseOfInformation
from tests.factories import (
    ProviderFactory,
    enrolled_member,
    finalized_care_plan,
    make_referral,
)

MASSHEALTH_ID = "100200300400"


def rich_member(coordinator):
    """Enrolled 200 days ago, two ICP versions (the first superseded), goals with outcomes,
    referrals in each state, releases in force, expired and revoked, contacts, a hospital
    stay, an ICP copy and an emergency plan PDF."""
    today = timezone.localdate()
    start = today - timedelta(days=200)
    member = enrolled_member(coordinator, referral_date=start, masshealth_id=MASSHEALTH_ID,
                             preferred_name="Bo", primary_language="vi",
                             preferred_written_language="en", interpreter_needed=True,
                             phone="617-555-0111")
    Guardian.objects.create(member=member, name="Lan Nguyen", relationship="mother",
                            legal_authority="parent", phone="617-555-0112",
                            preferred_language="vi")
    Guardian.objects.create(member=member, name="Minh Tran", relationship="uncle",
                            legal_authority="health_care_proxy")
    pcp = ProviderFactory(kind="pcp", organization="Example Pediatrics", person="Dr. Rivera")
    specialist = ProviderFactory(kind="specialist", organization="Example Pulmonology",
                                 person="")
    MemberContact.objects.create(member=member, provider=pcp, role="pcp")
    MemberContact.objects.create(member=member, provider=specialist, role="specialist")
    first = finalized_care_plan(member, coordinator, actor=coordinator.user,
                                on=start + timedelta(days=20))
    goals = list(first.goals.all())
    goal_outcome_record(goal=goals[0], achievement="met", achieved_on=start + timedelta(days=40),
                        assessed_on=start + timedelta(days=41), note="Clinical outcome note",
                        actor=coordinator.user)
    goal_outcome_record(goal=goals[1], achievement="no_longer_relevant", achieved_on=None,
                        assessed_on=start + timedelta(days=41), actor=coordinator.user)
    second = _ready(plan_services.care_plan_start(member=member, actor=coordinator.user),
                    coordinator, start + timedelta(days=60))
    second = plan_services.care_plan_finalize(plan=second, finalized_on=start + timedelta(
        days=60), actor=coordinator.user)
    referrals(member, coordinator, start, pcp, goals[2])
    ReleaseOfInformation.objects.create(
        member=member, party="Example Pediatrics", provider=pcp, purpose="Care coordination",
        scope="ICP and assessments", signed_on=start, signed_by="Lan Nguyen",
        expires_on=today + timedelta(days=100))
    ReleaseOfInformation.objects.create(
        member=member, party="Example School", purpose="School services", scope="ICP",
        signed_on=start, signed_by="Lan Nguyen", expires_on=today - timedelta(days=5))
    ReleaseOfInformation.objects.create(
        member=member, party="Example Agency", purpose="Benefits", scope="Contact details",
        signed_on=start, signed_by="Lan Nguyen", expires_on=today + timedelta(days=100),
        revoked_on=today - timedelta(days=10))
    for days, mode in ((30, "in_person"), (90, "phone")):
        coordination.contact_record(
            member=member, contact_at=timezone.make_aware(datetime.combine(
                start + timedelta(days=days), time(10, 30))), contact_mode=mode,
            parties=["with_guardian"], summary="Clinical contact summary",
            staff=coordinator, duration_minutes=45, interpreter_used=True,
            interpreter_language="vi", actor=coordinator.user)
    coordination.hospital_stay_record(
        member=member, setting="inpatient", admitted_on=start + timedelta(days=100),
        discharged_on=start + timedelta(days=104), facility=ProviderFactory(
            kind="specialist", organization="Example Children's Hospital", person=""),
        reason="Clinical stay reason", actor=coordinator.user)
    care_plan_copy_make(plan=second, language="en", actor=coordinator.user)
    document_store(member=member, kind="emergency_plan", title="Emergency plan (ICP v2, en)",
                   content=b"%PDF-1.4 emergency", actor=coordinator.user)
    return member


def _ready(plan, coordinator, on):
    plan_services.care_plan_update(plan=plan, values={"meeting_on": on,
                                                      "hrsn_housing": "Shared flat"},
                                   rows={}, actor=coordinator.user)
    plan.refresh_from_db()
    return plan


def referrals(member, coordinator, start, provider, goal):
    """Referrals left pending, accepted with services started, declined, and closed."""
    user = coordinator.user
    make_referral(member, service="Home nursing", referred_on=start + timedelta(days=25),
                  provider=provider, actor=user)
    accepted = make_referral(member, service="Physical therapy", goal=goal,
                             referred_on=start + timedelta(days=25), actor=user,
                             scheduled_on=start + timedelta(days=35))
    coordination.referral_status_change(referral=accepted, to_status="accepted",
                                        on=start + timedelta(days=27), actor=user)
    coordination.referral_follow_up_record(
        referral=accepted, followed_up_on=start + timedelta(days=50), with_whom="Lan Nguyen",
        with_kind="member_family", services_received=True, met_need=False,
        notes="Clinical follow-up note", actor=user)
    declined = make_referral(member, service="Speech therapy", actor=user,
                             referred_on=start + timedelta(days=30))
    coordination.referral_status_change(referral=declined, to_status="declined",
                                        on=start + timedelta(days=33), reason="no_capacity",
                                        actor=user)
    closed = make_referral(member, service="Nutrition", actor=user,
                           referred_on=start + timedelta(days=30))
    coordination.referral_status_change(referral=closed, to_status="closed",
                                        on=start + timedelta(days=45),
                                        reason="unable_to_reach", actor=user)


def entries(bundle_json: str) -> list[dict]:
    return [e["resource"] for e in json.loads(bundle_json)["entry"]]


def of_type(bundle_json: str, resource_type: str) -> list[dict]:
    return [r for r in entries(bundle_json) if r["resourceType"] == resource_type]
