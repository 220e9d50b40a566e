"""The member lifecycle (PS VIII, IX): every legal move is recorded with its date and author;
every refusal says why and writes nothing."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cares.base.staff.models import StaffProfile
from cares.base.staff.services import staff_save
from members import services
from members.models import (
    CareTeamMember,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Member,
    ReleaseOfInformation,
    Removal,
    RemovalReason,
)
from members.services import LifecycleError
from tests.factories import (
    MemberFactory,
    ProviderFactory,
    RoleAssignmentFactory,
    enrolled_member,
    make_staff,
)

pytestmark = pytest.mark.django_db

REFERRED_ON = date(2026, 1, 10)
S = EpisodeStatus

COMPLETE_PLAN = {
    "consent_signed_on": date(2026, 6, 3),
    "consent_signed_by": "Parent Example",
    "recommendations": "Keep the PCP visits every three months; family peer support group.",
    "referrals": "Adult neurology at Example Medical Center.",
    "services_in_place": "PT twice weekly (Example Therapy); nursing 10 h/week (Example CSN).",
    "medications": "Levetiracetam 500 mg twice daily (drowsiness); G-tube feeds; wheelchair.",
}
ALL_ELEMENTS = ("PS IX.B.1", "PS IX.B.2", "PS IX.B.3", "PS IX.B.4", "PS IX.B.5")


# --- helpers ---------------------------------------------------------------------------------

def counts() -> dict[str, int]:
    models = (Member, Episode, EpisodeStatusChange, EligibilityEvaluation, Engagement,
              CareTeamMember, Removal, ReleaseOfInformation)
    found = {m.__name__: m.objects.count() for m in models}
    found.update({f"history:{m.__name__}": m.history.count() for m in models
                  if hasattr(m, "history")})
    return found


@contextmanager
def refused(*fragments: str, error=LifecycleError):
    """Expect a refusal whose messages contain every fragment, with the database unchanged."""
    before = counts()
    with pytest.raises(error) as exc:
        yield exc
    assert counts() == before, "a refusal wrote to the database"
    text = " ".join(exc.value.messages)
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def status_of(episode: Episode) -> str:
    return Episode.objects.get(pk=episode.pk).status


def refer(member=None, on=REFERRED_ON, **kwargs) -> Episode:
    return services.referral_create(member=member or MemberFactory(), referral_date=on,
                                    referral_source="pcp", **kwargs)


def evaluate(episode, evaluator, on=None, eligible=True, **kwargs):
    return services.eligibility_record(
        episode=episode, evaluated_on=on or episode.referral_date, evaluator=evaluator,
        criteria=["under_21", "masshealth", "medical_complexity"], eligible=eligible,
        rationale=kwargs.pop("rationale", "Three systems involved; daily nursing needs."),
        **kwargs)


def consent(episode, on=None, educated_on=None, **kwargs):
    on = on or episode.referral_date
    educated_on = educated_on or on
    return services.engagement_record(
        episode=episode, educated_on=educated_on, education_mode="face_to_face",
        rights_given_on=kwargs.pop("rights_given_on", educated_on),
        choice_explained_on=kwargs.pop("choice_explained_on", educated_on), consent_on=on,
        consent_by=kwargs.pop("consent_by", "Parent Example"), consent_relationship="mother",
        **kwargs)


def enroll(episode, contact, on=None, **kwargs):
    return services.enrollment_create(episode=episode, effective_date=on or episode.referral_date,
                                      primary_contact=contact, **kwargs)


def consented_episode(evaluator, member=None, on=REFERRED_ON) -> Episode:
    episode = refer(member, on=on)
    evaluate(episode, evaluator)
    consent(episode)
    return episode


def remove(episode, on=date(2026, 6, 1), reason=RemovalReason.GOALS_MET, planned=None,
           **kwargs):
    return services.removal_initiate(episode=episode, initiated_on=on, reason=reason,
                                     planned_termination_date=planned or on + timedelta(days=30),
                                     **kwargs)


def episode_of(member) -> Episode:
    return services.current_episode(member)


def removal_under_way(coordinator, **member_fields) -> Removal:
    member = enrolled_member(coordinator, **member_fields)
    return remove(episode_of(member))


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


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
        except LifecycleError:
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


# --- the designated primary contact (PS VI.B.1.a) ----------------------------------------------

def test_a_qualified_senior_care_manager_can_be_the_primary_contact():
    manager = make_staff("senior_care_manager", credentials=("RN",))
    episode = consented_episode(manager)
    enroll(episode, manager)
    assert Episode.objects.get(pk=episode.pk).primary_contact == manager
    assert list(CareTeamMember.objects.filter(member=episode.member)
                .values_list("staff", "role")) == [(manager.pk, "senior_care_manager")]


def test_family_support_staff_cannot_be_the_primary_contact(coordinator):
    helper = make_staff("family_support", caregiver_of_special_needs_youth=True)
    episode = consented_episode(coordinator)
    with refused(f"{helper} is neither a care coordinator nor a senior care manager",
                 "PS VI.B.1.a"):
        enroll(episode, helper)
    assert status_of(episode) == S.CONSENTED


def test_a_senior_medical_professional_cannot_be_the_primary_contact(coordinator):
    doctor = make_staff("senior_medical_professional", credentials=("MD",))
    episode = consented_episode(coordinator)
    with refused(f"{doctor} is neither a care coordinator nor a senior care manager"):
        enroll(episode, doctor)


def test_an_inactive_care_coordinator_cannot_be_the_primary_contact(coordinator):
    gone = make_staff("care_coordinator", active=False)
    episode = consented_episode(coordinator)
    with refused(f"{gone} is not active"):
        enroll(episode, gone)


def test_a_care_coordinator_who_fails_the_role_check_cannot_be_the_primary_contact(coordinator):
    # make_staff bypasses the qualification check: associate's degree + 1 year with the
    # target population is not enough (PS IV.B.3.a); general experience does not count.
    unqualified = make_staff("care_coordinator", education="associate",
                             target_population_years=Decimal("1"),
                             relevant_experience_years=Decimal("5"))
    episode = consented_episode(coordinator)
    with refused(f"{unqualified} cannot be the primary contact",
                 "Care coordinator (PS IV.B.3.a)",
                 "with an associate's degree needs at least 2 years of relevant experience "
                 "with the target population", "(has 1; 1 more needed)"):
        enroll(episode, unqualified)


def test_backup_coverage_alone_does_not_make_a_primary_contact(coordinator):
    backup = make_staff(None)
    RoleAssignmentFactory(staff=backup, role="care_coordinator", is_backup=True)
    episode = consented_episode(coordinator)
    with refused(f"{backup} is neither a care coordinator nor a senior care manager"):
        enroll(episode, backup)


def test_a_senior_care_manager_who_also_backs_up_coordinators_joins_as_senior_care_manager(
        coordinator):
    manager = make_staff("senior_care_manager", credentials=("RN",))
    RoleAssignmentFactory(staff=manager, role="care_coordinator", is_backup=True)
    episode = consented_episode(coordinator)
    enroll(episode, manager)
    assert list(CareTeamMember.objects.filter(member=episode.member)
                .values_list("role", flat=True)) == ["senior_care_manager"]


def test_care_team_entries_must_be_active_and_hold_their_role(coordinator):
    helper = make_staff("family_support")
    gone = make_staff("family_support", active=False)
    episode = consented_episode(coordinator)
    with refused(f"{helper} does not hold the senior medical professional role",
                 f"{gone} is not active"):
        enroll(episode, coordinator, team=[(helper, "senior_medical_professional"),
                                           (gone, "family_support")])


# --- re-referral -----------------------------------------------------------------------------

def _advance(episode, coordinator, stage):
    steps = [lambda: evaluate(episode, coordinator), lambda: consent(episode),
             lambda: enroll(episode, coordinator), lambda: remove(episode)]
    order = ["referred", "eligible", "consented", "enrolled", "removal_initiated"]
    for step in steps[:order.index(stage)]:
        step()


@pytest.mark.parametrize("stage", ["referred", "eligible", "consented", "enrolled",
                                   "removal_initiated"])
def test_re_referral_while_an_episode_is_open_is_refused(coordinator, stage):
    episode = refer()
    _advance(episode, coordinator, stage)
    assert status_of(episode) == stage
    with refused("The member already has an open episode",
                 "remove the assignment before a new referral"):
        refer(episode.member, on=date(2026, 6, 15))


def _terminated(coordinator) -> Episode:
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 20), **COMPLETE_PLAN)
    return services.termination_complete(episode=removal.episode,
                                         termination_date=date(2026, 7, 1))


def _frozen(episode: Episode):
    stored = Episode.objects.get(pk=episode.pk)
    return (
        {f.attname: getattr(stored, f.attname) for f in Episode._meta.concrete_fields},
        list(stored.status_changes.values_list("from_status", "to_status", "on")),
        list(stored.evaluations.values_list("pk", "eligible")),
        stored.engagement.pk, stored.removal.pk, stored.removal.plan_completed_on,
    )


def test_re_referral_after_termination_starts_a_new_episode_and_keeps_the_old(coordinator):
    old = _terminated(coordinator)
    before = _frozen(old)
    new = refer(old.member, on=date(2026, 8, 1))
    assert new.pk != old.pk and new.status == S.REFERRED
    assert services.current_episode(old.member) == new
    assert _frozen(old) == before
    assert list(old.member.episodes.values_list("status", flat=True)) == [
        S.REFERRED, S.TERMINATED]
    # The new episode runs its own course.
    evaluate(new, coordinator)
    assert status_of(new) == S.ELIGIBLE and status_of(old) == S.TERMINATED


def test_re_referral_cannot_predate_the_previous_termination(coordinator):
    old = _terminated(coordinator)
    with refused("A new referral cannot predate the previous termination (2026-07-01)"):
        refer(old.member, on=date(2026, 6, 30))


def test_re_referral_after_a_negative_evaluation_is_allowed(coordinator):
    old = refer()
    evaluate(old, coordinator, eligible=False)
    new = refer(old.member, on=date(2026, 3, 1))
    assert new.status == S.REFERRED
    assert status_of(old) == S.INELIGIBLE
    assert services.current_episode(old.member) == new


# --- member record and intake ----------------------------------------------------------------

def test_intake_with_an_invalid_member_saves_nothing():
    member = MemberFactory.build(masshealth_id="12345")
    with refused(error=ValidationError) as exc:
        services.intake_create(member=member, referral_date=REFERRED_ON,
                               referral_source="pcp")
    assert "masshealth_id" in exc.value.message_dict


def test_intake_of_a_member_over_21_saves_neither_member_nor_episode():
    member = MemberFactory.build(date_of_birth=date(2000, 1, 1))
    with refused("must be under 21"):
        services.intake_create(member=member, referral_date=REFERRED_ON,
                               referral_source="pcp")
    assert member.pk is None


def test_intake_saves_member_and_referral_together(coordinator):
    member = MemberFactory.build()
    episode = services.intake_create(member=member, referral_date=REFERRED_ON,
                                     referral_source="family", actor=coordinator.user)
    assert member.pk and episode.member == member
    assert episode.status_changes.get().changed_by == coordinator.user


def test_duplicate_masshealth_id_is_refused():
    MemberFactory(masshealth_id="123456789012")
    with refused(error=ValidationError) as exc:
        services.member_save(member=MemberFactory.build(masshealth_id="123456789012"))
    assert exc.value.message_dict["masshealth_id"] == [
        "Another member already has this MassHealth ID."]


# --- care team -------------------------------------------------------------------------------

def test_enrollment_puts_the_primary_contact_and_the_team_on_the_care_team(coordinator):
    helper = make_staff("family_support")
    doctor = make_staff("senior_medical_professional", credentials=("MD",))
    episode = consented_episode(coordinator)
    enroll(episode, coordinator, on=date(2026, 1, 12),
           team=[(helper, "family_support"), (doctor, "senior_medical_professional")])
    team = CareTeamMember.objects.filter(member=episode.member)
    assert sorted(team.values_list("staff", "role", "since", "until")) == sorted([
        (coordinator.pk, "care_coordinator", date(2026, 1, 12), None),
        (helper.pk, "family_support", date(2026, 1, 12), None),
        (doctor.pk, "senior_medical_professional", date(2026, 1, 12), None),
    ])


def test_care_team_set_replaces_the_team_and_ends_departed_memberships(coordinator):
    helper = make_staff("family_support")
    member = enrolled_member(coordinator)
    services.care_team_set(member=member, on=date(2026, 2, 1),
                           team=[(coordinator, "care_coordinator"), (helper, "family_support")])
    successor = make_staff("care_coordinator")
    services.care_team_set(member=member, on=date(2026, 3, 1),
                           team=[(successor, "care_coordinator"), (helper, "family_support")])
    rows = sorted(CareTeamMember.objects.filter(member=member)
                  .values_list("staff", "role", "since", "until"))
    assert rows == sorted([
        (coordinator.pk, "care_coordinator", REFERRED_ON, date(2026, 3, 1)),
        (helper.pk, "family_support", date(2026, 2, 1), None),  # kept, since unchanged
        (successor.pk, "care_coordinator", date(2026, 3, 1), None),
    ])


def test_care_team_set_with_the_same_team_changes_nothing(coordinator):
    member = enrolled_member(coordinator)
    before = list(CareTeamMember.objects.filter(member=member).values())
    services.care_team_set(member=member, on=date(2026, 4, 1),
                           team=[(coordinator, "care_coordinator")])
    assert list(CareTeamMember.objects.filter(member=member).values()) == before


def test_care_team_set_with_a_new_role_ends_the_old_membership(coordinator):
    member = enrolled_member(coordinator)
    RoleAssignmentFactory(staff=coordinator, role="family_support")
    services.care_team_set(member=member, on=date(2026, 4, 1),
                           team=[(coordinator, "family_support")])
    assert sorted(CareTeamMember.objects.filter(member=member)
                  .values_list("role", "since", "until")) == [
        ("care_coordinator", REFERRED_ON, date(2026, 4, 1)),
        ("family_support", date(2026, 4, 1), None),
    ]


def test_care_team_set_with_nobody_ends_every_membership(coordinator):
    member = enrolled_member(coordinator)
    services.care_team_set(member=member, on=date(2026, 4, 1), team=[])
    assert not CareTeamMember.objects.filter(member=member, until__isnull=True).exists()
    assert CareTeamMember.objects.get(member=member).until == date(2026, 4, 1)


# --- the aftercare/transition plan (PS IX.B) ----------------------------------------------------

def test_a_new_removal_misses_every_element_with_its_citation(coordinator):
    removal = removal_under_way(coordinator)
    missing = removal.missing_elements()
    assert len(missing) == 5
    for text, cite in zip(missing, ALL_ELEMENTS, strict=True):
        assert text.endswith(f"({cite})")
    assert removal.plan_completed_on is None and not removal.plan_complete


@pytest.mark.parametrize("blank", ["consent_signed_on", "consent_signed_by", "recommendations",
                                   "referrals", "services_in_place", "medications"])
def test_missing_elements_lists_exactly_the_missing_one(coordinator, blank):
    removal = removal_under_way(coordinator)
    value = None if blank == "consent_signed_on" else "   "
    services.aftercare_update(removal=removal, **{**COMPLETE_PLAN, blank: value})
    cite = {"consent_signed_on": "PS IX.B.1", "consent_signed_by": "PS IX.B.1",
            "recommendations": "PS IX.B.2", "referrals": "PS IX.B.3",
            "services_in_place": "PS IX.B.4", "medications": "PS IX.B.5"}[blank]
    missing = Removal.objects.get(pk=removal.pk).missing_elements()
    assert len(missing) == 1 and missing[0].endswith(f"({cite})")
    assert Removal.objects.get(pk=removal.pk).plan_completed_on is None


def test_plan_completed_on_is_set_when_complete_kept_on_edits_and_cleared_when_blanked(
        coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 10),
                              **{**COMPLETE_PLAN, "medications": ""})
    assert Removal.objects.get(pk=removal.pk).plan_completed_on is None
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 12),
                              medications=COMPLETE_PLAN["medications"])
    assert Removal.objects.get(pk=removal.pk).plan_completed_on == date(2026, 6, 12)
    # A later edit keeps the completion date.
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 20),
                              referrals="None needed")
    stored = Removal.objects.get(pk=removal.pk)
    assert (stored.plan_completed_on, stored.referrals) == (date(2026, 6, 12), "None needed")
    # Blanking an element clears it.
    services.aftercare_update(removal=removal, services_in_place="  ")
    stored = Removal.objects.get(pk=removal.pk)
    assert stored.plan_completed_on is None
    assert stored.missing_elements() == [
        "services in place after removal and their providers (PS IX.B.4)"]


def test_plan_completed_on_defaults_to_today(coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **COMPLETE_PLAN)
    assert Removal.objects.get(pk=removal.pk).plan_completed_on == timezone.localdate()


def test_aftercare_refusals_write_nothing(coordinator):
    removal = removal_under_way(coordinator)
    with refused("The consent signature date cannot be in the future"):
        services.aftercare_update(removal=removal, **{**COMPLETE_PLAN,
                                                      "consent_signed_on": tomorrow()})
    with refused("The termination date cannot be before removal was initiated"):
        services.aftercare_update(removal=Removal.objects.get(pk=removal.pk),
                                  planned_termination_date=date(2026, 5, 1))
    stored = Removal.objects.get(pk=removal.pk)
    assert stored.recommendations == "" and stored.plan_completed_on is None
    with pytest.raises(ValueError, match="not aftercare fields"):
        services.aftercare_update(removal=stored, reason=RemovalReason.GOALS_MET)


# --- releases of information -----------------------------------------------------------------

def release(member=None, **fields) -> ReleaseOfInformation:
    values = {"party": "Example Public Schools", "purpose": "IEP coordination",
              "scope": "Care plan and diagnoses", "signed_on": date(2026, 1, 10),
              "signed_by": "Parent Example", "expires_on": date(2027, 1, 9), **fields}
    return ReleaseOfInformation(member=member or MemberFactory(), **values)


def test_release_status_through_its_life():
    saved = services.release_save(release=release())
    assert saved.status_on(date(2026, 1, 9)) == "not_yet"
    assert saved.status_on(date(2026, 1, 10)) == "in_force"
    assert saved.status_on(date(2027, 1, 9)) == "in_force"  # the expiry date itself
    assert saved.in_force(date(2027, 1, 9))
    assert saved.status_on(date(2027, 1, 10)) == "expired"
    assert not saved.in_force(date(2027, 1, 10))
    services.release_revoke(release=saved, revoked_on=date(2026, 5, 1))
    stored = ReleaseOfInformation.objects.get(pk=saved.pk)
    assert stored.status_on(date(2026, 4, 30)) == "in_force"
    assert stored.status_on(date(2026, 5, 1)) == "revoked"
    assert stored.status_on(date(2027, 6, 1)) == "revoked"


def test_release_expiring_before_it_was_signed_is_refused():
    unsaved = release(expires_on=date(2026, 1, 9))
    with refused("The release expires before it was signed"):
        services.release_save(release=unsaved)
    assert unsaved.pk is None


def test_release_signed_in_the_future_is_refused():
    unsaved = release(signed_on=tomorrow(), expires_on=tomorrow() + timedelta(days=365))
    with refused("The signature date cannot be in the future"):
        services.release_save(release=unsaved)


def test_revoking_a_release_twice_is_refused():
    saved = services.release_save(release=release())
    services.release_revoke(release=saved, revoked_on=date(2026, 5, 1))
    with refused("This release was already revoked on 2026-05-01"):
        services.release_revoke(release=ReleaseOfInformation.objects.get(pk=saved.pk),
                                revoked_on=date(2026, 6, 1))
    assert ReleaseOfInformation.objects.get(pk=saved.pk).revoked_on == date(2026, 5, 1)


def test_revoking_before_the_signature_is_refused():
    saved = services.release_save(release=release())
    with refused("cannot be revoked before it was signed"):
        services.release_revoke(release=saved, revoked_on=date(2026, 1, 9))
    assert ReleaseOfInformation.objects.get(pk=saved.pk).revoked_on is None


# --- deactivation through the staff service also takes effect here ---------------------------

def test_a_coordinator_deactivated_through_staff_save_cannot_be_the_primary_contact(
        coordinator):
    leaving = make_staff("care_coordinator")
    leaving.active = False
    staff_save(user=leaving.user, profile=leaving, credentials=[], trainings=[],
               roles=list(leaving.roles.all()))
    episode = consented_episode(coordinator)
    with refused(f"{leaving} is not active"):
        enroll(episode, StaffProfile.objects.get(pk=leaving.pk))
