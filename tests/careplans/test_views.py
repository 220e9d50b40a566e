"""The assessment and care plan pages: forms and lists of rows go through the services; a
refusal shows every reason and saves nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from careplans.models import (
    Assessment,
    CarePlan,
    CarePlanCopy,
    CarePlanDelivery,
    CarePlanShare,
    CareTeamEntry,
    EmergencyAccessLink,
    Goal,
)
from tests.factories import (
    ASSESSMENT_TEXT,
    PLAN_TEXT,
    completed_assessment,
    finalized_care_plan,
    sign_in,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    """POST data of a formset: its management form and one entry per row."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, item in enumerate(items):
        data.update({f"{prefix}-{i}-{k}": v for k, v in item.items()})
    return data


def url(name, member, *ids):
    return reverse(f"careplans:{name}", args=[member.pk, *ids])


@pytest.fixture
def client_(client, coordinator):
    return sign_in(client, coordinator.user)


def test_an_assessment_through_its_pages(client_, member, coordinator):
    response = client_.post(url("assessment_new", member), {"assessment_kind": "initial"})
    assessment = Assessment.objects.get(member=member)
    assert response.url == url("assessment_edit", member, assessment.pk)
    assert client_.get(response.url).status_code == 200
    # Completing the empty draft is refused with every reason; nothing changes.
    response = client_.post(url("assessment_complete", member, assessment.pk),
                            {"completed_on": TODAY})
    assert response.status_code == 200
    assert len(response.context["refused"]) > 15
    assert Assessment.objects.get(pk=assessment.pk).is_draft
    response = client_.post(url("assessment_edit", member, assessment.pk), {
        **ASSESSMENT_TEXT,
        **rows("sources", [
            {"kind": "parent_guardian", "name": "Lan Nguyễn", "consulted_on": TODAY},
            {"kind": "medical_provider", "name": "Dr. Example", "consulted_on": TODAY},
        ])})
    assert response.status_code == 302, response.context["form"].errors
    assert assessment.sources.count() == 2
    response = client_.post(url("assessment_complete", member, assessment.pk),
                            {"completed_on": TODAY})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_by == coordinator
    page = client_.get(url("assessment", member, assessment.pk)).content.decode()
    assert ASSESSMENT_TEXT["medical_history"] in page and "Lan Nguyễn" in page
    # Completed: the edit page refuses.
    response = client_.post(url("assessment_edit", member, assessment.pk), {
        "social": "Changed", **rows("sources", [])})
    assert response.status_code == 200 and response.context["refused"]
    assert Assessment.objects.get(pk=assessment.pk).social == ASSESSMENT_TEXT["social"]


def test_an_icp_through_its_pages(client_, member, coordinator):
    completed_assessment(member, coordinator)
    response = client_.post(url("plan_new", member))
    plan = CarePlan.objects.get(member=member)
    assert response.url == url("plan", member, plan.pk)
    team = list(plan.team.all())
    assert [t.role for t in team] == ["care_manager"]  # the coordinator, from the care team

    def post(name, data):
        response = client_.post(url(name, member, plan.pk), data)
        assert response.status_code == 302, (name, response.context and (
            response.context["refused"], response.context["form"].errors,
            [f.errors for _l, _c, f in response.context["formsets"]]))

    post("plan_meeting", {"meeting_on": TODAY, "meeting_place": "At home", **rows(
        "participants", [{"kind": "member", "name": "Minh Anh", "relationship": ""},
                         {"kind": "parent_guardian", "name": "Lan Nguyễn",
                          "relationship": "mother"}])})
    manager = team[0]
    post("plan_team", rows("team", [
        {"id": manager.pk, "role": "care_manager", "name": manager.name,
         "organization": manager.organization, "phone": "617-555-0100", "email": ""},
        {"role": "pcp", "name": "Dr. Example", "organization": "Example Pediatrics",
         "phone": "617-555-0150", "email": "", "emergency": "on"},
        {"role": "family", "name": "Lan Nguyễn", "organization": "mother",
         "phone": "617-555-0199", "email": "", "emergency": "on"}], initial=1))
    assert plan.team.count() == 3
    post("plan_summary", {k: PLAN_TEXT[k] for k in (
        "medical_history", "behavioral_history", "personal_circumstances",
        "educational_circumstances", "behavioral_circumstances", "social_circumstances",
        "current_services", "iep", "plan_504", "school_services", "educational_needs",
        "hrsn_housing", "hrsn_nutrition", "hrsn_utilities", "hrsn_transportation")})
    post("plan_goals", rows("goals", [
        {"kind": kind, "term": term, "description": f"{kind} goal",
         "target_date": "" if kind == "aspirational" else TODAY}
        for kind, term in (("clinical", "short"), ("functional", "long"),
                           ("developmental", "short"), ("social", "long"),
                           ("aspirational", "long"))]))
    response = client_.post(url("plan_finalize", member, plan.pk), {"finalized_on": TODAY})
    assert response.status_code == 200
    refused = response.context["refused"]
    assert any("an action step for" in r for r in refused)
    assert any("the upcoming medical and social service transitions" in r for r in refused)
    assert CarePlan.objects.get(pk=plan.pk).status == "draft"
    goals = list(plan.goals.all())
    post("plan_steps", rows("steps", [
        {"goal": goal.pk, "description": f"Step {i}", "responsible": manager.pk,
         "accessibility": "Vietnamese interpreter", "due_on": ""}
        for i, goal in enumerate(goals)]))
    post("plan_transitions", {"upcoming_transitions": PLAN_TEXT["upcoming_transitions"],
                              "continuity_strategies": PLAN_TEXT["continuity_strategies"]})
    post("plan_emergency", {
        "diagnoses": "Epilepsy", "baseline_status": "Non-verbal", "accommodations": "None",
        **rows("medications", [{"name": "Levetiracetam", "dose": "250 mg",
                                "schedule": "twice daily"}]),
        **rows("allergies", [{"allergen": "Penicillin", "reaction": "hives"}])})
    response = client_.post(url("plan_finalize", member, plan.pk), {"finalized_on": TODAY})
    assert response.status_code == 302, response.context["refused"]
    plan.refresh_from_db()
    assert plan.status == "finalized" and plan.finalized_by == coordinator.user
    # Finalized: the pages refuse and save nothing.
    response = client_.post(url("plan_goals", member, plan.pk), rows("goals", [
        {"kind": "social", "term": "short", "description": "Late", "target_date": TODAY}]))
    assert response.status_code == 200 and response.context["refused"]
    assert not Goal.objects.filter(description="Late").exists()
    assert b'id="frozen"' in client_.get(url("plan_team", member, plan.pk)).content


