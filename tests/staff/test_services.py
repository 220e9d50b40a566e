"""staff_save: every role is checked before anything is written; nothing is saved on refusal."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from cares.base.staff.models import (
    Credential,
    RoleAssignment,
    StaffProfile,
    Training,
    User,
)
from cares.base.staff.services import staff_save
from cares.base.toolkit import Refusal
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def new_staff(email="new@staff.example", **profile):
    user = User(email=email, first_name="Ada", last_name="Moreno")
    defaults = {"hire_date": date(2026, 1, 5), "education": "associate",
                "target_population_years": Decimal("1.9")}
    return user, StaffProfile(**{**defaults, **profile})


def test_unqualified_role_is_refused_and_nothing_is_saved():
    user, profile = new_staff()
    counts = (User.objects.count(), StaffProfile.objects.count(), Credential.objects.count())
    with pytest.raises(Refusal) as exc:
        staff_save(user=user, profile=profile,
                   credentials=[Credential(type="CHW", license_number="C1",
                                           expires=date(2030, 1, 1))],
                   roles=[RoleAssignment(role="care_coordinator")],
                   trainings=[Training(topic="annual", completed=date(2026, 2, 1))],
                   password="a-long-enough-password")
    assert "has 1.9" in exc.value.messages[0]
    assert (User.objects.count(), StaffProfile.objects.count(),
            Credential.objects.count()) == counts
    assert not Training.objects.exists()
    assert not User.history.filter(email="new@staff.example").exists()


def test_qualified_role_is_saved_with_its_group_and_history():
    user, profile = new_staff(target_population_years=Decimal("2"))
    saved = staff_save(user=user, profile=profile, credentials=[],
                       roles=[RoleAssignment(role="care_coordinator")], trainings=[],
                       password="a-long-enough-password")
    saved.refresh_from_db()
    assert list(saved.roles.values_list("role", flat=True)) == ["care_coordinator"]
    assert list(saved.user.groups.values_list("name", flat=True)) == ["Care coordinator"]
    assert saved.user.check_password("a-long-enough-password")
    assert saved.user.password.startswith("argon2")
    assert saved.history.count() == 1


def test_editing_away_a_needed_licence_is_refused_and_keeps_the_old_one():
    nurse = make_staff("senior_care_manager", credentials=("RN",))
    with pytest.raises(Refusal) as exc:
        staff_save(user=nurse.user, profile=nurse, credentials=[],
                   roles=list(nurse.roles.all()), trainings=[])
    assert "Senior care manager (PS IV.B.2.a)" in exc.value.messages[0]
    assert nurse.credentials.count() == 1


def test_expired_licence_cannot_carry_a_new_role():
    user, profile = new_staff()
    expired = Credential(type="NP", license_number="NP1",
                         expires=timezone.localdate() - timedelta(days=1))
    with pytest.raises(Refusal) as exc:
        staff_save(user=user, profile=profile, credentials=[expired],
                   roles=[RoleAssignment(role="senior_medical_professional")], trainings=[])
    assert "expired" in exc.value.messages[0]


def test_backup_is_compared_with_the_position_not_the_colleagues_licence():
    """PS IV.A.4: a master's-route senior care manager may cover one who is an RN."""
    nurse = make_staff("senior_care_manager", credentials=("RN",))
    user, profile = new_staff(education="master", target_population_years=Decimal("3"))
    saved = staff_save(user=user, profile=profile, credentials=[], trainings=[],
                       roles=[RoleAssignment(role="senior_care_manager", is_backup=True,
                                             covers=nurse)])
    assert saved.roles.get().covers == nurse


def test_an_md_may_cover_an_np_senior_medical_professional():
    np_colleague = make_staff("senior_medical_professional", credentials=("NP",))
    user, profile = new_staff(education="doctorate")
    saved = staff_save(user=user, profile=profile, trainings=[],
                       credentials=[Credential(type="MD", license_number="MD7",
                                               expires=date(2030, 1, 1))],
                       roles=[RoleAssignment(role="senior_medical_professional", is_backup=True,
                                             covers=np_colleague)])
    assert saved.roles.get().covers == np_colleague


def test_a_qualified_unlicensed_coordinator_may_cover_one_who_is_an_rn():
    rn_coordinator = make_staff("care_coordinator", credentials=("RN",))
    user, profile = new_staff(education="bachelor", target_population_years=Decimal("1"))
    saved = staff_save(user=user, profile=profile, credentials=[], trainings=[],
                       roles=[RoleAssignment(role="care_coordinator", is_backup=True,
                                             covers=rn_coordinator)])
    assert saved.roles.get().covers == rn_coordinator
    assert not saved.credentials.exists()


