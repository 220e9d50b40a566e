"""Reads of member records: search, caseload scopes, the turning-21 flags and the timeline."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cares.base.staff.models import User
from members import selectors, services
from members.models import Member
from members.selectors import (
    caseload,
    member_search,
    member_timeline,
    members_turning_21,
    scopes_for,
    turning_21_flag,
)
from tests.factories import MemberFactory, enrolled_member, make_director, make_staff

pytestmark = pytest.mark.django_db


def fresh(staff) -> User:
    """The staff member's user, as a new request would load it (no permission cache)."""
    return User.objects.get(pk=staff.user.pk)


def names(qs) -> list[str]:
    return sorted(m.legal_last_name for m in qs)


# --- member_search ---------------------------------------------------------------------------

@pytest.fixture
def people(db):
    return {
        "ana": MemberFactory(legal_first_name="Ana", legal_last_name="Rivera-Santos",
                             preferred_name="Nani", date_of_birth=date(2012, 3, 4),
                             masshealth_id="100200300400"),
        "ben": MemberFactory(legal_first_name="Benjamin", legal_last_name="Okafor",
                             date_of_birth=date(2010, 11, 30), masshealth_id="100299999999"),
        "chi": MemberFactory(legal_first_name="Chi", legal_last_name="Nguyen",
                             date_of_birth=date(2012, 3, 4), masshealth_id="555200300400"),
    }


@pytest.mark.parametrize(("text", "expected"), [
    ("rivera", ["Rivera-Santos"]),
    ("SANTOS", ["Rivera-Santos"]),  # any part of the name, any case
    ("nani", ["Rivera-Santos"]),  # the preferred name
    ("benj", ["Okafor"]),
    ("ana rivera", ["Rivera-Santos"]),  # every word must match
    ("ana okafor", []),
    ("  chi  ", ["Nguyen"]),
    ("zzz", []),
])
def test_search_by_any_part_of_the_name(people, text, expected):
    assert names(member_search(Member.objects.all(), text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ramirez", ["Ramírez"]),  # the accent need not be typed
    ("RAMÍREZ", ["Ramírez"]),  # nor the case
    ("jose", ["Ramírez"]),
    ("nguyen duc", ["Nguyễn"]),  # Vietnamese tones and đ
    ("Đức", ["Nguyễn"]),
    ("zoe", ["Zoë"]),
])
def test_search_ignores_accents_and_case(db, text, expected):
    MemberFactory(legal_first_name="José", legal_last_name="Ramírez")
    MemberFactory(legal_first_name="Đức", legal_last_name="Nguyễn")
    MemberFactory(legal_first_name="Zoë", legal_last_name="Zoë")
    assert names(member_search(Member.objects.all(), text)) == expected


def test_a_renamed_member_is_found_by_the_new_name(db):
    member = MemberFactory(legal_first_name="Ana", legal_last_name="Lopes")
    member.legal_last_name = "Lópes-Ibáñez"
    member.save(update_fields=["legal_last_name"])
    assert names(member_search(Member.objects.all(), "ibanez")) == ["Lópes-Ibáñez"]
    assert names(member_search(Member.objects.all(), "lopes")) == ["Lópes-Ibáñez"]


@pytest.mark.parametrize("text", ["2012-03-04", "03/04/2012", "3/4/2012"])
def test_search_by_date_of_birth(people, text):
    assert names(member_search(Member.objects.all(), text)) == ["Nguyen", "Rivera-Santos"]


@pytest.mark.parametrize(("text", "expected"), [
    ("1002", ["Okafor", "Rivera-Santos"]),
    ("100200", ["Rivera-Santos"]),
    ("100200300400", ["Rivera-Santos"]),
    ("1002 0030 0400", ["Rivera-Santos"]),
    ("5552", ["Nguyen"]),
    ("2003", []),  # a prefix, not any part of the ID
])
def test_search_by_masshealth_id_prefix(people, text, expected):
    assert names(member_search(Member.objects.all(), text)) == expected


def test_empty_search_keeps_everyone(people):
    assert names(member_search(Member.objects.all(), "   ")) == [
        "Nguyen", "Okafor", "Rivera-Santos"]


def test_search_narrows_the_queryset_it_is_given(people):
    only_ben = Member.objects.filter(pk=people["ben"].pk)
    assert names(member_search(only_ben, "1002")) == ["Okafor"]


# --- caseload scopes -------------------------------------------------------------------------

