"""Finalizing an ICP (PS VI.A.1.c): refused while any required element is missing, with every
missing element listed; each element is tried missing in turn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans import services
from careplans.models import (
    ActionStep,
    Allergy,
    Assessment,
    CarePlanParticipant,
    CarePlanStatus,
    CareTeamEntry,
    EmergencyMedication,
    Goal,
)
from cares.base.audit.models import AuditEvent
from cares.base.toolkit import Refusal
from tests.factories import completed_assessment, enrolled_member, ready_care_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def blank(field):
    def breaker(plan):
        services.care_plan_update(plan=plan, values={field: ""})
    return breaker


def plan_field(**values):
    def breaker(plan):
        services.care_plan_update(plan=plan, values=values)
    return breaker


def rows(model, filter_=None, **values):
    """Change (or with ``values=None`` delete) some rows of the plan."""
    def breaker(plan):
        qs = model.objects.filter(plan=plan, **(filter_ or {}))
        assert qs.exists()
        for obj in qs:
            if values.get("delete"):
                obj.delete()
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.save()
    return breaker


def extra_team_entry(plan):
    CareTeamEntry.objects.create(plan=plan, role="school", name="School nurse", phone="",
                                 email="")


def undo_assessment(plan):
    Assessment.objects.filter(member=plan.member).update(completed_on=None)


BREAKERS = {
    "assessment": undo_assessment,
    "meeting_date": plan_field(meeting_on=None),
    "meeting_member": rows(CarePlanParticipant, {"kind": "member"}, delete=True),
    "meeting_guardian": rows(CarePlanParticipant, {"kind": "parent_guardian"}, delete=True),
    "care_manager": rows(CareTeamEntry, {"role": "care_manager"}, role="cares_staff"),
    "pcp": rows(CareTeamEntry, {"role": "pcp"}, role="specialist"),
    "team_contacts": extra_team_entry,
    "medical_history": blank("medical_history"),
    "behavioral_history": blank("behavioral_history"),
    "personal_circumstances": blank("personal_circumstances"),
    "educational_circumstances": blank("educational_circumstances"),
    "behavioral_circumstances": blank("behavioral_circumstances"),
    "social_circumstances": blank("social_circumstances"),
    "current_services": blank("current_services"),
    "goal_clinical": rows(Goal, {"kind": "clinical"}, delete=True),
    "goal_functional": rows(Goal, {"kind": "functional"}, delete=True),
    "goal_developmental": rows(Goal, {"kind": "developmental"}, delete=True),
    "goal_social": rows(Goal, {"kind": "social"}, delete=True),
    "goal_aspirational": rows(Goal, {"kind": "aspirational"}, delete=True),
    "goal_short": rows(Goal, {"term": "short"}, term="long"),
    "goal_long": rows(Goal, {"term": "long", "kind__in": ["functional", "social"]},
                      term="short"),
    "goal_dates": rows(Goal, {"kind": "clinical"}, target_date=None),
    "iep": blank("iep"),
    "plan_504": blank("plan_504"),
    "school_services": blank("school_services"),
    "educational_needs": blank("educational_needs"),
    "hrsn_housing": blank("hrsn_housing"),
    "hrsn_nutrition": blank("hrsn_nutrition"),
    "hrsn_utilities": blank("hrsn_utilities"),
    "hrsn_transportation": blank("hrsn_transportation"),
    "goal_steps": rows(ActionStep, {"goal__kind": "social"}, delete=True),
    "step_responsible": rows(ActionStep, {"goal__kind": "clinical"}, responsible=None),
    "step_accessibility": rows(ActionStep, {"goal__kind": "clinical"}, accessibility=""),
    "upcoming_transitions": blank("upcoming_transitions"),
    "continuity_strategies": blank("continuity_strategies"),
    "medications": rows(EmergencyMedication, delete=True),
    "medication_doses": rows(EmergencyMedication, dose=""),
    "allergies": rows(Allergy, delete=True),
    "diagnoses": blank("diagnoses"),
    "baseline_status": blank("baseline_status"),
    "accommodations": blank("accommodations"),
    "emergency_providers": rows(CareTeamEntry, {"role": "pcp"}, emergency=False),
    "emergency_guardians": rows(CareTeamEntry, {"role": "family"}, emergency=False),
}


@pytest.fixture
def ready(member, coordinator):
    completed_assessment(member, coordinator, actor=coordinator.user)
    return ready_care_plan(member, actor=coordinator.user)


def test_a_complete_plan_has_nothing_missing(ready):
    assert services.care_plan_missing(ready, TODAY) == []


@pytest.mark.parametrize("key", BREAKERS)
def test_finalize_refuses_when_an_element_is_missing(ready, coordinator, key):
    BREAKERS[key](ready)
    missing = services.care_plan_missing(ready, TODAY)
    assert [m.key for m in missing] == [key]
    with pytest.raises(Refusal) as refused:
        services.care_plan_finalize(plan=ready, finalized_on=TODAY, actor=coordinator.user)
    assert refused.value.messages == [f"Missing: {missing[0]}"]
    assert "PS VI.A.1" in refused.value.messages[0]  # the citation says why
    ready.refresh_from_db()
    assert ready.status == CarePlanStatus.DRAFT and ready.finalized_on is None


def test_every_required_element_is_covered_by_a_breaker(member, coordinator):
    """An empty draft misses (nearly) everything, all listed at once in one refusal."""
    plan = services.care_plan_start(member=member)
    plan.team.all().delete()
    with pytest.raises(Refusal) as refused:
        services.care_plan_finalize(plan=plan, finalized_on=TODAY)
    keys = {m.key for m in services.care_plan_missing(plan, TODAY)}
    # Only the elements about rows that do not exist yet are absent.
    assert keys == set(BREAKERS) - {"team_contacts", "goal_dates", "step_responsible",
                                    "step_accessibility", "medication_doses", "goal_steps"}
    assert len(refused.value.messages) == len(keys)
    assert "Missing: the date of the care planning meeting (PS VI.A.1)" in \
        refused.value.messages


def test_the_guardian_is_not_required_for_an_adult_member_without_a_legal_decision_maker(
        coordinator):
    """(With a guardian or proxy on record it is: tests/careplans/test_meeting_guardian.py.)"""
    adult = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=10),
                            date_of_birth=TODAY - timedelta(days=19 * 366))
    completed_assessment(adult, coordinator)
    plan = ready_care_plan(adult)
    CarePlanParticipant.objects.filter(plan=plan, kind="parent_guardian").delete()
    assert services.care_plan_missing(plan, TODAY) == []


def test_medications_and_no_medications_together_are_refused(ready):
    services.care_plan_update(plan=ready, values={"no_medications": True})
    assert [m.key for m in services.care_plan_missing(ready, TODAY)] == ["medications"]
    EmergencyMedication.objects.filter(plan=ready).delete()
    assert services.care_plan_missing(ready, TODAY) == []


def test_the_assessment_must_be_completed_by_the_finalization_date(ready, coordinator):
    assert [m.key for m in services.care_plan_missing(ready, TODAY - timedelta(days=1))] == [
        "assessment"]


def test_finalize_date_checks(ready, coordinator):
    with pytest.raises(Refusal, match="cannot be in the future"):
        services.care_plan_finalize(plan=ready, finalized_on=TODAY + timedelta(days=1))
    services.care_plan_update(plan=ready, values={"meeting_on": TODAY})
    with pytest.raises(Refusal, match="before its care planning meeting"):
        services.care_plan_finalize(plan=ready, finalized_on=TODAY - timedelta(days=1))


def test_finalize_records_who_and_when(ready, coordinator):
    plan = services.care_plan_finalize(plan=ready, finalized_on=TODAY, actor=coordinator.user)
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.FINALIZED
    assert plan.finalized_on == TODAY
    assert plan.finalized_by == coordinator.user
    assert plan.finalized_at is not None
    assert plan.history.filter(status="finalized").exists()
    event = AuditEvent.objects.filter(object_type="careplans.CarePlan", object_id=str(plan.pk),
                                      action="update").latest("pk")
    assert event.actor == coordinator.user
    assert event.detail["fields"] == ["finalized_at", "finalized_by", "finalized_on", "status"]
