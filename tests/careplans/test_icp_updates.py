"""ICP updates (PS VI.A.1.b.3, VI.D.1.c; deadlines.md reading 15): a monitoring review or a
reassessment that finds the ICP must be updated starts an ``icp_update`` deadline, met by a
new ICP version finalized on or after its day; the version links back to what asked for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.forms import AssessmentForm
from careplans.models import Assessment
from careplans.updates import link_answered_requests
from cares.base.audit.models import AuditEvent
from cares.base.toolkit import Refusal
from cares.deadlines.models import Deadline
from cares.program.dashboards.actions import action_url
from members.coordination import services as coordination
from members.coordination.models import MonitoringReview
from tests.factories import (
    ASSESSMENT_TEXT,
    completed_assessment,
    enrolled_member,
    finalized_care_plan,
    sign_in,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - timedelta(days=120)  # referral, enrollment
FIRST_ICP = START + timedelta(days=15)
REVIEW = TODAY - timedelta(days=60)


def day(n: int):
    return REVIEW + timedelta(days=n)


@pytest.fixture
def member(coordinator):
    """Enrolled 120 days ago, with an initial assessment and ICP version 1."""
    member = enrolled_member(coordinator, referral_date=START)
    completed_assessment(member, coordinator, completed_on=START + timedelta(days=10))
    finalized_care_plan(member, coordinator, on=FIRST_ICP)
    return member


@pytest.fixture
def client_(client, coordinator):
    return sign_in(client, coordinator.user)


def review(member, on=REVIEW, *, needed=True, actor=None) -> MonitoringReview:
    return coordination.monitoring_review_record(
        member=member, reviewed_on=on, participants="Mother, CC", services_per_icp=True,
        services_adequate=not needed, changes_reflected=True, icp_update_needed=needed,
        actor=actor)


def reassessment(member, coordinator, on=REVIEW, **values) -> Assessment:
    return completed_assessment(member, coordinator, kind="annual", completed_on=on,
                                **values)


def new_version(member, on, actor=None):
    """A new ICP version (a copy of the one in force), finalized on ``on``."""
    draft = services.care_plan_start(member=member, actor=actor)
    services.care_plan_update(plan=draft, values={"meeting_on": on}, actor=actor)
    return services.care_plan_finalize(plan=draft, finalized_on=on, actor=actor)


def icp_updates(member) -> list[tuple]:
    return list(Deadline.objects.filter(member=member, rule="icp_update").order_by("start", "pk")
                .values_list("ref", "start", "due", "status", "satisfied_on"))


def ref(record) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


# --- Who may ask -------------------------------------------------------------------------------

def test_an_initial_assessment_cannot_ask_for_an_icp_update(coordinator):
    member = enrolled_member(coordinator, referral_date=START)
    draft = services.assessment_create(member=member, kind="initial")
    with pytest.raises(Refusal, match="Only a reassessment"):
        services.assessment_update(assessment=draft, values={
            **ASSESSMENT_TEXT, "icp_update_needed": True})
    stored = Assessment.objects.get(pk=draft.pk)
    assert not stored.icp_update_needed and stored.medical_history == ""  # nothing saved


def test_the_checkbox_is_offered_on_a_reassessment_only(client_, member):
    draft = services.assessment_create(member=member, kind="significant_change")
    edit = reverse("careplans:assessment_edit", args=[member.pk, draft.pk])
    assert 'name="icp_update_needed"' in client_.get(edit).content.decode()
    for kind in ("annual", "abbreviated"):
        assert "icp_update_needed" in AssessmentForm(instance=Assessment(kind=kind)).fields
    assert "icp_update_needed" not in AssessmentForm(
        instance=Assessment(kind="initial")).fields


def test_a_reassessment_asks_for_an_update_through_its_page(client_, member, coordinator):
    draft = services.assessment_create(member=member, kind="abbreviated")
    edit = reverse("careplans:assessment_edit", args=[member.pk, draft.pk])
    response = client_.post(edit, {
        "continues_eligible": "true", "current_status": "Stable.",
        "risk_rescreen": "New seizure type.", "icp_update_needed": "on",
        "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "0",
        "sources-0-kind": "parent_guardian", "sources-0-name": "Ana",
        "sources-0-consulted_on": REVIEW.isoformat()})
    assert response.status_code == 302, response.context["form"].errors
    assert Assessment.objects.get(pk=draft.pk).icp_update_needed
    assert icp_updates(member) == []  # a draft starts nothing
    response = client_.post(reverse("careplans:assessment_complete", args=[member.pk, draft.pk]),
                            {"completed_on": REVIEW.isoformat()})
    assert response.status_code == 302, response.context["refused"]
    assert icp_updates(member) == [(ref(draft), REVIEW, day(30), "overdue", None)]
    page = client_.get(reverse("careplans:assessment", args=[member.pk, draft.pk]))
    assert f"ICP update pending (due {day(30).isoformat()})" in page.content.decode()


# --- The deadline ------------------------------------------------------------------------------

def test_a_review_starts_the_deadline_and_a_version_on_its_own_day_meets_it(member):
    asked = review(member)
    assert icp_updates(member) == [(ref(asked), REVIEW, day(30), "overdue", None)]
    plan = new_version(member, REVIEW)
    assert icp_updates(member) == [(ref(asked), REVIEW, day(30), "met", REVIEW)]
    assert MonitoringReview.objects.get(pk=asked.pk).new_care_plan == plan


@pytest.mark.parametrize(("after", "status"), [(30, "met"), (31, "late")])
def test_day_30_is_met_and_day_31_late(member, coordinator, after, status):
    asked = review(member)
    reassessed = reassessment(member, coordinator, icp_update_needed=True)
    new_version(member, day(after))
    assert sorted(icp_updates(member)) == sorted([
        (ref(asked), REVIEW, day(30), status, day(after)),
        (ref(reassessed), REVIEW, day(30), status, day(after))])


def test_a_review_without_the_finding_starts_nothing(member, coordinator):
    review(member, needed=False)
    reassessment(member, coordinator)
    assert icp_updates(member) == []


# --- The link back -----------------------------------------------------------------------------

def test_finalizing_links_the_requests_it_answers_and_not_later_ones(member, coordinator):
    asked = review(member, actor=coordinator.user)
    reassessed = reassessment(member, coordinator, on=day(2), icp_update_needed=True)
    plan = new_version(member, day(5), actor=coordinator.user)
    later = review(member, day(10))  # after the finalization: waits for the next version
    assert MonitoringReview.objects.get(pk=asked.pk).new_care_plan == plan
    assert Assessment.objects.get(pk=reassessed.pk).new_care_plan == plan
    assert MonitoringReview.objects.get(pk=later.pk).new_care_plan is None
    assert AuditEvent.objects.filter(object_type="careplans.Assessment",
                                     object_id=str(reassessed.pk),
                                     detail__fields=["new_care_plan"]).exists()
    # Idempotent: a second pass links nothing more.
    assert link_answered_requests(plan) == 0
    statuses = {d[0]: d[3] for d in icp_updates(member)}
    assert statuses == {ref(asked): "met", ref(reassessed): "met", ref(later): "overdue"}
    nxt = new_version(member, day(12))
    assert MonitoringReview.objects.get(pk=later.pk).new_care_plan == nxt
    assert MonitoringReview.objects.get(pk=asked.pk).new_care_plan == plan  # kept


def test_a_request_dated_after_the_finalization_is_not_linked(member, coordinator):
    later = review(member, day(10))
    # Backdated: a version finalized before the review does not answer it.
    plan = new_version(member, day(5))
    assert MonitoringReview.objects.get(pk=later.pk).new_care_plan is None
    assert plan.monitoring_reviews.count() == 0
    assert icp_updates(member)[0][3] == "overdue"


def test_a_request_recorded_after_an_answering_version_is_linked_at_once(member, coordinator):
    plan = new_version(member, day(3))
    asked = review(member, day(1))  # backdated, before the version: already answered
    reassessed = reassessment(member, coordinator, on=day(2), icp_update_needed=True)
    assert asked.new_care_plan == plan and reassessed.new_care_plan == plan
    assert [d[3] for d in icp_updates(member)] == ["met", "met"]


def test_a_completed_assessment_takes_the_link_and_nothing_else(member, coordinator):
    from careplans.models import FrozenRecordError

    reassessed = reassessment(member, coordinator, icp_update_needed=True)
    stored = Assessment.objects.get(pk=reassessed.pk)
    stored.medical_history = "Changed"
    with pytest.raises(FrozenRecordError):
        stored.save(update_fields=["new_care_plan", "medical_history"])
    plan = new_version(member, day(1))
    again = Assessment.objects.get(pk=reassessed.pk)
    assert again.new_care_plan == plan
    with pytest.raises(FrozenRecordError):  # linked once
        again.save(update_fields=["new_care_plan"])


# --- Pages -------------------------------------------------------------------------------------

def test_the_pages_say_what_was_asked_and_what_answered_it(client_, member, coordinator):
    review(member)
    reassessed = reassessment(member, coordinator, on=day(2), icp_update_needed=True)
    detail = client_.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert f"ICP update pending (due {day(30).isoformat()})" in detail
    assert reverse("careplans:plan_new", args=[member.pk]) in detail
    plan = new_version(member, day(4))
    text = client_.get(reverse("careplans:plan", args=[member.pk, plan.pk])).content.decode()
    assert "This version answers:" in text
    assert f"the monitoring review of {REVIEW.isoformat()}" in text
    assert f"the reassessment of {day(2).isoformat()}" in text
    answered = f"Updated in ICP version {plan.version} (finalized {day(4).isoformat()})"
    assert answered in client_.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert answered in client_.get(reverse(
        "careplans:assessment", args=[member.pk, reassessed.pk])).content.decode()
    first = member.care_plans.get(version=1)
    assert "This version answers:" not in client_.get(
        reverse("careplans:plan", args=[member.pk, first.pk])).content.decode()


def test_record_it_starts_the_new_version(member):
    assert action_url("icp_update", member.pk) == reverse("careplans:plan_new",
                                                          args=[member.pk])