@pytest.fixture
def program(db):
    """Two coordinators with their own members, a senior care manager and a director."""
    alice = make_staff("care_coordinator")
    bob = make_staff("care_coordinator")
    manager = make_staff("senior_care_manager", credentials=("RN",))
    members = {
        "alice1": enrolled_member(alice, legal_last_name="Adams"),
        "alice2": enrolled_member(alice, legal_last_name="Avila"),
        "bob1": enrolled_member(bob, legal_last_name="Baker"),
        "manager1": enrolled_member(manager, legal_last_name="Moss"),
        "unassigned": MemberFactory(legal_last_name="Zane"),
    }
    # Alice also sits on Bob's member's team (not as primary contact).
    services.care_team_set(member=members["bob1"], on=date(2026, 2, 1),
                           team=[(bob, "care_coordinator"), (alice, "care_coordinator")])
    return {"alice": alice, "bob": bob, "manager": manager, "director": make_director(),
            **members}


def test_mine_is_the_members_one_is_primary_contact_for(program):
    assert names(caseload(fresh(program["alice"]), scope="mine")) == ["Adams", "Avila"]
    assert names(caseload(fresh(program["bob"]), scope="mine")) == ["Baker"]
    assert names(caseload(fresh(program["manager"]), scope="mine")) == ["Moss"]
    assert names(caseload(fresh(program["director"]), scope="mine")) == []


def test_team_is_the_current_care_teams(program):
    assert names(caseload(fresh(program["alice"]), scope="team")) == [
        "Adams", "Avila", "Baker"]
    assert names(caseload(fresh(program["bob"]), scope="team")) == ["Baker"]
    # After Alice leaves Baker's team it is no longer hers.
    services.care_team_set(member=program["bob1"], on=date(2026, 3, 1),
                           team=[(program["bob"], "care_coordinator")])
    assert names(caseload(fresh(program["alice"]), scope="team")) == ["Adams", "Avila"]


def test_all_is_everyone_for_those_who_may_see_all(program):
    everyone = ["Adams", "Avila", "Baker", "Moss", "Zane"]
    assert names(caseload(fresh(program["manager"]), scope="all")) == everyone
    assert names(caseload(fresh(program["director"]), scope="all")) == everyone
    assert scopes_for(fresh(program["director"])) == ("mine", "team", "all")


def test_a_coordinator_asking_for_all_gets_mine(program):
    alice = fresh(program["alice"])
    assert scopes_for(alice) == ("mine", "team")
    assert names(caseload(alice, scope="all")) == ["Adams", "Avila"]
    assert names(caseload(alice, scope="nonsense")) == ["Adams", "Avila"]


def test_caseload_rows_carry_the_current_episode(program):
    row = caseload(fresh(program["alice"]), scope="mine").get(legal_last_name="Adams")
    assert row.episode_status == "enrolled"
    assert row.episode_referral == date(2026, 1, 10)
    assert row.episode_effective == date(2026, 1, 10)
    assert (row.primary_first, row.primary_last) == (
        program["alice"].user.first_name, program["alice"].user.last_name)
    assert selectors.status_label(row.episode_status) == "Enrolled"
    unassigned = caseload(fresh(program["director"]), scope="all").get(legal_last_name="Zane")
    assert unassigned.episode_status is None
    assert selectors.status_label(None) == "No referral"


def test_caseload_search_applies_within_the_scope(program):
    assert names(caseload(fresh(program["alice"]), scope="team", text="ba")) == ["Baker"]
    assert names(caseload(fresh(program["alice"]), scope="mine", text="ba")) == []


def _re_enrolled_with(member, new_contact, old_episode):
    services.aftercare_update(
        removal=services.removal_initiate(
            episode=old_episode, initiated_on=date(2026, 3, 1), reason="goals_met",
            planned_termination_date=date(2026, 3, 31)),
        consent_signed_on=date(2026, 3, 2), consent_signed_by="Parent",
        recommendations="r", referrals="None needed", services_in_place="s", medications="m")
    services.termination_complete(episode=old_episode, termination_date=date(2026, 3, 31))
    episode = services.referral_create(member=member, referral_date=date(2026, 5, 1),
                                       referral_source="family")
    services.eligibility_record(episode=episode, evaluated_on=date(2026, 5, 1),
                                evaluator=new_contact, criteria=["under_21"], eligible=True,
                                rationale="Needs have returned.")
    services.engagement_record(episode=episode, educated_on=date(2026, 5, 1),
                               education_mode="telehealth", rights_given_on=date(2026, 5, 1),
                               choice_explained_on=date(2026, 5, 1),
                               consent_on=date(2026, 5, 1), consent_by="Parent",
                               consent_relationship="mother")
    services.enrollment_create(episode=episode, effective_date=date(2026, 5, 1),
                               primary_contact=new_contact)


