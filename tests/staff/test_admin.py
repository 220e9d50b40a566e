"""The admin refuses an unqualified role with the same message and saves nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cares.base.staff.models import RoleAssignment
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def inline_post(profile, *, roles, credentials=()):
    data = {
        "user": str(profile.user.pk), "key": "", "phone": "", "education": profile.education,
        "clinical_experience_years": str(profile.clinical_experience_years),
        "target_population_years": str(profile.target_population_years),
        "relevant_experience_years": str(profile.relevant_experience_years),
        "admin_experience_years": str(profile.admin_experience_years),
        "hire_date": profile.hire_date.isoformat(), "active": "on",
        "credentials-TOTAL_FORMS": str(len(credentials)), "credentials-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": str(len(roles)), "roles-INITIAL_FORMS": "0",
        "trainings-TOTAL_FORMS": "0", "trainings-INITIAL_FORMS": "0",
    }
    for i, role in enumerate(roles):
        data[f"roles-{i}-role"] = role
        data[f"roles-{i}-staff"] = str(profile.pk)
    for i, (kind, expires) in enumerate(credentials):
        data.update({f"credentials-{i}-type": kind, f"credentials-{i}-license_number": "X1",
                     f"credentials-{i}-state": "MA", f"credentials-{i}-expires": expires,
                     f"credentials-{i}-staff": str(profile.pk)})
    return data


def test_admin_inline_refuses_unqualified_role(client, director, coordinator):
    sign_in(client, director.user)
    url = reverse("admin:staff_staffprofile_change", args=[coordinator.pk])
    response = client.post(url, inline_post(coordinator, roles=["senior_medical_professional"]))
    assert response.status_code == 200
    assert "Senior medical professional (PS IV.A.2)" in response.content.decode()
    assert not coordinator.roles.filter(role="senior_medical_professional").exists()


def test_admin_inline_sees_a_licence_added_in_the_same_save(client, director, coordinator):
    sign_in(client, director.user)
    url = reverse("admin:staff_staffprofile_change", args=[coordinator.pk])
    response = client.post(url, inline_post(
        coordinator, roles=["senior_medical_professional"], credentials=[("NP", "2031-01-01")]))
    assert response.status_code == 302
    assert coordinator.roles.filter(role="senior_medical_professional").exists()
    coordinator.user.refresh_from_db()
    assert coordinator.user.groups.filter(name="Senior medical professional").exists()


def test_admin_role_assignment_form_refuses_and_saves_nothing(client, director, coordinator):
    sign_in(client, director.user)
    before = RoleAssignment.objects.count()
    response = client.post(reverse("admin:staff_roleassignment_add"), {
        "staff": str(coordinator.pk), "role": "program_director"})
    assert response.status_code == 200
    assert "Program director (PS IV.B.1.a)" in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_admin_is_closed_to_other_roles(client, coordinator):
    sign_in(client, coordinator.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # not staff: sent to sign-in


def test_director_admin_pages_open(client, director):
    sign_in(client, director.user)
    for name in ["staffprofile", "credential", "roleassignment", "training", "program"]:
        assert client.get(reverse(f"admin:staff_{name}_changelist")).status_code == 200
    assert Decimal(director.clinical_experience_years) == 10


def test_deactivating_in_the_admin_ends_the_accounts_sessions(client, director, coordinator):
    from django.test import Client

    theirs = Client()
    sign_in(theirs, coordinator.user)
    assert theirs.get("/members/").status_code == 200
    sign_in(client, director.user)
    data = inline_post(coordinator, roles=[])
    del data["active"]
    url = reverse("admin:staff_staffprofile_change", args=[coordinator.pk])
    assert client.post(url, data).status_code == 302
    coordinator.user.refresh_from_db()
    assert not coordinator.user.is_active
    assert theirs.get("/members/").status_code == 302  # signed out
