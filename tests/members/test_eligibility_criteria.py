"""The eligibility evaluation records, for each criterion, whether it was met and the source;
"Eligible" with no criterion met is refused (issue 16, item 14; PS I, 130 CMR 433.485)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from members import services
from members.forms import EligibilityForm
from members.models import EligibilityCriterion, EligibilityEvaluation, EpisodeStatus
from tests.factories import MemberFactory, sign_in
from tests.members.lifecycle_support import evaluate, refer, refused

pytestmark = pytest.mark.django_db


def test_met_criteria_and_their_sources_are_stored_with_every_criterion_considered(
        coordinator):
    episode = refer()
    evaluation = services.eligibility_record(
        episode=episode, evaluated_on=date(2026, 1, 12), evaluator=coordinator,
        criteria=list(EligibilityCriterion.values), criteria_met=["under_21", "masshealth"],
        sources={"under_21": " Birth certificate ", "masshealth": "MMIS check",
                 "medical_complexity": "  "},
        eligible=True, rationale="Functional limits weighed against the PT report.")
    evaluation.refresh_from_db()
    assert evaluation.criteria == list(EligibilityCriterion.values)
    assert evaluation.criteria_met == ["under_21", "masshealth"]
    assert evaluation.sources == {"under_21": "Birth certificate", "masshealth": "MMIS check"}
    labels = evaluation.criteria_labels()
    assert labels[0] == "Under 21 years of age: met (Birth certificate)"
    assert labels[2].endswith(": not met")


def test_eligible_with_no_criterion_met_is_refused(coordinator):
    episode = refer()
    with refused("“Eligible” needs at least one criterion met"):
        services.eligibility_record(
            episode=episode, evaluated_on=date(2026, 1, 12), evaluator=coordinator,
            criteria=list(EligibilityCriterion.values), criteria_met=[], eligible=True,
            rationale="None met.")
    # Not eligible with none met is a complete evaluation.
    evaluate(episode, coordinator, eligible=False, criteria_met=[])
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.INELIGIBLE


def test_an_evaluation_recorded_before_met_was_asked_still_reads():
    old = EligibilityEvaluation(criteria=["under_21", "masshealth"])
    assert old.criteria_labels() == ["Under 21 years of age", "MassHealth member"]


def test_the_form_lists_each_criterion_with_a_source_and_names_the_citation():
    form = EligibilityForm({"source_masshealth": "MMIS", "criteria": ["masshealth"]})
    html = str(form["criteria"])
    for code in EligibilityCriterion.values:
        assert f'name="source_{code}"' in html
    assert 'value="MMIS"' in html and 'value="masshealth" id="id_criteria_1" checked' in html
    assert "130 CMR 433.485" in form["criteria"].label
    assert "how each criterion not met was weighed" in form["rationale"].label


def test_the_page_stores_met_and_sources_and_refuses_eligible_with_none(client, coordinator):
    member = MemberFactory()
    episode = refer(member)
    member.care_team.create(staff=coordinator, role="care_coordinator",
                            since=episode.referral_date)
    sign_in(client, coordinator.user)
    url = reverse("members:eligibility", args=[member.pk])
    page = client.get(url).content.decode()
    assert "130 CMR 433.485" in page
    data = {"evaluated_on": "2026-01-12", "evaluator": str(coordinator.pk), "eligible": "yes",
            "rationale": "Weighed.", "source_medical_complexity": "Neurology note 2026-01-05"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "needs at least one criterion met" in response.content.decode()
    assert not EligibilityEvaluation.objects.exists()
    response = client.post(url, {**data, "criteria": ["medical_complexity"]})
    assert response.status_code == 302
    evaluation = EligibilityEvaluation.objects.get()
    assert evaluation.criteria_met == ["medical_complexity"]
    assert evaluation.sources == {"medical_complexity": "Neurology note 2026-01-05"}
    assert len(evaluation.criteria) == len(EligibilityCriterion.values)
