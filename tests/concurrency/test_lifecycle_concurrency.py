"""Issue 13.3 and "proven, not promised": on PostgreSQL, 8 people submit the same lifecycle
step at the same moment. Exactly one takes effect; every other one gets the ordinary refusal
(``Refusal`` with a message), never an IntegrityError or a 500; the status-change
history holds one row for the move. Also ICP finalize and the closing step of reading 12."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from careplans import services as careplans
from careplans.models import CarePlan, CarePlanStatus
from members import services
from members.models import (
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Member,
    Removal,
)
from tests.concurrency.race import failures, postgres_only, race, successes
from tests.factories import (
    MemberFactory,
    completed_assessment,
    enrolled_member,
    make_staff,
    ready_care_plan,
)

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()
S = EpisodeStatus


@pytest.fixture
def coordinator(queued_tasks):
    return make_staff("care_coordinator")


def referred_episode(coordinator, days_ago=20) -> Episode:
    return services.intake_create(member=MemberFactory(),
                                  referral_date=TODAY - timedelta(days=days_ago),
                                  referral_source="pcp", assigned_to=coordinator)


def fresh(episode) -> Episode:
    return Episode.objects.get(pk=episode.pk)


def only_clean_refusals(results, expected_winners=1):
    assert len(successes(results)) == expected_winners, results
    for exc in failures(results):
        assert isinstance(exc, ValidationError), repr(exc)
        assert exc.messages and all(m.strip() for m in exc.messages)


def moves(episode, to_status) -> int:
    return EpisodeStatusChange.objects.filter(episode=episode, to_status=to_status).count()


def evaluate(pk, evaluator, eligible=True):
    return services.eligibility_record(
        episode=Episode.objects.get(pk=pk), evaluated_on=TODAY - timedelta(days=5),
        evaluator=evaluator, criteria=["under_21", "masshealth"], eligible=eligible,
        rationale="Race test.")


def consent(pk):
    day = TODAY - timedelta(days=4)
    return services.engagement_record(
        episode=Episode.objects.get(pk=pk), educated_on=day, education_mode="telehealth",
        rights_given_on=day, choice_explained_on=day, consent_on=day,
        consent_by="Parent Example", consent_relationship="mother")


def test_eligibility_yes_and_no_at_once_one_evaluation(coordinator):
    episode = referred_episode(coordinator)
    fns = [lambda i=i: evaluate(episode.pk, coordinator, eligible=i % 2 == 0) for i in range(8)]
    only_clean_refusals(race(fns))
    assert EligibilityEvaluation.objects.filter(episode=episode).count() == 1
    evaluation = EligibilityEvaluation.objects.get(episode=episode)
    assert fresh(episode).status == (S.ELIGIBLE if evaluation.eligible else S.INELIGIBLE)
    assert EpisodeStatusChange.objects.filter(episode=episode).count() == 2  # referred + one


def test_consent_once(coordinator):
    episode = referred_episode(coordinator)
    evaluate(episode.pk, coordinator)
    only_clean_refusals(race(lambda: consent(episode.pk)))
    assert Engagement.objects.filter(episode=episode).count() == 1
    assert moves(episode, S.CONSENTED) == 1


def test_enroll_once(coordinator):
    episode = referred_episode(coordinator)
    evaluate(episode.pk, coordinator)
    consent(episode.pk)
    results = race(lambda: services.enrollment_create(
        episode=Episode.objects.get(pk=episode.pk), effective_date=TODAY - timedelta(days=3),
        primary_contact=coordinator))
    only_clean_refusals(results)
    assert moves(episode, S.ENROLLED) == 1
    assert fresh(episode).status == S.ENROLLED


def test_close_before_enrollment_once(coordinator):
    episode = referred_episode(coordinator)
    fns = [lambda r=r: services.episode_close(
        episode=Episode.objects.get(pk=episode.pk), closed_on=TODAY, closing_reason=r,
        closing_note="Race test.") for r in ("declined", "withdrew", "unreachable", "declined") * 2]
    only_clean_refusals(race(fns))
    assert moves(episode, S.CLOSED_UNENROLLED) == 1


def test_close_and_enroll_at_once_one_wins(coordinator):
    episode = referred_episode(coordinator)
    evaluate(episode.pk, coordinator)
    consent(episode.pk)
    fns = [lambda: services.enrollment_create(
        episode=Episode.objects.get(pk=episode.pk), effective_date=TODAY - timedelta(days=3),
        primary_contact=coordinator),
        lambda: services.episode_close(episode=Episode.objects.get(pk=episode.pk),
                                       closed_on=TODAY, closing_reason="declined",
                                       closing_note="Race.")] * 4
    only_clean_refusals(race(fns))
    stored = fresh(episode)
    assert stored.status in (S.ENROLLED, S.CLOSED_UNENROLLED)
    assert not (stored.closed_on and stored.effective_date)


def test_removal_and_termination_once(coordinator):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=90))
    episode = services.current_episode(member)
    only_clean_refusals(race(lambda: services.removal_initiate(
        episode=Episode.objects.get(pk=episode.pk), initiated_on=TODAY - timedelta(days=2),
        reason="goals_met", planned_termination_date=TODAY)))
    assert Removal.objects.filter(episode=episode).count() == 1
    assert moves(episode, S.REMOVAL_INITIATED) == 1
    removal = Removal.objects.get(episode=episode)
    services.aftercare_update(removal=removal, completed_on=TODAY,
                              consent_signed_on=TODAY, consent_signed_by="Parent",
                              recommendations="PT", referrals="None", services_in_place="PT",
                              medications="None")
    only_clean_refusals(race(lambda: services.termination_complete(
        episode=Episode.objects.get(pk=episode.pk), termination_date=TODAY)))
    assert moves(episode, S.TERMINATED) == 1


def test_re_referral_once(coordinator):
    episode = referred_episode(coordinator)
    services.episode_close(episode=episode, closed_on=TODAY - timedelta(days=1),
                           closing_reason="unreachable", closing_note="No answer.")
    member = Member.objects.get(pk=episode.member_id)
    only_clean_refusals(race(lambda: services.referral_create(
        member=Member.objects.get(pk=member.pk), referral_date=TODAY,
        referral_source="family")))
    assert member.episodes.count() == 2


def test_icp_finalize_once(coordinator):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=30))
    completed_assessment(member, coordinator, completed_on=TODAY - timedelta(days=2))
    plan = ready_care_plan(member, meeting_on=TODAY - timedelta(days=1))
    only_clean_refusals(race(lambda: careplans.care_plan_finalize(
        plan=CarePlan.objects.get(pk=plan.pk), finalized_on=TODAY)))
    assert CarePlan.objects.filter(member=member, status=CarePlanStatus.FINALIZED).count() == 1
