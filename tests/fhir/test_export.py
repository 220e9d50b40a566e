"""The FHIR export (issue 21): every resource validates, references resolve inside the Bundle,
identifiers and dates round-trip, statuses stay inside FHIR's value sets, and a referral's
Task.status follows each status change."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from cares.program.fhir import codes
from cares.program.fhir.bundle import member_bundle
from members.coordination import services as coordination
from tests.factories import enrolled_member, make_referral
from tests.fhir.support import MASSHEALTH_ID, entries, of_type, rich_member

pytestmark = pytest.mark.django_db
BASE = "https://cares.test/fhir"


@pytest.fixture
def member(coordinator):
    return rich_member(coordinator)


def bundle(member, clinical=True) -> str:
    return member_bundle(member, clinical=clinical, base_url=BASE).json


def test_the_bundle_is_a_valid_r4b_collection_of_every_kind(member):
    made = bundle(member)
    parsed = get_fhir_model_class("Bundle").model_validate_json(made)  # validates again
    assert parsed.type == "collection"
    kinds = {e.resource.get_resource_type() for e in parsed.entry}
    assert kinds == {"Patient", "RelatedPerson", "Organization", "Practitioner", "CareTeam",
                     "CarePlan", "Goal", "Condition", "ServiceRequest", "Task", "Consent",
                     "Encounter", "DocumentReference"}
    for entry in json.loads(made)["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"{BASE}/{resource['resourceType']}/{resource['id']}"
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_every_reference_resolves_inside_the_bundle(member):
    made = bundle(member)
    present = {f"{r['resourceType']}/{r['id']}" for r in entries(made)}
    referenced = set(re.findall(r'"reference":"([^"]+)"', made))
    assert referenced and referenced <= present, referenced - present


def test_identifiers_and_dates_round_trip(member):
    made = bundle(member)
    patient, = of_type(made, "Patient")
    assert patient["identifier"][0]["value"] == MASSHEALTH_ID
    assert patient["identifier"][0]["system"].startswith("https://")
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MB"
    assert patient["birthDate"] == member.date_of_birth.isoformat()
    assert patient["communication"][0] == {
        "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "vi"}],
                     "text": "Vietnamese / Tiếng Việt"}, "preferred": True}
    assert patient["extension"] == [{"url": codes.INTERPRETER_REQUIRED, "valueBoolean": True}]
    assert [n["use"] for n in patient["name"]] == ["official", "usual"]
    plans = member.care_plans.order_by("version")
    careplans = of_type(made, "CarePlan")
    assert [c["status"] for c in careplans] == ["revoked", "active"]
    assert careplans[0]["period"] == {"start": plans[0].finalized_on.isoformat(),
                                      "end": plans[1].finalized_on.isoformat()}
    assert careplans[1]["replaces"] == [{"reference": f"CarePlan/careplan-{plans[0].pk}"}]
    goal = plans[1].goals.exclude(target_date=None).first()
    exported = next(g for g in of_type(made, "Goal") if g["id"] == f"goal-{goal.pk}")
    assert exported["target"] == [{"dueDate": goal.target_date.isoformat()}]
    guardian = of_type(made, "RelatedPerson")[1]
    assert guardian["relationship"][1]["coding"][0]["code"] == "HPOWATT"


def test_goal_outcomes_and_consent_states(member):
    made = bundle(member)
    outcomes = {g["description"]["text"]: (g["lifecycleStatus"],
                                           g.get("achievementStatus", {}).get("coding"))
                for g in of_type(made, "Goal") if g.get("achievementStatus")}
    assert sorted(s for s, _c in outcomes.values()) == ["cancelled", "completed"]
    consents = {c["provision"]["actor"][0]["reference"].get("display"): c
                for c in of_type(made, "Consent")}
    states = {party: (c["status"], c["extension"][0]["valueCode"])
              for party, c in consents.items()}
    assert states == {"Example Pediatrics": ("active", "in-force"),
                      "Example School": ("inactive", "expired"),
                      "Example Agency": ("inactive", "revoked")}
    today = timezone.localdate()
    assert consents["Example Agency"]["provision"]["period"]["end"] == (
        today - timedelta(days=10)).isoformat()


def test_statuses_stay_inside_fhir_value_sets(member):
    made = bundle(member)
    checks = {"CarePlan": "status", "Goal": "lifecycleStatus", "ServiceRequest": "status",
              "Task": "status", "Consent": "status", "Encounter": "status",
              "CareTeam": "status", "DocumentReference": "status"}
    for resource in entries(made):
        element = checks.get(resource["resourceType"])
        if element:
            allowed = codes.VALUE_SETS[f"{resource['resourceType']}.{element}"]
            assert resource[element] in allowed, resource["id"]
    assert set(codes.CAREPLAN_STATUS.values()) <= codes.VALUE_SETS["CarePlan.status"]
    assert set(codes.GOAL_LIFECYCLE.values()) | {v[0] for v in codes.GOAL_OUTCOME.values()} \
        <= codes.VALUE_SETS["Goal.lifecycleStatus"]
    assert {v[1] for v in codes.GOAL_OUTCOME.values()} <= codes.VALUE_SETS[
        "Goal.achievementStatus"]
    assert set(codes.CONSENT_STATUS.values()) <= codes.VALUE_SETS["Consent.status"]
    assert set(codes.ACTIVITY_STATUS.values()) <= codes.VALUE_SETS[
        "CarePlan.activity.detail.status"]


def test_referral_task_status_follows_each_status_change(coordinator):
    today = timezone.localdate()
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=60))
    user = coordinator.user

    def task_and_request(referral):
        made = bundle(member)
        task, = [t for t in of_type(made, "Task") if t["id"] == f"referral-task-{referral.pk}"]
        request, = [s for s in of_type(made, "ServiceRequest")
                    if s["id"] == f"referral-{referral.pk}"]
        assert task["focus"] == {"reference": f"ServiceRequest/referral-{referral.pk}"}
        return task["status"], task["businessStatus"]["text"], request["status"]

    referral = make_referral(member, referred_on=today - timedelta(days=50), actor=user,
                             scheduled_on=today - timedelta(days=45))
    assert task_and_request(referral)[0::2] == ("requested", "active")
    coordination.referral_status_change(referral=referral, to_status="accepted",
                                        on=today - timedelta(days=48), actor=user)
    assert task_and_request(referral)[0] == "accepted"
    coordination.referral_follow_up_record(
        referral=referral, followed_up_on=today - timedelta(days=20), with_whom="Mother",
        services_received=True, met_need=False, actor=user)
    assert task_and_request(referral)[0] == "in-progress"
    coordination.referral_status_change(referral=referral, to_status="closed",
                                        on=today - timedelta(days=10),
                                        reason="services_received", actor=user)
    status, business, request = task_and_request(referral)
    assert (status, request) == ("completed", "completed")
    assert business == "Closed: the loop is closed (Services received)"

    declined = make_referral(member, referred_on=today - timedelta(days=30), actor=user)
    coordination.referral_status_change(referral=declined, to_status="declined",
                                        on=today - timedelta(days=29), reason="no_capacity",
                                        actor=user)
    assert task_and_request(declined)[0::2] == ("rejected", "active")
    coordination.referral_status_change(referral=declined, to_status="closed",
                                        on=today - timedelta(days=28),
                                        reason="unable_to_reach", actor=user)
    assert task_and_request(declined)[0::2] == ("failed", "revoked")


def test_family_support_readers_get_no_clinical_resources_or_narrative(member):
    made = bundle(member, clinical=False)
    kinds = {r["resourceType"] for r in entries(made)}
    assert not kinds & {"Condition", "Encounter", "DocumentReference"}
    assert {"Patient", "CareTeam", "CarePlan", "Goal", "Task", "Consent"} <= kinds
    for narrative in ("Clinical outcome note", "Clinical follow-up note",
                      "Clinical contact summary", "Clinical stay reason"):
        assert narrative not in made
    full = bundle(member)
    assert "Clinical outcome note" in full and "Clinical follow-up note" in full
    assert "Clinical stay reason" in full


def test_the_export_reads_a_fixed_number_of_queries(coordinator, member):
    with CaptureQueriesContext(connection) as one:
        bundle(member)
    for days in range(3):  # more contacts and referrals: the same queries
        coordination.contact_record(
            member=member, contact_at=timezone.now() - timedelta(days=days + 1),
            contact_mode="phone", parties=["with_guardian"], summary="More",
            staff=coordinator, duration_minutes=10, actor=coordinator.user)
        make_referral(member, service=f"Service {days}", actor=coordinator.user)
    with CaptureQueriesContext(connection) as more:
        bundle(member)
    assert len(more.captured_queries) == len(one.captured_queries) <= 20
