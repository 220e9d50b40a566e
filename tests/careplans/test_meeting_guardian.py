"""The care planning meeting's parent, guardian or authorized health-care decision-maker
(PS VI.A.1, VI.A.1.c.1): required while the member is under 18 and, at any age, whenever the
record shows a guardian, health-care proxy or other legal decision-maker. Age alone never
removes the requirement; finalizing refuses a plan that misses it."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import CarePlanParticipant, CarePlanStatus
from cares.base.toolkit import Refusal
from members.models import Guardian
from tests.factories import completed_assessment, enrolled_member, ready_care_plan, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
RULE = "PS VI.A.1, VI.A.1.c.1"


def plan_without_family(coordinator, *, age: int, guardians=()):
    """A complete draft ICP for a member ``age`` years old at today's meeting, with
    ``guardians`` ((name, legal authority), ...) on record and no parent, guardian or
    decision-maker among the meeting's participants."""
    member = enrolled_member(coordinator, referral_date=TODAY - relativedelta(days=10),
                             date_of_birth=TODAY - relativedelta(years=age, days=30))
    for name, authority in guardians:
        Guardian.objects.create(member=member, name=name, relationship="mother",
                                legal_authority=authority, phone="617-555-0199")
    completed_assessment(member, coordinator)
    plan = ready_care_plan(member, meeting_on=TODAY)
    CarePlanParticipant.objects.filter(plan=plan, kind="parent_guardian").delete()
    return plan


def refused_messages(plan, coordinator) -> list[str]:
    with pytest.raises(Refusal) as refused:
        services.care_plan_finalize(plan=plan, finalized_on=TODAY, actor=coordinator.user)
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.DRAFT and plan.finalized_on is None
    return refused.value.messages


@pytest.mark.parametrize(("authority", "shown"), [
    ("guardian", "court-appointed legal guardian"),
    ("health_care_proxy", "health care proxy"),
    ("authorized_representative", "authorized representative"),
])
def test_an_adult_with_a_legal_decision_maker_on_record_needs_them_at_the_meeting(
        coordinator, authority, shown):
    plan = plan_without_family(coordinator, age=19, guardians=[("Ana Example", authority)])
    [message] = refused_messages(plan, coordinator)
    assert message == (
        "Missing: a parent, guardian or authorized health care decision-maker among the "
        "participants of the care planning meeting (the record shows a legal decision-maker "
        f"for the member: Ana Example ({shown})) ({RULE})")


def test_an_adult_without_a_legal_decision_maker_may_meet_without_family(coordinator):
    plan = plan_without_family(coordinator, age=19)
    finalized = services.care_plan_finalize(plan=plan, finalized_on=TODAY,
                                            actor=coordinator.user)
    assert finalized.status == CarePlanStatus.FINALIZED


@pytest.mark.parametrize("authority", ["none", "parent"])
def test_a_contact_without_legal_authority_sets_no_requirement_for_an_adult(coordinator,
                                                                           authority):
    """"Contact only", and a parent's custody, which ends at 18, give no legal authority
    over an adult member."""
    plan = plan_without_family(coordinator, age=19, guardians=[("Ana Example", authority)])
    assert services.care_plan_missing(plan, TODAY) == []
    services.care_plan_finalize(plan=plan, finalized_on=TODAY, actor=coordinator.user)


@pytest.mark.parametrize("kind", ["parent_guardian", "decision_maker"])
def test_the_decision_maker_taking_part_meets_it_for_an_adult(coordinator, kind):
    plan = plan_without_family(coordinator, age=20,
                               guardians=[("Ana Example", "health_care_proxy")])
    CarePlanParticipant.objects.create(plan=plan, kind=kind, name="Ana Example",
                                       relationship="mother")
    finalized = services.care_plan_finalize(plan=plan, finalized_on=TODAY,
                                            actor=coordinator.user)
    assert finalized.status == CarePlanStatus.FINALIZED


@pytest.mark.parametrize("guardians", [(), [("Ana Example", "none")]])
def test_a_minor_always_needs_a_parent_guardian_or_decision_maker(coordinator, guardians):
    plan = plan_without_family(coordinator, age=17, guardians=guardians)
    [message] = refused_messages(plan, coordinator)
    assert message == (
        "Missing: a parent, guardian or authorized health care decision-maker among the "
        "participants of the care planning meeting (the member was under 18 on the day of the "
        f"meeting) ({RULE})")


def test_the_age_that_counts_is_the_age_at_the_meeting(coordinator):
    """17 at the meeting, 18 when the plan is finalized: still required."""
    member = enrolled_member(coordinator, referral_date=TODAY - relativedelta(days=20),
                             date_of_birth=TODAY - relativedelta(years=18, days=5))
    completed_assessment(member, coordinator, completed_on=TODAY - relativedelta(days=10))
    plan = ready_care_plan(member, meeting_on=TODAY - relativedelta(days=10))
    CarePlanParticipant.objects.filter(plan=plan, kind="parent_guardian").delete()
    assert [m.key for m in services.care_plan_missing(plan, TODAY)] == ["meeting_guardian"]


def test_the_finalize_page_shows_the_rule(client, coordinator):
    plan = plan_without_family(coordinator, age=19, guardians=[("Ana Example", "guardian")])
    sign_in(client, coordinator.user)
    url = reverse("careplans:plan_finalize", args=[plan.member_id, plan.pk])
    page = client.get(url).content.decode()
    assert "the record shows a legal decision-maker for the member: Ana Example" in page
    response = client.post(url, {"finalized_on": TODAY.isoformat()})
    assert response.status_code == 200
    [refusal] = response.context["refused"]
    assert "authorized health care decision-maker" in refusal and RULE in refusal
    assert RULE in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.DRAFT