def test_deleting_a_row_that_steps_depend_on_is_refused(client_, member, coordinator):
    from tests.factories import ready_care_plan

    plan = ready_care_plan(member)
    manager = plan.team.get(role="care_manager")
    entries = list(plan.team.all())
    data = rows("team", [{"id": e.pk, "role": e.role, "name": e.name,
                          "organization": e.organization, "phone": e.phone, "email": e.email,
                          **({"emergency": "on"} if e.emergency else {}),
                          **({"DELETE": "on"} if e == manager else {})}
                         for e in entries], initial=len(entries))
    response = client_.post(url("plan_team", member, plan.pk), data)
    assert response.status_code == 200
    assert any("responsible" in r for r in response.context["refused"])
    assert CareTeamEntry.objects.filter(pk=manager.pk).exists()


def test_a_finalized_icp_is_shared_copied_and_delivered(client_, member, coordinator):
    plan = finalized_care_plan(member, coordinator)
    page = client_.get(url("plan", member, plan.pk)).content.decode()
    assert "not yet" in page  # the required copies are still to give
    assert client_.post(url("plan_share", member, plan.pk), {
        "recipient_kind": "pcp", "recipient": "Dr. Example", "shared_on": TODAY,
        "method": "fax"}).status_code == 302
    assert CarePlanShare.objects.filter(care_plan=plan).count() == 1
    assert client_.post(url("plan_copy", member, plan.pk), {"language": "vi"}).status_code \
        == 302
    response = client_.post(url("plan_delivery", member, plan.pk), {
        "language": "vi", "medium": "paper", "delivered_on": TODAY, "delivered_to": "Lan"})
    assert response.status_code == 302
    delivery = CarePlanDelivery.objects.get(care_plan=plan)
    assert delivery.copy.language == "vi" and delivery.recorded_by == coordinator.user
    upload = SimpleUploadedFile("icp-vi.pdf", b"%PDF-1.7 translated", "application/pdf")
    response = client_.post(url("plan_translation", member, plan.pk),
                            {"language": "vi", "translation": upload})
    assert response.status_code == 302
    assert CarePlanCopy.objects.filter(care_plan=plan, source="translation").count() == 1
    page = client_.get(url("plan", member, plan.pk)).content.decode()
    assert "Translated document attached" in page


def test_the_emergency_pages(client_, member, coordinator):
    response = client_.post(url("emergency_pdf", member))
    assert response.status_code == 302 and response.url == url("emergency", member)
    finalized_care_plan(member, coordinator)
    response = client_.post(url("emergency_pdf", member))
    assert response.url.startswith(f"/members/{member.pk}/documents/")
    assert client_.get(response.url)["Content-Type"] == "application/pdf"
    response = client_.post(url("link_new", member), {"expires_on": TODAY})
    assert response.status_code == 200 and response.context["refused"]
    response = client_.post(url("link_new", member), {
        "expires_on": (timezone.localdate() + timezone.timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    link = EmergencyAccessLink.objects.get(member=member)
    assert link.card is not None and link.created_by == coordinator.user
    page = client_.get(url("emergency", member)).content.decode()
    assert "Card (PDF)" in page and "active" in page
    assert client_.post(url("link_revoke", member, link.pk)).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == coordinator.user


def test_the_member_page_links_to_the_care_plan(client_, member):
    page = client_.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert url("overview", member) in page and url("emergency", member) in page