def test_a_member_with_two_episodes_is_listed_once(program):
    alice = program["alice"]
    member = program["alice1"]
    _re_enrolled_with(member, alice, services.current_episode(member))
    assert member.episodes.count() == 2
    assert names(caseload(fresh(alice), scope="mine")) == ["Adams", "Avila"]
    assert names(caseload(fresh(alice), scope="team")) == ["Adams", "Avila", "Baker"]
    row = caseload(fresh(alice), scope="mine").get(pk=member.pk)
    assert (row.episode_status, row.episode_referral) == ("enrolled", date(2026, 5, 1))


def test_mine_follows_the_current_episodes_primary_contact(program):
    manager, alice = program["manager"], program["alice"]
    member = program["manager1"]
    _re_enrolled_with(member, alice, services.current_episode(member))
    assert names(caseload(fresh(alice), scope="mine")) == ["Adams", "Avila", "Moss"]
    # The senior care manager (who sees everyone) was the old episode's contact only.
    assert names(caseload(fresh(manager), scope="mine")) == []


@pytest.mark.parametrize("n", [3, 30])
def test_caseload_runs_a_bounded_number_of_queries(django_assert_max_num_queries, n):
    coordinator = make_staff("care_coordinator")
    for _ in range(n):
        enrolled_member(coordinator)
    user = fresh(coordinator)
    with django_assert_max_num_queries(5):
        rows = [(m.display_name, m.episode_status, m.episode_effective, m.primary_last)
                for m in caseload(user, scope="mine")]
    assert len(rows) == n
    user = fresh(coordinator)
    with django_assert_max_num_queries(5):
        assert len(list(caseload(user, scope="team", text=""))) == n


# --- turning 21 (PS VI.C.5, IX.A.1) ------------------------------------------------------------

BORN = date(2006, 4, 15)  # 20½ on 2026-10-15, 21 on 2027-04-15


@pytest.mark.parametrize(("on", "flag"), [
    (date(2026, 10, 14), ""),
    (date(2026, 10, 15), "approaching"),
    (date(2027, 4, 14), "approaching"),
    (date(2027, 4, 15), "aged_out"),
    (date(2028, 1, 1), "aged_out"),
])
def test_turning_21_flag(on, flag):
    member = Member(date_of_birth=BORN)
    assert member.transfer_planning_from == date(2026, 10, 15)
    assert member.birthday_21 == date(2027, 4, 15)
    assert turning_21_flag(member, on) == flag


def test_turning_21_flag_for_a_leap_day_birthday():
    member = Member(date_of_birth=date(2004, 2, 29))
    assert turning_21_flag(member, date(2025, 2, 27)) == "approaching"
    assert turning_21_flag(member, date(2025, 2, 28)) == "aged_out"


def test_members_turning_21_from_twenty_and_a_half(db):
    approaching = MemberFactory(date_of_birth=BORN)
    older = MemberFactory(date_of_birth=date(2005, 1, 1))
    MemberFactory(date_of_birth=date(2010, 1, 1))
    qs = Member.objects.all()
    assert set(members_turning_21(qs, date(2026, 10, 14))) == {older}
    assert set(members_turning_21(qs, date(2026, 10, 15))) == {older, approaching}


def test_members_turning_21_agrees_with_the_flag_at_a_month_end(db):
    member = MemberFactory(date_of_birth=date(2006, 8, 31))  # 20½ on 2027-02-28
    assert turning_21_flag(member, date(2027, 2, 28)) == "approaching"
    assert member in members_turning_21(Member.objects.all(), date(2027, 2, 28))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(born=st.dates(min_value=date(2000, 1, 1), max_value=date(2010, 12, 31)),
       on=st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31)))
@example(born=date(2006, 8, 31), on=date(2027, 2, 28))
def test_members_turning_21_lists_exactly_the_flagged_members(db, born, on):
    with transaction.atomic():
        member = MemberFactory(date_of_birth=born)
        listed = members_turning_21(Member.objects.filter(pk=member.pk), on).exists()
        transaction.set_rollback(True)
    assert listed == (turning_21_flag(member, on) != ""), (born, on)


# --- the timeline ----------------------------------------------------------------------------

