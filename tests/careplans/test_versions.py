"""ICP versions (PS VI.A.1.c): draft -> finalized -> superseded; a new version starts as a copy
of the one in force; a finalized version never changes, whether through the services or
the models."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from careplans import services
from careplans.models import (
    ActionStep,
    Allergy,
    CarePlan,
    CarePlanParticipant,
    CarePlanStatus,
    CareTeamEntry,
    EmergencyMedication,
    FrozenRecordError,
    Goal,
)
from cares.base.toolkit import Refusal
from tests.factories import finalized_care_plan, ready_care_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PART_MODELS = (CarePlanParticipant, CareTeamEntry, Goal, ActionStep, EmergencyMedication,
               Allergy)


def snapshot(plan: CarePlan) -> dict:
    """Every stored value of the plan and its parts."""
    plan = CarePlan.objects.get(pk=plan.pk)
    return {"plan": model_to_dict(plan),
            **{m.__name__: sorted((model_to_dict(o) for o in m.objects.filter(plan=plan)),
                                  key=lambda d: d["id"]) for m in PART_MODELS}}


@pytest.fixture
def final(member, coordinator):
    return finalized_care_plan(member, coordinator, actor=coordinator.user)


def test_the_services_refuse_to_change_a_finalized_version(final):
    before = snapshot(final)
    with pytest.raises(Refusal, match="finalized and cannot change"):
        services.care_plan_update(plan=final, values={"medical_history": "Changed"})
    with pytest.raises(Refusal, match="finalized and cannot change"):
        services.care_plan_update(plan=final, values={}, rows={"goals": [
            {"id": None, "kind": "social", "term": "short", "description": "New",
             "target_date": TODAY}]})
    with pytest.raises(Refusal, match="finalized and cannot change"):
        services.care_plan_finalize(plan=final, finalized_on=TODAY)
    assert snapshot(final) == before


def test_the_models_refuse_to_change_a_finalized_version(final):
    before = snapshot(final)
    plan = CarePlan.objects.get(pk=final.pk)
    plan.medical_history = "Changed behind the services' back"
    with pytest.raises(FrozenRecordError):
        plan.save()
    plan = CarePlan.objects.get(pk=final.pk)
    plan.status = CarePlanStatus.DRAFT
    with pytest.raises(FrozenRecordError):
        plan.save()
    with pytest.raises(FrozenRecordError):
        CarePlan.objects.get(pk=final.pk).delete()
    for model in PART_MODELS:
        row = model.objects.filter(plan=final).first()
        with pytest.raises(FrozenRecordError):
            row.save()
        with pytest.raises(FrozenRecordError):
            row.delete()
    with pytest.raises(FrozenRecordError):
        Goal.objects.create(plan=final, kind="social", description="Sneaked in")
    assert snapshot(final) == before


def test_a_new_version_starts_as_a_copy_of_the_one_in_force(final, member, coordinator):
    draft = services.care_plan_start(member=member, actor=coordinator.user)
    assert (draft.version, draft.status, draft.previous_id) == (2, CarePlanStatus.DRAFT,
                                                                final.pk)
    assert draft.meeting_on is None  # the new version has its own care planning meeting
    for field in services.COPIED_FIELDS:
        assert getattr(draft, field) == getattr(final, field), field
    for model in PART_MODELS:
        assert model.objects.filter(plan=draft).count() == \
            model.objects.filter(plan=final).count(), model
    # Action steps point to the new version's own goals and team entries.
    for step in ActionStep.objects.filter(plan=draft).select_related("goal", "responsible"):
        assert step.goal.plan_id == draft.pk and step.responsible.plan_id == draft.pk


def test_changing_the_new_version_leaves_the_old_one_and_finalizing_supersedes_it(
        final, member, coordinator):
    before = snapshot(final)
    draft = services.care_plan_start(member=member, actor=coordinator.user)
    goal = Goal.objects.filter(plan=draft, kind="clinical").get()
    services.care_plan_update(plan=draft, values={"meeting_on": TODAY,
                                                  "medical_history": "Updated history."},
                              rows={"goals": [{"id": goal.pk, "kind": "clinical",
                                               "term": "short", "description": "Revised goal",
                                               "target_date": goal.target_date}]})
    services.care_plan_finalize(plan=draft, finalized_on=TODAY, actor=coordinator.user)
    final.refresh_from_db()
    draft.refresh_from_db()
    assert final.status == CarePlanStatus.SUPERSEDED
    assert draft.status == CarePlanStatus.FINALIZED
    after = snapshot(final)
    assert after["plan"].pop("status") == "superseded"
    before["plan"].pop("status")
    assert after == before
    assert Goal.objects.get(plan=final, kind="clinical").description == "clinical goal"


def test_only_one_draft_at_a_time(member, coordinator):
    ready_care_plan(member)
    with pytest.raises(Refusal, match="still a draft"):
        services.care_plan_start(member=member)
    assert CarePlan.objects.filter(member=member).count() == 1


def test_a_superseded_version_never_changes_again(final, member, coordinator):
    draft = services.care_plan_start(member=member)
    services.care_plan_update(plan=draft, values={"meeting_on": TODAY})
    services.care_plan_finalize(plan=draft, finalized_on=TODAY)
    old = CarePlan.objects.get(pk=final.pk)
    old.status = CarePlanStatus.FINALIZED
    with pytest.raises(FrozenRecordError):
        old.save()


def test_the_first_version_starts_from_the_assessment_and_the_care_team(member, coordinator):
    from tests.factories import completed_assessment

    assessment = completed_assessment(member, coordinator)
    member.guardians.create(name="Lan Nguyễn", relationship="mother", phone="617-555-0111")
    plan = services.care_plan_start(member=member)
    assert plan.assessment == assessment
    assert plan.medical_history == assessment.medical_history
    assert plan.social_circumstances == assessment.social
    team = {(t.role, t.name) for t in plan.team.all()}
    assert ("care_manager", coordinator.user.get_full_name()) in team
    assert ("family", "Lan Nguyễn") in team
    assert plan.team.get(role="family").emergency
