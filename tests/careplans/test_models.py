"""The careplans models package (assessment, plan, emergency, sharing): the query sets the
member-level pages read through (a referral names a goal of the finalized ICP; a monitoring
review names an ICP finalized since)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans import services
from careplans.models import CarePlan, CarePlanStatus, Goal
from tests.factories import finalized_care_plan, ready_care_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_goals_of_the_finalized_icp_only(member, coordinator):
    final = finalized_care_plan(member, coordinator, on=TODAY - timedelta(days=5))
    draft = services.care_plan_start(member=member)
    goals = list(Goal.objects.in_finalized_plan_of(member.pk))
    assert goals and {g.plan_id for g in goals} == {final.pk}
    assert not Goal.objects.filter(pk__in=[g.pk for g in goals], plan=draft).exists()
    assert goals[0].plan.status == CarePlanStatus.FINALIZED  # loaded with its plan
    assert not Goal.objects.in_finalized_plan_of(member.pk + 1000).exists()


def test_a_member_without_a_finalized_icp_has_no_goals_to_name(member):
    ready_care_plan(member)
    assert not Goal.objects.in_finalized_plan_of(member.pk).exists()


def test_versions_finalized_on_or_after_a_day_by_version(member, coordinator):
    first = finalized_care_plan(member, coordinator, on=TODAY - timedelta(days=10))
    draft = services.care_plan_start(member=member)
    services.care_plan_update(plan=draft, values={"meeting_on": TODAY - timedelta(days=3)})
    second = services.care_plan_finalize(plan=draft, finalized_on=TODAY - timedelta(days=3))
    services.care_plan_start(member=member)  # a draft never counts
    since = CarePlan.objects.finalized_on_or_after
    assert list(since(member.pk, TODAY - timedelta(days=10))) == [first, second]
    assert list(since(member.pk, TODAY - timedelta(days=3))) == [second]
    assert list(since(member.pk, TODAY)) == []
