"""Comprehensive assessments and reassessments (PS VI.A.1.a-b): a draft until completed, with
every section its kind needs and the information sources consulted; completed ones never
change; completing one refreshes the member's deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans import services
from careplans.models import Assessment, AssessmentSource, FrozenRecordError
from cares.base.toolkit import Refusal
from cares.deadlines.models import Deadline
from tests.factories import (
    ASSESSMENT_TEXT,
    completed_assessment,
    finalized_care_plan,
    make_staff,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOURCES = [{"id": None, "kind": "parent_guardian", "name": "Lan Nguyễn", "consulted_on": TODAY},
           {"id": None, "kind": "educator", "name": "Ms. Example", "consulted_on": TODAY}]


def test_an_assessment_is_a_draft_until_completed(member, coordinator):
    assessment = services.assessment_create(member=member, kind="initial")
    assert assessment.is_draft and assessment.completed_on is None
    services.assessment_update(assessment=assessment, values=dict(ASSESSMENT_TEXT),
                               sources=SOURCES)
    assert Assessment.objects.get(pk=assessment.pk).is_draft
    done = services.assessment_complete(assessment=assessment, completed_on=TODAY,
                                        completed_by=coordinator)
    assert (done.completed_on, done.completed_by) == (TODAY, coordinator)
    assert done.sources.count() == 2


def test_completing_lists_every_missing_section(member, coordinator):
    assessment = services.assessment_create(member=member, kind="initial")
    with pytest.raises(Refusal) as refused:
        services.assessment_complete(assessment=assessment, completed_on=TODAY,
                                     completed_by=coordinator)
    text = "\n".join(refused.value.messages)
    for section in ("Medical history", "Behavioral history", "Social", "Educational",
                    "Emotional", "activities of daily living (ADLs)", "Developmental",
                    "Current services", "Medications", "Allergies",
                    "Durable medical equipment (DME)", "Needs identified"):
        assert f"the section: {section}" in text or section in text, section
    for domain in ("housing", "nutrition", "utilities", "transportation"):
        assert f"screen for {domain}" in text
    assert "receives SNAP" in text and "receives WIC" in text
    assert "information sources consulted" in text
    assert "parent/guardian among the sources" in text
    assert Assessment.objects.get(pk=assessment.pk).is_draft


@pytest.mark.parametrize("field", [f for f in ASSESSMENT_TEXT if not f.endswith("_notes")])
def test_each_section_is_required_for_a_full_assessment(member, coordinator, field):
    assessment = services.assessment_create(member=member, kind="initial")
    values = dict(ASSESSMENT_TEXT, **{field: ""})
    services.assessment_update(assessment=assessment, values=values, sources=SOURCES)
    missing = services.assessment_missing_for(assessment, TODAY)
    assert [m.key for m in missing] == [field]


def test_the_family_must_be_among_the_sources(member, coordinator):
    assessment = services.assessment_create(member=member, kind="initial")
    services.assessment_update(assessment=assessment, values=dict(ASSESSMENT_TEXT),
                               sources=[SOURCES[1]])
    assert [m.key for m in services.assessment_missing_for(assessment, TODAY)] == [
        "family_source"]


def test_sources_cannot_postdate_the_completion(member, coordinator):
    assessment = services.assessment_create(member=member, kind="initial")
    services.assessment_update(assessment=assessment, values=dict(ASSESSMENT_TEXT),
                               sources=SOURCES)
    with pytest.raises(Refusal, match="on or before the completion date"):
        services.assessment_complete(assessment=assessment,
                                     completed_on=TODAY - timedelta(days=1),
                                     completed_by=coordinator)


def test_reassessments_follow_a_completed_assessment(member, coordinator):
    with pytest.raises(Refusal, match="start with the initial assessment"):
        services.assessment_create(member=member, kind="annual")
    completed_assessment(member, coordinator, completed_on=TODAY - timedelta(days=5))
    abbreviated = services.assessment_create(member=member, kind="abbreviated")
    missing = {m.key for m in services.assessment_missing_for(abbreviated, TODAY)}
    # No full sections for an abbreviated evaluation; its own elements instead.
    assert missing == {"continues_eligible", "current_status", "risk_rescreen", "sources",
                       "family_source"}


def test_a_significant_change_reassessment_says_what_changed(member, coordinator):
    completed_assessment(member, coordinator, completed_on=TODAY - timedelta(days=5))
    reassessment = services.assessment_create(member=member, kind="significant_change")
    services.assessment_update(assessment=reassessment, sources=SOURCES, values={
        **ASSESSMENT_TEXT, "continues_eligible": True})
    assert [m.key for m in services.assessment_missing_for(reassessment, TODAY)] == [
        "change_summary"]


def test_one_draft_at_a_time(member, coordinator):
    services.assessment_create(member=member, kind="initial")
    with pytest.raises(Refusal, match="still a draft"):
        services.assessment_create(member=member, kind="initial")


def test_only_clinical_staff_complete_an_assessment(member, coordinator):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    assessment = services.assessment_create(member=member, kind="initial")
    services.assessment_update(assessment=assessment, values=dict(ASSESSMENT_TEXT),
                               sources=SOURCES)
    with pytest.raises(Refusal, match="completed by an active care coordinator"):
        services.assessment_complete(assessment=assessment, completed_on=TODAY,
                                     completed_by=family)


def test_a_completed_assessment_never_changes(member, coordinator):
    done = completed_assessment(member, coordinator)
    with pytest.raises(Refusal, match="completed and cannot change"):
        services.assessment_update(assessment=done, values={"social": "Changed"})
    stored = Assessment.objects.get(pk=done.pk)
    stored.social = "Changed"
    with pytest.raises(FrozenRecordError):
        stored.save()
    with pytest.raises(FrozenRecordError):
        AssessmentSource.objects.create(assessment=done, kind="educator", name="Late",
                                        consulted_on=TODAY)
    assert Assessment.objects.get(pk=done.pk).social == ASSESSMENT_TEXT["social"]


def test_a_member_without_consent_is_not_assessed(coordinator):
    from members import services as member_services
    from tests.factories import MemberFactory

    episode = member_services.referral_create(member=MemberFactory(), referral_date=TODAY,
                                              referral_source="pcp")
    with pytest.raises(Refusal, match="consented to CARES services"):
        services.assessment_create(member=episode.member, kind="initial")


def test_completing_and_finalizing_refresh_the_deadlines(member, coordinator):
    def status(rule):
        return Deadline.objects.filter(member=member, rule=rule).values_list(
            "status", flat=True).first()

    assert status("initial_assessment_icp") == "open"
    completed_assessment(member, coordinator)
    assert status("initial_assessment_icp") == "open"  # the ICP is still to come
    finalized_care_plan(member, coordinator)
    assert status("initial_assessment_icp") == "met"
    assert status("icp_copies") == "open"
    assert status("annual_reassessment") == "open"