def test_timeline_lists_the_lifecycle_newest_first(coordinator):
    member = MemberFactory()
    episode = services.referral_create(member=member, referral_date=date(2026, 1, 10),
                                       referral_source="pcp", actor=coordinator.user)
    services.eligibility_record(episode=episode, evaluated_on=date(2026, 1, 14),
                                evaluator=coordinator, criteria=["under_21"], eligible=True,
                                rationale="Meets criteria.")
    services.engagement_record(episode=episode, educated_on=date(2026, 1, 16),
                               education_mode="telehealth", rights_given_on=date(2026, 1, 17),
                               choice_explained_on=date(2026, 1, 18),
                               consent_on=date(2026, 1, 20), consent_by="Parent Example",
                               consent_relationship="mother")
    services.enrollment_create(episode=episode, effective_date=date(2026, 2, 1),
                               primary_contact=coordinator)
    events = member_timeline(Member.objects.get(pk=member.pk), clinical=True)
    dates = [e.on for e in events]
    assert dates == sorted(dates, reverse=True)
    titles = [(e.on, e.title) for e in events]
    for expected in [
        (date(2026, 2, 1), "Enrolled"),
        (date(2026, 2, 1), "Joined the care team"),
        (date(2026, 1, 20), "Consented"),
        (date(2026, 1, 18), "Right to choose providers explained"),
        (date(2026, 1, 17), "Rights and responsibilities given"),
        (date(2026, 1, 16), "Educated about CARES"),
        (date(2026, 1, 14), "Evaluated: eligible"),
        (date(2026, 1, 14), "Eligibility evaluated: eligible"),
        (date(2026, 1, 10), "Referred"),
    ]:
        assert expected in titles
    assert titles[-1] == (date(2026, 1, 10), "Referred")
    referred = events[-1]
    assert referred.detail == str(coordinator.user) and referred.citation == "PS VIII"


def test_timeline_includes_releases_removal_and_departures(coordinator):
    member = enrolled_member(coordinator)
    episode = services.current_episode(member)
    release = services.release_save(release=member.releases.model(
        member=member, party="Example School", purpose="IEP", scope="Care plan",
        signed_on=date(2026, 2, 1), signed_by="Parent", expires_on=date(2027, 1, 31)))
    services.release_revoke(release=release, revoked_on=date(2026, 3, 1))
    removal = services.removal_initiate(episode=episode, initiated_on=date(2026, 4, 1),
                                        reason="goals_met",
                                        planned_termination_date=date(2026, 5, 1))
    services.aftercare_update(removal=removal, completed_on=date(2026, 4, 10),
                              consent_signed_on=date(2026, 4, 2), consent_signed_by="Parent",
                              recommendations="r", referrals="None needed",
                              services_in_place="s", medications="m")
    services.care_team_set(member=member, on=date(2026, 4, 20), team=[])
    titles = [(e.on, e.title) for e in member_timeline(member, clinical=True)]
    assert titles[:7] == [
        (date(2026, 4, 20), "Left the care team"),
        (date(2026, 4, 10), "Aftercare/transition plan complete"),
        (date(2026, 4, 2), "Removal consent signed"),
        (date(2026, 4, 1), "Removal initiated"),
        (date(2026, 4, 1), "Removal of assignment initiated: "
                           f"{removal.get_reason_display()}"),
        (date(2026, 3, 1), "Release of information revoked"),
        (date(2026, 2, 1), "Release of information signed"),
    ]


def test_same_day_events_are_also_newest_first(coordinator):
    member = enrolled_member(coordinator)  # referred, evaluated, consented, enrolled 2026-01-10
    status_titles = [e.title for e in member_timeline(member, clinical=True)
                     if e.title in ("Referred", "Evaluated: eligible", "Consented", "Enrolled")]
    assert status_titles == ["Enrolled", "Consented", "Evaluated: eligible", "Referred"]


def test_timeline_keeps_both_episodes_after_re_referral(coordinator):
    member = MemberFactory()
    first = services.referral_create(member=member, referral_date=date(2026, 1, 10),
                                     referral_source="pcp")
    services.eligibility_record(episode=first, evaluated_on=date(2026, 1, 12),
                                evaluator=coordinator, criteria=["under_21"], eligible=False,
                                rationale="Not complex enough.")
    services.referral_create(member=member, referral_date=date(2026, 5, 1),
                             referral_source="specialist")
    titles = [(e.on, e.title) for e in member_timeline(member, clinical=True)]
    assert titles[0] == (date(2026, 5, 1), "Referred")
    assert (date(2026, 1, 12), "Evaluated: not eligible") in titles
    assert titles[-1] == (date(2026, 1, 10), "Referred")


def test_timeline_without_clinical_detail_leaves_out_the_rationale(coordinator):
    member = MemberFactory()
    episode = services.referral_create(member=member, referral_date=date(2026, 1, 10),
                                       referral_source="pcp")
    services.eligibility_record(episode=episode, evaluated_on=date(2026, 1, 12),
                                evaluator=coordinator, criteria=["under_21"], eligible=True,
                                rationale="Tracheostomy and seizures.")

    def evaluated(clinical):
        return next(e for e in member_timeline(member, clinical=clinical)
                    if e.title == "Eligibility evaluated: eligible")

    assert "Tracheostomy" in evaluated(True).detail
    assert evaluated(False).detail == str(coordinator)
