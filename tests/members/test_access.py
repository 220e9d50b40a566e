"""Care-team scoping (cares.base.access): who sees which members, and who may change them."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cares.base.audit.break_glass import break_glass_open
from cares.base.staff.models import StaffProfile, User
from cares.base.staff.services import staff_save, staff_sync_groups
from members import services
from members.access import may_change_member, member_for, visible_members
from tests.factories import (
    MemberFactory,
    RoleAssignmentFactory,
    enrolled_member,
    make_director,
    make_staff,
)

pytestmark = pytest.mark.django_db


def fresh(staff) -> User:
    """The staff member's user as a new request loads it (no cached permissions)."""
    return User.objects.get(pk=staff.user.pk)


def visible(staff) -> set:
    return set(visible_members(fresh(staff)))


@pytest.fixture
def world(db):
    coordinator = make_staff("care_coordinator")
    helper = make_staff("family_support", caregiver_of_special_needs_youth=True)
    other = make_staff("care_coordinator")
    ours = enrolled_member(coordinator)
    services.care_team_set(member=ours, on=date(2026, 2, 1),
                           team=[(coordinator, "care_coordinator"), (helper, "family_support")])
    theirs = enrolled_member(other)
    referred_only = MemberFactory()
    return {"coordinator": coordinator, "helper": helper, "other": other, "ours": ours,
            "theirs": theirs, "referred_only": referred_only,
            "everyone": {ours, theirs, referred_only}}


# --- visible_members -------------------------------------------------------------------------

def test_program_director_sees_every_member(world):
    assert visible(make_director()) == world["everyone"]


def test_senior_care_manager_sees_every_member(world):
    manager = make_staff("senior_care_manager", credentials=("RN",))
    assert visible(manager) == world["everyone"]


def test_care_coordinator_sees_only_their_current_care_teams(world):
    assert visible(world["coordinator"]) == {world["ours"]}
    assert visible(world["other"]) == {world["theirs"]}


def test_family_support_staff_see_only_their_current_care_teams(world):
    assert visible(world["helper"]) == {world["ours"]}


def test_a_coordinator_on_two_teams_sees_both(world):
    services.care_team_set(member=world["theirs"], on=date(2026, 3, 1),
                           team=[(world["other"], "care_coordinator"),
                                 (world["coordinator"], "care_coordinator")])
    assert visible(world["coordinator"]) == {world["ours"], world["theirs"]}


def test_staff_who_left_the_team_no_longer_see_the_member(world):
    services.care_team_set(member=world["ours"], on=date(2026, 3, 1),
                           team=[(world["coordinator"], "care_coordinator")])
    assert visible(world["helper"]) == set()
    assert visible(world["coordinator"]) == {world["ours"]}
    services.care_team_set(member=world["ours"], on=date(2026, 4, 1),
                           team=[(world["other"], "care_coordinator")])
    assert visible(world["coordinator"]) == set()
    assert visible(world["other"]) == {world["ours"], world["theirs"]}


def test_being_primary_contact_of_an_old_episode_is_not_enough(world):
    """Scoping is by current care-team membership only."""
    services.care_team_set(member=world["ours"], on=date(2026, 3, 1), team=[])
    assert world["coordinator"] == services.current_episode(world["ours"]).primary_contact
    assert visible(world["coordinator"]) == set()


def test_senior_medical_professional_sees_no_member(world):
    doctor = make_staff("senior_medical_professional", credentials=("MD",))
    assert visible(doctor) == set()


def test_an_inactive_coordinator_sees_no_member_even_on_the_team(world):
    gone = make_staff("care_coordinator")
    services.care_team_set(member=world["ours"], on=date(2026, 3, 1),
                           team=[(world["coordinator"], "care_coordinator"),
                                 (gone, "care_coordinator")])
    # Only the profile flag, flipped outside the services: the access layer still says no.
    StaffProfile.objects.filter(pk=gone.pk).update(active=False)
    assert fresh(gone).is_active  # the account itself was left active
    assert visible(gone) == set()


def test_a_coordinator_deactivated_through_the_staff_service_sees_no_member(world):
    coordinator = world["coordinator"]
    coordinator.active = False
    staff_save(user=coordinator.user, profile=coordinator, credentials=[], trainings=[],
               roles=list(coordinator.roles.all()))
    assert visible(StaffProfile.objects.get(pk=coordinator.pk)) == set()


