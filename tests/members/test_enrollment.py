"""Enrollment and the care team (``members.services.enrollment``, PS VIII, VI.B.1.a): the
designated primary contact and the care team's history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cares.base.staff.models import StaffProfile
from cares.base.staff.services import staff_save
from members import services
from members.models import CareTeamMember, Episode
from tests.factories import RoleAssignmentFactory, enrolled_member, make_staff
from tests.members.lifecycle_support import (
    REFERRED_ON,
    S,
    consented_episode,
    enroll,
    refused,
    status_of,
)

pytestmark = pytest.mark.django_db


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
