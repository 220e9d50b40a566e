"""Who sees what of assessments and care plans. Family support staff see the ICP's goals and
action steps, never the assessment's clinical detail, the health summary or the emergency plan
(minimum necessary); the care coordinator sees everything. Sentinels stand in the clinical
fields, and every care plan page is walked as each role. Page queries stay bounded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careplans import emergency
from careplans.models import ActionStep, Goal
from tests.factories import (
    completed_assessment,
    enrolled_member,
    finalized_care_plan,
    make_staff,
    sign_in,
)
from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

# Clinical detail: one sentinel per kind of clinical field.
CLINICAL = {
    "assessment_medical": "Clinsentinel-assessment-medical-5101",
    "assessment_behavioral": "Clinsentinel-assessment-behavioral-5102",
    "assessment_medications": "Clinsentinel-assessment-medications-5103",
    "assessment_source_notes": "Clinsentinel-source-notes-5104",
    "plan_medical": "Clinsentinel-plan-medical-5105",
    "plan_current_services": "Clinsentinel-plan-services-5106",
    "plan_diagnoses": "Clinsentinel-plan-diagnoses-5107",
    "plan_medication": "Clinsentinel-plan-medication-5108",
}
# What family support staff do see.
GOAL = "Goalsentinel-walk-with-a-walker-5201"
STEP = "Stepsentinel-order-the-walker-5202"


@pytest.fixture
def world(coordinator):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    from members import services as member_services

    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=20))
    member_services.care_team_set(member=member, on=TODAY - timedelta(days=20), team=[
        (coordinator, "care_coordinator"), (family, "family_support")])
    assessment = completed_assessment(
        member, coordinator, medical_history=CLINICAL["assessment_medical"],
        behavioral_history=CLINICAL["assessment_behavioral"],
        medications=CLINICAL["assessment_medications"])
    assessment.sources.model.objects.filter(assessment=assessment).update(
        notes=CLINICAL["assessment_source_notes"])
    plan = finalized_care_plan(member, coordinator, medical_history=CLINICAL["plan_medical"],
                               current_services=CLINICAL["plan_current_services"],
                               diagnoses=CLINICAL["plan_diagnoses"])
    plan.medications.update(name=CLINICAL["plan_medication"])
    Goal.objects.filter(plan=plan, kind="functional").update(description=GOAL)
    ActionStep.objects.filter(plan=plan, goal__description=GOAL).update(description=STEP)
    link, _token = emergency.emergency_link_create(
        member=member, expires_on=TODAY + timedelta(days=10),
        url_for=lambda t: f"https://cares.example/emergency/{t}/")
    return {"member": member, "family": family, "coordinator": coordinator,
            "assessment": assessment, "plan": plan, "link": link}


def careplan_pages(world) -> dict[str, str]:
    values = {"pk": world["member"].pk, "assessment_id": world["assessment"].pk,
              "plan_id": world["plan"].pk, "link_id": world["link"].pk}
    return {route.name: "/" + route.pattern.replace("<int:pk>", str(values["pk"]))
            .replace("<int:assessment_id>", str(values["assessment_id"]))
            .replace("<int:plan_id>", str(values["plan_id"]))
            .replace("<int:link_id>", str(values["link_id"]))
            for route in routes() if route.name.startswith("careplans:")
            and route.name != "careplans:responder"}


def walk(client: Client, world) -> dict[str, tuple[int, str]]:
    out = {}
    for name, url in careplan_pages(world).items():
        response = client.get(url)
        out[name] = (response.status_code, response.content.decode(errors="replace"))
    return out


def test_family_support_sees_goals_and_steps_but_no_clinical_detail(world):
    client = sign_in(Client(), world["family"].user)
    seen = walk(client, world)
    leaks = {name: [s for s in CLINICAL.values() if s in text]
             for name, (_status, text) in seen.items()}
    assert not {name: found for name, found in leaks.items() if found}
    status, plan_page = seen["careplans:plan"]
    assert status == 200
    assert GOAL in plan_page and STEP in plan_page
    assert seen["careplans:assessment"][0] == 200  # they see that it exists, not its content
    assert seen["careplans:overview"][0] == 200
    assert seen["careplans:emergency"][0] == 403
    assert seen["careplans:plan_goals"][0] == 403  # read only


def test_the_care_coordinator_sees_every_sentinel(world):
    client = sign_in(Client(), world["coordinator"].user)
    seen = walk(client, world)
    text = "\n".join(body for _status, body in seen.values())
    for sentinel in (*CLINICAL.values(), GOAL, STEP):
        assert sentinel in text, sentinel
    assert seen["careplans:plan"][0] == 200 and seen["careplans:emergency"][0] == 200


def test_a_coordinator_outside_the_care_team_gets_404(world):
    client = sign_in(Client(), make_staff("care_coordinator").user)
    for name, (status, text) in walk(client, world).items():
        assert status in (404, 405), name  # emergency_pdf and link_revoke take POST only
        assert GOAL not in text


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_the_plan(world, django_assert_max_num_queries):
    client = sign_in(Client(), world["coordinator"].user)
    member, plan = world["member"], world["plan"]
    urls = {"plan": reverse("careplans:plan", args=[member.pk, plan.pk]),
            "overview": reverse("careplans:overview", args=[member.pk]),
            "emergency": reverse("careplans:emergency", args=[member.pk]),
            "assessment": reverse("careplans:assessment",
                                  args=[member.pk, world["assessment"].pk])}
    few = {name: queries(client, url) for name, url in urls.items()}
    # Grow everything: more goals, steps, team, medications, versions, uses.
    from careplans import services

    draft = services.care_plan_start(member=member)
    manager = draft.team.first()
    services.care_plan_update(plan=draft, values={"meeting_on": TODAY}, rows={
        "goals": [{"id": None, "kind": "social", "term": "short", "description": f"G{i}",
                   "target_date": TODAY + timedelta(days=30)} for i in range(8)],
        "medications": [{"id": None, "name": f"M{i}", "dose": "1 mg", "schedule": ""}
                        for i in range(8)],
        "team": [{"id": None, "role": "specialist", "name": f"Dr. {i}", "organization": "",
                  "phone": "617-555-0000", "email": "", "emergency": True} for i in range(8)]})
    services.care_plan_update(plan=draft, values={}, rows={"steps": [
        {"id": None, "goal": goal, "description": "step", "responsible": manager,
         "accessibility": "None", "due_on": None} for goal in draft.goals.all()]})
    services.care_plan_finalize(plan=draft, finalized_on=TODAY)
    Client().get(reverse("careplans:responder", args=["x" * 43]))
    urls["plan"] = reverse("careplans:plan", args=[member.pk, draft.pk])
    many = {name: queries(client, url) for name, url in urls.items()}
    assert many == few
    # plan: + the monitoring reviews and reassessments a finalized version answers (2),
    # + the program record (its 24/7 on-call number, PS VI.B.1.b).
    for name, limit in (("plan", 27), ("overview", 18), ("emergency", 28), ("assessment", 16)):
        with django_assert_max_num_queries(limit):
            client.get(urls[name])
