"""What became of an ICP goal (PS VII.B): recorded about a goal of a finalized or superseded
version by the care team, refused with a reason next to the field, audited, and shown on the
ICP page in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import GoalOutcome
from careplans.outcomes import goal_outcome_record
from cares.base.audit.models import Action, AuditEvent
from cares.base.toolkit import Refusal
from members import services as member_services
from tests.factories import enrolled_member, finalized_care_plan, make_staff, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def plan(member, coordinator):
    return finalized_care_plan(member, coordinator, on=TODAY - timedelta(days=10))


@pytest.fixture
def goal(plan):
    return plan.goals.exclude(kind="aspirational").order_by("pk").first()


def record(goal, actor=None, **values):
    fields = {"achievement": "met", "achieved_on": TODAY - timedelta(days=2),
              "assessed_on": TODAY, "note": "", **values}
    return goal_outcome_record(goal=goal, actor=actor, **fields)


def refusal(goal, **values) -> dict[str, list[str]]:
    with pytest.raises(Refusal) as caught:
        record(goal, **values)
    assert not GoalOutcome.objects.filter(goal=goal).exists()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def test_recording_again_replaces_the_outcome_and_both_are_audited(goal, coordinator):
    first = record(goal, actor=coordinator.user)
    assert first.achievement == "met" and first.recorded_by == coordinator.user
    second = record(goal, actor=coordinator.user, achievement="partly_met", achieved_on=None,
                    note="  Walks ten steps.  ")
    assert second.pk == first.pk and second.note == "Walks ten steps."
    assert GoalOutcome.objects.filter(goal=goal).count() == 1
    assert second.history.count() == 2
    events = AuditEvent.objects.filter(object_type="careplans.GoalOutcome",
                                       object_id=str(first.pk)).order_by("pk")
    assert [e.action for e in events] == [Action.CREATE, Action.UPDATE]
    assert events[0].member_id == goal.plan.member_id


def test_a_goal_of_a_superseded_version_may_be_recorded(goal, member, coordinator):
    draft = services.care_plan_start(member=member)
    services.care_plan_update(plan=draft, values={"meeting_on": TODAY}, rows={})
    services.care_plan_finalize(plan=draft, finalized_on=TODAY)
    goal.plan.refresh_from_db()
    assert goal.plan.status == "superseded"
    assert record(goal).achievement == "met"


def test_a_goal_of_a_draft_is_refused(member):
    draft = services.care_plan_start(member=member)
    services.care_plan_update(plan=draft, values={}, rows={"goals": [
        {"id": None, "kind": "social", "term": "short", "description": "Join a club",
         "target_date": TODAY}]})
    reasons = refusal(draft.goals.get())
    assert "draft" in " ".join(reasons["__all__"])


def test_dates_are_refused_next_to_their_field(goal):
    tomorrow = TODAY + timedelta(days=1)
    assert "future" in refusal(goal, assessed_on=tomorrow)["assessed_on"][0]
    assert "future" in refusal(goal, achieved_on=tomorrow, assessed_on=tomorrow)[
        "achieved_on"][0]
    assert "met" in refusal(goal, achieved_on=None)["achieved_on"][0]
    assert "after" in refusal(goal, achieved_on=TODAY, assessed_on=TODAY - timedelta(days=1))[
        "achieved_on"][0]
    assert "only for a goal that was met" in refusal(goal, achievement="not_met")[
        "achieved_on"][0]
    assert "finalized" in refusal(goal, achieved_on=None, achievement="not_met",
                                  assessed_on=TODAY - timedelta(days=30))["assessed_on"][0]
    assert refusal(goal, achievement="done")["achievement"]


# --- The page -----------------------------------------------------------------------------------

def url(goal) -> str:
    return reverse("careplans:goal_outcome", args=[goal.plan.member_id, goal.pk])


def test_the_coordinator_records_it_and_the_icp_page_says_it(goal, coordinator):
    client = sign_in(Client(), coordinator.user)
    plan_url = reverse("careplans:plan", args=[goal.plan.member_id, goal.plan_id])
    before = client.get(plan_url).content.decode()
    assert "not recorded yet" in before and url(goal) in before
    response = client.post(url(goal), {"achievement": "met", "achieved_on": TODAY.isoformat(),
                                       "assessed_on": TODAY.isoformat(), "note": ""})
    assert response.status_code == 302
    page = client.get(plan_url).content.decode()
    assert "Met" in page and f"met on {TODAY.isoformat()}" in page


def test_a_refusal_is_shown_next_to_the_field(goal, coordinator):
    client = sign_in(Client(), coordinator.user)
    response = client.post(url(goal), {"achievement": "met", "achieved_on": "",
                                       "assessed_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "Give the day the goal was met." in response.content.decode()
    assert response.context["form"].errors["achieved_on"]
    assert not GoalOutcome.objects.exists()


def test_family_support_staff_see_the_outcome_but_may_not_record_it(goal, member,
                                                                   coordinator):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    member_services.care_team_set(member=member, on=TODAY - timedelta(days=20), team=[
        (coordinator, "care_coordinator"), (family, "family_support")])
    record(goal)
    client = sign_in(Client(), family.user)
    page = client.get(reverse("careplans:plan", args=[member.pk, goal.plan_id]))
    assert page.status_code == 200
    assert "Met" in page.content.decode() and url(goal) not in page.content.decode()
    assert client.get(url(goal)).status_code == 403
    assert client.post(url(goal), {"achievement": "not_met",
                                   "assessed_on": TODAY.isoformat()}).status_code == 403
    assert GoalOutcome.objects.get().achievement == "met"


def test_managers_may_record_outsiders_and_other_members_goals_may_not(goal, coordinator):
    manager = sign_in(Client(), make_staff("senior_care_manager").user)
    assert manager.get(url(goal)).status_code == 200
    outsider = sign_in(Client(), make_staff("care_coordinator").user)
    assert outsider.get(url(goal)).status_code == 404
    other = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=20))
    own = sign_in(Client(), coordinator.user)
    wrong = reverse("careplans:goal_outcome", args=[other.pk, goal.pk])
    assert own.get(wrong).status_code == 404
