"""The member lifecycle (PS VIII, IX): every legal move is recorded with its date and author;
every refusal says why and writes nothing. The age and date rules across the steps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cares.base.toolkit import Refusal
from members import services
from members.models import CareTeamMember, EligibilityEvaluation, Episode, Removal, RemovalReason
from tests.factories import MemberFactory, ProviderFactory, enrolled_member, make_staff
from tests.members.lifecycle_support import (
    ALL_ELEMENTS,
    COMPLETE_PLAN,
    REFERRED_ON,
    S,
    consent,
    consented_episode,
    enroll,
    episode_of,
    evaluate,
    refer,
    refused,
    removal_under_way,
    remove,
    status_of,
    tomorrow,
)

pytestmark = pytest.mark.django_db


# --- the pipeline ----------------------------------------------------------------------------

def test_full_pipeline_records_every_move_with_its_date_and_author(coordinator):
    actor = coordinator.user
    member = MemberFactory()
    episode = refer(member, actor=actor, referring_entity="Example PCP",
                    referring_contact=ProviderFactory())
    assert episode.status == S.REFERRED and episode.is_open
    evaluation = evaluate(episode, coordinator, on=date(2026, 1, 15), actor=actor)
    assert evaluation.eligible and evaluation.evaluator == coordinator
    assert status_of(episode) == S.ELIGIBLE
    consent(episode, educated_on=date(2026, 1, 18), on=date(2026, 1, 20), actor=actor)
    assert status_of(episode) == S.CONSENTED
    enroll(episode, coordinator, on=date(2026, 2, 1), actor=actor)
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.status, stored.effective_date, stored.primary_contact) == (
        S.ENROLLED, date(2026, 2, 1), coordinator)
    removal = remove(episode, on=date(2026, 6, 1), actor=actor)
    assert status_of(episode) == S.REMOVAL_INITIATED
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 5), **COMPLETE_PLAN)
    services.termination_complete(episode=episode, termination_date=date(2026, 7, 1),
                                  actor=actor)
    stored = Episode.objects.get(pk=episode.pk)
    assert stored.status == S.TERMINATED and not stored.is_open
    assert stored.termination_date == date(2026, 7, 1)
    assert [(c.from_status, c.to_status, c.on, c.changed_by)
            for c in stored.status_changes.all()] == [
        ("", S.REFERRED, REFERRED_ON, actor),
        (S.REFERRED, S.ELIGIBLE, date(2026, 1, 15), actor),
        (S.ELIGIBLE, S.CONSENTED, date(2026, 1, 20), actor),
        (S.CONSENTED, S.ENROLLED, date(2026, 2, 1), actor),
        (S.ENROLLED, S.REMOVAL_INITIATED, date(2026, 6, 1), actor),
        (S.REMOVAL_INITIATED, S.TERMINATED, date(2026, 7, 1), actor),
    ]


def test_negative_evaluation_closes_the_episode(coordinator):
    episode = refer()
    evaluation = evaluate(episode, coordinator, eligible=False,
                          rationale="  Conditions managed by PCP alone.  ")
    assert evaluation.rationale == "Conditions managed by PCP alone."
    stored = Episode.objects.get(pk=episode.pk)
    assert stored.status == S.INELIGIBLE and not stored.is_open
    change = stored.status_changes.last()
    assert (change.from_status, change.to_status, change.on) == (
        S.REFERRED, S.INELIGIBLE, REFERRED_ON)


def test_enrollment_without_an_evaluation_is_refused(coordinator):
    episode = refer()
    with refused("Enrollment needs a positive eligibility evaluation and consent",
                 "no eligibility evaluation yet"):
        enroll(episode, coordinator)
    assert status_of(episode) == S.REFERRED


def test_enrollment_without_consent_is_refused(coordinator):
    episode = refer()
    evaluate(episode, coordinator)
    with refused("no consent to receive services yet"):
        enroll(episode, coordinator)
    assert status_of(episode) == S.ELIGIBLE
    assert Episode.objects.get(pk=episode.pk).primary_contact is None


def test_enrollment_after_a_negative_evaluation_is_refused(coordinator):
    episode = refer()
    evaluate(episode, coordinator, eligible=False)
    with refused("the evaluation found the member not eligible"):
        enroll(episode, coordinator)


def test_enrolling_twice_is_refused(coordinator):
    episode = episode_of(enrolled_member(coordinator))
    with refused("This episode is already enrolled"):
        enroll(episode, coordinator, on=date(2026, 2, 1))


def test_consent_after_a_negative_evaluation_is_refused(coordinator):
    episode = refer()
    evaluate(episode, coordinator, eligible=False)
    with refused("Consent follows a positive eligibility evaluation",
                 "evaluated: not eligible"):
        consent(episode)
    assert status_of(episode) == S.INELIGIBLE


def test_consent_before_any_evaluation_is_refused(coordinator):
    episode = refer()
    with refused("Consent follows a positive eligibility evaluation; this episode is referred"):
        consent(episode)


def test_evaluating_twice_is_refused(coordinator):
    episode = refer()
    evaluate(episode, coordinator)
    with refused("Eligibility is evaluated once"):
        evaluate(episode, coordinator, eligible=False)
    assert status_of(episode) == S.ELIGIBLE
    assert EligibilityEvaluation.objects.filter(episode=episode).count() == 1


def test_evaluation_needs_criteria_rationale_and_a_date_after_referral(coordinator):
    episode = refer()
    with refused("Record the criteria considered", "Record the rationale",
                 "before the referral date (2026-01-10)"):
        services.eligibility_record(episode=episode, evaluated_on=date(2026, 1, 9),
                                    evaluator=coordinator, criteria=[], eligible=True,
                                    rationale="   ")


@pytest.mark.parametrize("evaluator", ["family_support", "inactive coordinator"])
def test_evaluator_must_be_active_clinical_staff(evaluator):
    if evaluator == "family_support":
        staff = make_staff("family_support")
    else:
        staff = make_staff("care_coordinator", active=False)
    episode = refer()
    with refused(f"{staff} is not an active clinical staff member"):
        evaluate(episode, staff)


@pytest.mark.parametrize("stage", ["referred", "eligible", "consented"])
def test_removal_of_a_member_who_is_not_enrolled_is_refused(coordinator, stage):
    episode = refer()
    if stage != "referred":
        evaluate(episode, coordinator)
    if stage == "consented":
        consent(episode)
    with refused("Only an enrolled member's assignment can be removed", stage):
        remove(episode)
    assert status_of(episode) == stage


def test_removal_cannot_start_before_enrollment_or_end_before_it_starts(coordinator):
    episode = episode_of(enrolled_member(coordinator, referral_date=date(2026, 2, 1)))
    with refused("Removal cannot start before the enrollment effective date"):
        remove(episode, on=date(2026, 1, 31))
    with refused("The termination date cannot be before removal was initiated"):
        remove(episode, on=date(2026, 6, 1), planned=date(2026, 5, 31))


def test_removal_cannot_be_initiated_twice(coordinator):
    removal = removal_under_way(coordinator)
    with refused("Only an enrolled member's assignment can be removed", "removal initiated"):
        remove(removal.episode, on=date(2026, 6, 2))


def test_termination_without_removal_is_refused(coordinator):
    episode = episode_of(enrolled_member(coordinator))
    with refused("Start the removal of assignment first; this episode is enrolled"):
        services.termination_complete(episode=episode, termination_date=date(2026, 6, 1))
    stored = Episode.objects.get(pk=episode.pk)
    assert stored.status == S.ENROLLED and stored.termination_date is None


def test_termination_without_an_aftercare_plan_lists_every_missing_element(coordinator):
    removal = removal_under_way(coordinator)
    with refused("The aftercare/transition plan is missing", *ALL_ELEMENTS,
                 "signed consent form", "care recommendations", "referrals to other",
                 "services in place", "medications") as exc:
        services.termination_complete(episode=removal.episode,
                                      termination_date=date(2026, 7, 1))
    assert len(exc.value.messages) == 1
    assert status_of(removal.episode) == S.REMOVAL_INITIATED


def test_termination_with_a_partial_plan_lists_only_what_is_missing(coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **{
        **COMPLETE_PLAN, "consent_signed_by": "", "medications": ""})
    with refused("PS IX.B.1", "PS IX.B.5") as exc:
        services.termination_complete(episode=removal.episode,
                                      termination_date=date(2026, 7, 1))
    text = " ".join(exc.value.messages)
    for present in ("PS IX.B.2", "PS IX.B.3", "PS IX.B.4"):
        assert present not in text


def test_termination_with_a_complete_plan_succeeds_and_keeps_the_care_team(coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **COMPLETE_PLAN)
    episode = services.termination_complete(episode=removal.episode,
                                            termination_date=date(2026, 7, 1))
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.status, stored.termination_date) == (S.TERMINATED, date(2026, 7, 1))
    # The team still owes the termination letter (PS IX.C).
    assert CareTeamMember.objects.filter(member=stored.member, staff=coordinator,
                                         until__isnull=True).exists()


def test_termination_cannot_predate_the_removal(coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **COMPLETE_PLAN)
    with refused("The termination date cannot be before removal was initiated"):
        services.termination_complete(episode=removal.episode,
                                      termination_date=date(2026, 5, 31))


def test_terminated_episode_moves_nowhere(coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **COMPLETE_PLAN)
    episode = services.termination_complete(episode=removal.episode,
                                            termination_date=date(2026, 7, 1))
    with refused("Start the removal of assignment first; this episode is terminated"):
        services.termination_complete(episode=episode, termination_date=date(2026, 7, 2))
    with refused("Only an enrolled member's assignment can be removed"):
        remove(episode, on=date(2026, 7, 2))
    with refused("The aftercare plan is edited only while removal is under way"):
        services.aftercare_update(removal=Removal.objects.get(pk=removal.pk), medications="")


# --- age rules -------------------------------------------------------------------------------

BORN = date(2004, 3, 10)  # 21 on 2025-03-10


def test_referral_the_day_before_the_21st_birthday_is_accepted():
    member = MemberFactory(date_of_birth=BORN)
    last_day = BORN + relativedelta(years=21) - timedelta(days=1)
    assert relativedelta(last_day, BORN).years == 20
    episode = refer(member, on=last_day)
    assert episode.status == S.REFERRED


def test_referral_on_the_21st_birthday_is_refused():
    member = MemberFactory(date_of_birth=BORN)
    with refused("must be under 21 on the referral date", "turned 21 on 2025-03-10"):
        refer(member, on=BORN + relativedelta(years=21))


def test_referral_before_the_date_of_birth_is_refused():
    member = MemberFactory(date_of_birth=date(2025, 5, 1))
    with refused("before the member's date of birth"):
        refer(member, on=date(2025, 4, 30))
    assert refer(member, on=date(2025, 5, 1)).status == S.REFERRED  # the day of birth is fine


def test_enrollment_is_refused_if_the_member_is_21_on_the_effective_date(coordinator):
    member = MemberFactory(date_of_birth=date(2005, 3, 1))  # 21 on 2026-03-01
    episode = consented_episode(coordinator, member)
    with refused("The member is 21 or older on the effective date"):
        enroll(episode, coordinator, on=date(2026, 3, 1))
    assert status_of(episode) == S.CONSENTED
    enroll(episode, coordinator, on=date(2026, 2, 28))
    assert status_of(episode) == S.ENROLLED


SEVENTEEN = {"date_of_birth": date(2008, 6, 1)}  # 18 on 2026-06-01; enrolled 2026-01-10


def test_independent_choice_is_refused_at_17(coordinator):
    episode = episode_of(enrolled_member(coordinator, **SEVENTEEN))
    with refused("Independent choice (PS IX.A.8)", "the member is 17"):
        remove(episode, on=date(2026, 5, 31), reason=RemovalReason.INDEPENDENT_CHOICE)
    assert status_of(episode) == S.ENROLLED


@pytest.mark.parametrize("flag", ["member_is_pregnant", "member_is_parent",
                                  "member_is_married"])
def test_independent_choice_at_17_is_allowed_for_a_pregnant_parent_or_married_member(
        coordinator, flag):
    episode = episode_of(enrolled_member(coordinator, **SEVENTEEN))
    removal = remove(episode, on=date(2026, 5, 31), reason=RemovalReason.INDEPENDENT_CHOICE,
                     **{flag: True})
    assert getattr(removal, flag) is True
    assert status_of(episode) == S.REMOVAL_INITIATED
    # ... and the same reason still holds at termination.
    services.aftercare_update(removal=removal, **COMPLETE_PLAN)
    services.termination_complete(episode=episode, termination_date=date(2026, 6, 30))
    assert status_of(episode) == S.TERMINATED


def test_independent_choice_is_allowed_on_the_18th_birthday(coordinator):
    episode = episode_of(enrolled_member(coordinator, **SEVENTEEN))
    remove(episode, on=date(2026, 6, 1), reason=RemovalReason.INDEPENDENT_CHOICE)
    assert status_of(episode) == S.REMOVAL_INITIATED


TURNS_21 = {"date_of_birth": date(2005, 3, 1)}  # 21 on 2026-03-01; enrolled 2026-01-10


@pytest.mark.parametrize("reason", [r for r in RemovalReason
                                    if r != RemovalReason.NO_LONGER_ELIGIBLE])
def test_a_member_who_is_21_can_only_be_removed_as_no_longer_eligible(coordinator, reason):
    episode = episode_of(enrolled_member(coordinator, **TURNS_21))
    with refused("The member is 21: removal must give the reason 'no longer eligible'"):
        remove(episode, on=date(2026, 3, 1), reason=reason)
    assert status_of(episode) == S.ENROLLED


def test_a_member_who_is_21_is_removed_as_no_longer_eligible(coordinator):
    episode = episode_of(enrolled_member(coordinator, **TURNS_21))
    remove(episode, on=date(2026, 3, 1), reason=RemovalReason.NO_LONGER_ELIGIBLE)
    assert status_of(episode) == S.REMOVAL_INITIATED


def test_the_day_before_the_21st_birthday_any_reason_may_be_given(coordinator):
    episode = episode_of(enrolled_member(coordinator, **TURNS_21))
    remove(episode, on=date(2026, 2, 28), reason=RemovalReason.GOALS_MET,
           planned=date(2026, 2, 28))
    assert status_of(episode) == S.REMOVAL_INITIATED


def test_a_removal_planned_past_the_21st_birthday_must_be_no_longer_eligible(coordinator):
    episode = episode_of(enrolled_member(coordinator, **TURNS_21))
    with refused("The member is 21 on the planned termination date (2026-03-01)"):
        services.removal_initiate(episode=episode, initiated_on=date(2026, 2, 20),
                                  reason=RemovalReason.GOALS_MET,
                                  planned_termination_date=date(2026, 3, 1))
    assert status_of(episode) == S.ENROLLED
    removal = services.removal_initiate(episode=episode, initiated_on=date(2026, 2, 20),
                                        reason=RemovalReason.GOALS_MET,
                                        planned_termination_date=date(2026, 2, 28))
    with refused("The member is 21 on the planned termination date (2026-03-05)"):
        services.aftercare_update(removal=removal, planned_termination_date=date(2026, 3, 5))
    removal.refresh_from_db()
    assert removal.planned_termination_date == date(2026, 2, 28)


def _referral_dates():
    """Any date in a wide window, or one within a few days of the 21st birthday."""
    return st.one_of(
        st.just(None),
        st.dates(min_value=date(1995, 1, 1), max_value=date(2031, 12, 31)),
    )


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(born=st.dates(min_value=date(2000, 1, 1), max_value=date(2027, 12, 31)),
       near_21=st.integers(min_value=-3, max_value=3),
       anywhere=_referral_dates())
@example(born=date(2004, 2, 29), near_21=-1, anywhere=None)
@example(born=date(2004, 2, 29), near_21=0, anywhere=None)
@example(born=date(2004, 2, 29), near_21=1, anywhere=None)
@example(born=date(2020, 1, 1), near_21=0, anywhere=date(2019, 12, 31))
def test_referral_succeeds_exactly_when_the_member_is_under_21_on_that_date(
        born, near_21, anywhere):
    referral_date = (anywhere if anywhere is not None
                     else born + relativedelta(years=21) + timedelta(days=near_21))
    today = timezone.localdate()
    expected = born <= referral_date <= today and referral_date < born + relativedelta(years=21)
    with transaction.atomic():
        member = MemberFactory(date_of_birth=born)
        episodes = Episode.objects.count()
        try:
            refer(member, on=referral_date)
        except Refusal:
            accepted = False
            assert Episode.objects.count() == episodes
        else:
            accepted = True
        transaction.set_rollback(True)
    assert accepted == expected, (born, referral_date)


# --- dates -----------------------------------------------------------------------------------

def test_future_referral_is_refused():
    member = MemberFactory()
    with refused("The referral date cannot be in the future"):
        refer(member, on=tomorrow())


def test_future_evaluation_is_refused(coordinator):
    episode = refer(on=timezone.localdate())
    with refused("The evaluation date cannot be in the future"):
        evaluate(episode, coordinator, on=tomorrow())


def test_future_consent_is_refused(coordinator):
    episode = refer(on=timezone.localdate())
    evaluate(episode, coordinator)
    with refused("The consent date cannot be in the future"):
        consent(episode, educated_on=timezone.localdate(), on=tomorrow())
    assert status_of(episode) == S.ELIGIBLE


def test_future_removal_is_refused(coordinator):
    episode = episode_of(enrolled_member(coordinator))
    with refused("The date removal was initiated cannot be in the future"):
        remove(episode, on=tomorrow())


@pytest.mark.parametrize("step", ["educated_on", "rights_given_on", "choice_explained_on"])
def test_consent_before_education_rights_or_choice_is_refused(coordinator, step):
    episode = refer()
    evaluate(episode, coordinator)
    dates = {"educated_on": date(2026, 1, 15), "rights_given_on": date(2026, 1, 15),
             "choice_explained_on": date(2026, 1, 15)}
    dates[step] = date(2026, 1, 20)
    with refused("Consent comes after the family was educated about CARES"):
        services.engagement_record(episode=episode, education_mode="telehealth",
                                   consent_on=date(2026, 1, 18), consent_by="Parent Example",
                                   consent_relationship="mother", **dates)
    assert status_of(episode) == S.ELIGIBLE


def test_engagement_before_referral_or_without_a_name_is_refused(coordinator):
    episode = refer()
    evaluate(episode, coordinator)
    with refused("The education date is before the referral date", "Record who gave consent"):
        consent(episode, educated_on=date(2026, 1, 9), on=date(2026, 1, 12), consent_by="  ")


def test_effective_date_before_consent_is_refused(coordinator):
    episode = refer()
    evaluate(episode, coordinator)
    consent(episode, on=date(2026, 1, 20))
    with refused("The effective date is before consent was given (2026-01-20)"):
        enroll(episode, coordinator, on=date(2026, 1, 19))
    assert status_of(episode) == S.CONSENTED
    enroll(episode, coordinator, on=date(2026, 1, 20))
    assert status_of(episode) == S.ENROLLED
