"""A care coordinator builds an Individual Care Plan with the family's care planning meeting,
its five parts and the emergency plan, sees finalization refused while elements are missing,
and finalizes it, in Chromium against the live server (PS VI.A.1.c)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from careplans.models import CarePlan, CarePlanStatus
from cares.base.staff.models import Role
from tests.factories import PASSWORD, completed_assessment, enrolled_member, make_staff

# The live server sees only committed data: transactional database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)


def save(page, button: str = "Save") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def edit(page, link: str, values: dict[str, str]) -> None:
    page.get_by_role("link", name=link).click()
    fill(page, values)
    save(page)
    expect(page.locator("#plan-status")).to_be_visible()  # back on the plan


def test_coordinator_builds_and_finalizes_an_icp(page, sign_in, artifacts_dir):
    coordinator = make_staff(Role.CARE_COORDINATOR)
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=15),
                             legal_first_name="Minh Anh", legal_last_name="Nguyễn",
                             primary_language="vi")
    completed_assessment(member, coordinator)
    sign_in(coordinator.user.email, PASSWORD)

    page.goto(f"/members/{member.pk}/")
    page.get_by_role("link", name="Assessments and ICP versions").click()
    expect(page.locator("#assessments-table")).to_contain_text(
        "Initial comprehensive assessment")
    page.get_by_role("link", name="New ICP version").click()
    save(page, "Start")
    plan = CarePlan.objects.get(member=member)
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/care-plans/{plan.pk}/$"))
    expect(page.locator("#plan-status")).to_have_text("Draft")
    expect(page.locator("#missing")).to_contain_text("the date of the care planning meeting")

    # The care planning meeting, with the member and their mother.
    edit(page, "Edit meeting", {
        "meeting_on": TODAY.isoformat(), "meeting_place": "At home",
        "participants-0-kind": "member", "participants-0-name": "Minh Anh Nguyễn",
        "participants-1-kind": "parent_guardian", "participants-1-name": "Lan Nguyễn",
        "participants-1-relationship": "mother"})
    expect(page.locator("#participants")).to_contain_text("Lan Nguyễn")

    # Finalizing now is refused, with every missing element listed.
    page.get_by_role("link", name="Finalize").click()
    save(page, "Finalize")
    expect(page.locator("#refusal")).to_contain_text("Refused; nothing was saved.")
    expect(page.locator("#refusal")).to_contain_text("the PCP or PCP designee")
    expect(page.locator("#refusal")).to_contain_text("a goal of kind: aspirational")
    page.get_by_role("link", name="Cancel").click()

    # (a) The care team: the coordinator is there already; add the PCP and the mother.
    edit(page, "Edit team", {
        "team-0-phone": "617-555-0100",
        "team-1-role": "pcp", "team-1-name": "Dr. Rivera", "team-1-organization":
        "Lowell Pediatrics", "team-1-phone": "978-555-0150", "team-1-emergency": "on",
        "team-2-role": "family", "team-2-name": "Lan Nguyễn", "team-2-organization": "mother",
        "team-2-phone": "978-555-0199", "team-2-emergency": "on"})
    expect(page.locator("#team-table")).to_contain_text("Dr. Rivera")

    # (b) Health summary, educational needs, HRSN supports.
    edit(page, "Edit summary", {
        "medical_history": "Epilepsy since infancy; G-tube.", "behavioral_history": "None.",
        "personal_circumstances": "Loves music.", "educational_circumstances": "Grade 4.",
        "behavioral_circumstances": "Calm at home.", "social_circumstances": "Two siblings.",
        "current_services": "PT weekly.", "iep": "in_place", "plan_504": "none",
        "school_services": "PT and nursing at school.", "educational_needs": "School nurse.",
        "hrsn_housing": "None needed.", "hrsn_nutrition": "SNAP in place.",
        "hrsn_utilities": "Fuel assistance.", "hrsn_transportation": "PT-1 rides."})

    # Goals, two new rows per visit; then action steps for each.
    target = (TODAY + timedelta(days=180)).isoformat()
    goals = [("clinical", "short", "Fewer than two seizures a month"),
             ("functional", "long", "Transfers with one helper"),
             ("developmental", "short", "Uses eye-gaze board at home"),
             ("social", "long", "Joins an after-school music group"),
             ("aspirational", "long", "Play keyboard in a school concert")]
    for start in range(0, len(goals), 2):
        values = {}
        for i, (kind, term, text) in enumerate(goals[start:start + 2]):
            n = start + i
            values.update({f"goals-{n}-kind": kind, f"goals-{n}-term": term,
                           f"goals-{n}-description": text})
            if kind != "aspirational":
                values[f"goals-{n}-target_date"] = target
        edit(page, "Edit goals", values)
    expect(page.locator("#goals .card")).to_have_count(5)
    goal_ids = list(plan.goals.order_by("pk").values_list("pk", flat=True))
    manager = plan.team.get(role="care_manager").pk
    for start in range(0, len(goal_ids), 2):
        values = {}
        for i, goal_id in enumerate(goal_ids[start:start + 2]):
            n = start + i
            values.update({f"steps-{n}-goal": str(goal_id),
                           f"steps-{n}-description": f"Action {n + 1}",
                           f"steps-{n}-responsible": str(manager),
                           f"steps-{n}-accessibility": "Vietnamese interpreter"})
        edit(page, "Edit action steps", values)

    # (d) Transitions and (e) the emergency plan.
    edit(page, "Edit transitions", {
        "upcoming_transitions": "Middle school next fall.",
        "continuity_strategies": "Meeting with the new school nurse in June."})
    edit(page, "Edit emergency plan", {
        "diagnoses": "Epilepsy; cerebral palsy.", "baseline_status": "Non-verbal; smiles.",
        "accommodations": "Local anesthesia for IV access.",
        "medications-0-name": "Levetiracetam", "medications-0-dose": "250 mg",
        "medications-0-schedule": "twice daily", "allergies-0-allergen": "Penicillin",
        "allergies-0-reaction": "hives"})
    expect(page.locator("#missing")).to_contain_text("Every required element is there")

    page.get_by_role("link", name="Finalize").click()
    expect(page.locator('[name="finalized_on"]')).to_have_value(TODAY.isoformat())
    save(page, "Finalize")
    expect(page.locator("#plan-status")).to_have_text("Finalized")
    expect(page.get_by_role("alert").filter(has_text="ICP version 1 is finalized.")) \
        .to_be_visible()
    expect(page.locator("#plan-history")).to_contain_text(f"finalized {TODAY.isoformat()}")
    expect(page.locator("#required-copies")).to_contain_text("not yet")
    expect(page.get_by_role("link", name="Edit goals")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "care_plan.png"), full_page=True)

    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.FINALIZED
    assert plan.finalized_by == coordinator.user
    assert plan.goals.count() == 5 and plan.action_steps.count() == 5