@pytest.mark.parametrize("role", ["senior_care_manager", "program_director"])
def test_a_manager_deactivated_through_the_staff_service_sees_no_member(world, role):
    manager = make_director() if role == "program_director" else make_staff(
        "senior_care_manager", credentials=("RN",))
    manager.active = False
    staff_save(user=manager.user, profile=manager, credentials=list(manager.credentials.all()),
               trainings=[], roles=list(manager.roles.all()))
    assert visible(StaffProfile.objects.get(pk=manager.pk)) == set()


@pytest.mark.parametrize("role", ["senior_care_manager", "program_director"])
def test_an_inactive_manager_sees_no_member(world, role):
    if role == "program_director":
        manager = make_director()
        StaffProfile.objects.filter(pk=manager.pk).update(active=False)
    else:
        manager = make_staff("senior_care_manager", credentials=("RN",))
        StaffProfile.objects.filter(pk=manager.pk).update(active=False)
    assert fresh(manager).is_active  # only the profile flag, flipped outside the services
    assert visible(StaffProfile.objects.get(pk=manager.pk)) == set()


def test_a_user_without_a_staff_profile_or_role_sees_no_member(world):
    nobody = User.objects.create_user("nobody@staff.example", "x-long-password-1",
                                      first_name="No", last_name="Body")
    assert set(visible_members(nobody)) == set()
    assert set(visible_members(AnonymousUser())) == set()


def test_family_support_staff_who_is_also_a_coordinator_keeps_team_scoping(world):
    helper = world["helper"]
    RoleAssignmentFactory(staff=helper, role="care_coordinator")
    staff_sync_groups(profile=helper)
    assert visible(helper) == {world["ours"]}


# --- member_for ------------------------------------------------------------------------------

def test_member_for_returns_a_member_on_ones_team(world):
    assert member_for(fresh(world["coordinator"]), world["ours"].pk) == world["ours"]
    assert member_for(fresh(world["helper"]), world["ours"].pk) == world["ours"]


def test_member_for_raises_404_for_a_member_outside_ones_team(world):
    for staff in (world["coordinator"], world["helper"]):
        with pytest.raises(Http404):
            member_for(fresh(staff), world["theirs"].pk)
        with pytest.raises(Http404):
            member_for(fresh(staff), world["theirs"].pk, change=True)


def test_member_for_raises_404_for_a_member_that_does_not_exist(world):
    with pytest.raises(Http404):
        member_for(fresh(make_director()), 999_999)


def test_member_for_change_by_family_support_on_the_team_is_403(world):
    with pytest.raises(PermissionDenied):
        member_for(fresh(world["helper"]), world["ours"].pk, change=True)


def test_member_for_change_by_coordinator_on_the_team_is_allowed(world):
    assert member_for(fresh(world["coordinator"]), world["ours"].pk,
                      change=True) == world["ours"]


@pytest.mark.parametrize("who", ["director", "senior_care_manager"])
def test_member_for_change_by_a_manager_is_allowed_for_any_member(world, who):
    staff = make_director() if who == "director" else make_staff(
        "senior_care_manager", credentials=("RN",))
    for member in world["everyone"]:
        assert member_for(fresh(staff), member.pk, change=True) == member


def test_member_for_by_a_senior_medical_professional_is_404(world):
    doctor = make_staff("senior_medical_professional", credentials=("MD",))
    with pytest.raises(Http404):
        member_for(fresh(doctor), world["ours"].pk)


def test_member_for_after_leaving_the_team_is_404(world):
    services.care_team_set(member=world["ours"], on=date(2026, 3, 1),
                           team=[(world["coordinator"], "care_coordinator")])
    with pytest.raises(Http404):
        member_for(fresh(world["helper"]), world["ours"].pk)


def test_may_change_member_is_write_access_without_break_glass(world):
    ours = world["ours"]
    assert may_change_member(fresh(world["coordinator"]), ours)
    assert not may_change_member(fresh(world["helper"]), ours)  # reads only
    assert not may_change_member(fresh(world["other"]), ours)
    break_glass_open(user=fresh(world["other"]), member=ours,
                     reason="Mother called: child in the ED, team unreachable.")
    assert member_for(fresh(world["other"]), ours.pk) == ours
    assert not may_change_member(fresh(world["other"]), ours)  # break-glass: read only
    assert may_change_member(fresh(make_director()), ours)