def test_an_unqualified_backup_is_refused_naming_what_is_missing():
    np_colleague = make_staff("senior_medical_professional", credentials=("NP",))
    user, profile = new_staff()
    with pytest.raises(Refusal) as exc:
        staff_save(user=user, profile=profile, trainings=[],
                   credentials=[Credential(type="RN", license_number="RN7",
                                           expires=date(2030, 1, 1))],
                   roles=[RoleAssignment(role="senior_medical_professional", is_backup=True,
                                         covers=np_colleague)])
    assert exc.value.messages == [
        f"Backup senior medical professional for {np_colleague} (PS IV.A.4, PS IV.A.2): "
        "needs a current licence as DO or MD or NP or PA"]
    assert not User.objects.filter(email="new@staff.example").exists()
    assert not StaffProfile.objects.filter(user__email="new@staff.example").exists()
    assert not RoleAssignment.objects.filter(is_backup=True).exists()
    assert not Credential.objects.filter(license_number="RN7").exists()


def test_a_staff_member_cannot_be_their_own_backup():
    coordinator = make_staff("care_coordinator")
    with pytest.raises(Refusal) as exc:
        staff_save(user=coordinator.user, profile=coordinator, credentials=[], trainings=[],
                   roles=[*coordinator.roles.all(),
                          RoleAssignment(role="care_coordinator", is_backup=True,
                                         covers=coordinator)])
    assert "A staff member cannot be their own backup." in exc.value.messages
    assert not coordinator.roles.filter(is_backup=True).exists()


def test_backup_cannot_cover_someone_without_that_role():
    coordinator = make_staff("care_coordinator")
    user, profile = new_staff(education="bachelor")
    with pytest.raises(Refusal) as exc:
        staff_save(user=user, profile=profile, credentials=[], trainings=[],
                   roles=[RoleAssignment(role="family_support", is_backup=True,
                                         covers=coordinator)])
    assert "does not hold the family support staff role" in " ".join(exc.value.messages)


def test_saving_the_same_values_twice_writes_no_new_history():
    user, profile = new_staff(target_population_years=Decimal("2"))
    saved = staff_save(user=user, profile=profile, credentials=[], trainings=[],
                       roles=[RoleAssignment(role="care_coordinator")])
    versions = (saved.history.count(), saved.user.history.count(),
                RoleAssignment.history.count())
    again = StaffProfile.objects.get(pk=saved.pk)
    staff_save(user=again.user, profile=again, credentials=[], trainings=[],
               roles=list(again.roles.all()))
    assert (again.history.count(), again.user.history.count(),
            RoleAssignment.history.count()) == versions


def test_removing_a_role_removes_its_group_and_admin_access():
    director = make_staff("program_director", credentials=("MD",), education="doctorate",
                          clinical_experience_years=Decimal(6), target_population_years=Decimal(3),
                          admin_experience_years=Decimal(1))
    assert director.user.is_staff
    staff_save(user=director.user, profile=director, credentials=list(director.credentials.all()),
               roles=[], trainings=[])
    director.user.refresh_from_db()
    assert not director.user.is_staff
    assert not director.user.groups.exists()
    assert Group.objects.filter(name="Program director").exists()


def test_deactivating_staff_blocks_sign_in():
    member = make_staff("care_coordinator")
    member.active = False
    staff_save(user=member.user, profile=member, credentials=[], trainings=[],
               roles=list(member.roles.all()))
    member.user.refresh_from_db()
    assert member.user.is_active is False


def test_a_coordinator_without_target_population_years_is_listed_and_keeps_the_role():
    """PS IV.B.3.a counts years with the target population. A coordinator saved under the
    old reading (3 years of general youth work, none with the target population) shows as
    not qualified on the staff list; nothing is removed or changed for them."""
    from cares.base.staff.selectors import staff_list

    legacy = make_staff("care_coordinator", education="high_school",
                        relevant_experience_years=Decimal("3"),
                        target_population_years=Decimal("0"))
    versions = legacy.history.count()
    [row] = [r for r in staff_list() if r.profile.pk == legacy.pk]
    assert row.problems == [
        "Care coordinator (PS IV.B.3.a): with a high school diploma needs at least 3 years of "
        "relevant experience with the target population (has 0; 3 more needed)"]
    assert list(legacy.roles.values_list("role", flat=True)) == ["care_coordinator"]
    assert legacy.history.count() == versions
    # Saving them unchanged is refused for the same reason, and keeps everything.
    with pytest.raises(Refusal) as exc:
        staff_save(user=legacy.user, profile=legacy, credentials=[], trainings=[],
                   roles=list(legacy.roles.all()))
    assert exc.value.messages == row.problems
    assert legacy.roles.count() == 1
