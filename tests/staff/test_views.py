"""The staff pages, as a program director and as everyone else."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cares.base.staff.models import StaffProfile, User
from tests.factories import CredentialFactory, make_staff, sign_in

pytestmark = pytest.mark.django_db


def staff_post(**overrides):
    data = {
        "first_name": "Ada", "last_name": "Moreno", "email": "ada@staff.example",
        "password": "a-long-enough-password", "phone": "617-555-0199",
        "roles": ["care_coordinator"], "hire_date": "2026-01-05", "active": "on",
        "education": "associate", "clinical_experience_years": "0",
        "target_population_years": "1.9", "relevant_experience_years": "5",
        "admin_experience_years": "0",
        "cred-TOTAL_FORMS": "1", "cred-INITIAL_FORMS": "0",
        "cred-0-type": "", "cred-0-license_number": "", "cred-0-state": "MA",
        "cred-0-expires": "",
        "train-TOTAL_FORMS": "1", "train-INITIAL_FORMS": "0",
        "train-0-topic": "privacy_hipaa_ferpa", "train-0-completed": "2026-02-01",
        "backup-TOTAL_FORMS": "0", "backup-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_director_adds_a_qualified_care_coordinator(director_client):
    response = director_client.post(reverse("staff:create"),
                                    staff_post(target_population_years="2"))
    profile = StaffProfile.objects.get(user__email="ada@staff.example")
    assert response.status_code == 302
    assert response.url == reverse("staff:detail", args=[profile.pk])
    assert [r.role for r in profile.roles.all()] == ["care_coordinator"]
    assert profile.trainings.get().topic == "privacy_hipaa_ferpa"
    page = director_client.get(response.url)
    assert "Meets the requirements of every role held." in page.content.decode()


def test_director_is_refused_an_unqualified_care_coordinator_and_keeps_the_input(
        director_client):
    users_before = User.objects.count()
    response = director_client.post(reverse("staff:create"), staff_post())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Role refused; nothing was saved." in html
    assert "an associate&#x27;s degree needs at least 2 years" in html
    assert "has 1.9" in html
    assert 'value="ada@staff.example"' in html  # nothing the user typed is lost
    assert User.objects.count() == users_before
    assert not StaffProfile.objects.filter(user__email="ada@staff.example").exists()


def test_bad_input_gets_field_errors_and_saves_nothing(director_client):
    response = director_client.post(reverse("staff:create"), staff_post(
        email="not-an-email", relevant_experience_years="-1", password="short"))
    form = response.context["form"]
    assert set(form.errors) >= {"email", "relevant_experience_years", "password"}
    assert not User.objects.filter(first_name="Ada").exists()


def test_duplicate_email_is_refused(director_client, coordinator):
    response = director_client.post(reverse("staff:create"), staff_post(
        email=coordinator.user.email.upper(), target_population_years="2"))
    assert "Another account already uses this e-mail address." in response.content.decode()


def test_edit_adds_a_role_the_person_qualifies_for(director_client):
    nurse = make_staff("care_coordinator", credentials=("RN",))
    credential = nurse.credentials.get()
    data = staff_post(
        email=nurse.user.email, first_name=nurse.user.first_name,
        last_name=nurse.user.last_name, password="", education="bachelor",
        target_population_years="2", roles=["care_coordinator", "senior_care_manager"],
        **{"cred-TOTAL_FORMS": "1", "cred-INITIAL_FORMS": "1", "cred-0-id": str(credential.pk),
           "cred-0-staff": str(nurse.pk), "cred-0-type": "RN",
           "cred-0-license_number": credential.license_number, "cred-0-state": "MA",
           "cred-0-expires": credential.expires.isoformat()},
    )
    response = director_client.post(reverse("staff:edit", args=[nurse.pk]), data)
    assert response.status_code == 302
    assert set(nurse.roles.values_list("role", flat=True)) == {
        "care_coordinator", "senior_care_manager"}
    # Deleting the RN licence would leave the senior care manager role unqualified: refused.
    data.update({"cred-0-DELETE": "on"})
    response = director_client.post(reverse("staff:edit", args=[nurse.pk]), data)
    assert "Senior care manager (PS IV.B.2.a)" in response.content.decode()
    assert nurse.credentials.count() == 1


def test_staff_list_shows_status_and_program_checks(director_client, director):
    CredentialFactory(staff=make_staff("senior_care_manager", credentials=()), type="RN",
                      expires="2020-01-01")
    response = director_client.get(reverse("staff:list"))
    html = response.content.decode()
    assert "Not qualified" in html and "expired" in html
    assert 'data-check="rn_and_social_worker"' in html
    assert "PS IV.B.1.a" in html


def test_staff_list_query_count_does_not_grow_with_staff(director_client,
                                                         django_assert_max_num_queries):
    for _ in range(25):
        make_staff("care_coordinator", credentials=("CHW",))
    with django_assert_max_num_queries(15):
        response = director_client.get(reverse("staff:list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 26


@pytest.mark.parametrize("role", ["care_coordinator", "senior_care_manager", "family_support",
                                  "senior_medical_professional", None])
@pytest.mark.parametrize("name", ["staff:list", "staff:create", "staff:detail", "staff:edit"])
def test_everyone_but_the_director_gets_403(client, director, role, name):
    other = make_staff(role, credentials=("RN", "NP"), education="master",
                       target_population_years=Decimal(3), relevant_experience_years=Decimal(3),
                       caregiver_of_special_needs_youth=True)
    sign_in(client, other.user)
    args = [director.pk] if name in ("staff:detail", "staff:edit") else []
    assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse(name, args=args), staff_post()).status_code == 403
    assert not User.objects.filter(email="ada@staff.example").exists()


def test_unknown_staff_member_is_404(director_client):
    assert director_client.get(reverse("staff:detail", args=[99999])).status_code == 404


def test_staff_page_lists_active_staff_who_no_longer_qualify(director_client):
    """PS IV.B.3.a reads years with the target population: a coordinator with general youth
    work only is listed with the reason, keeps the role, and nothing about them changes."""
    legacy = make_staff("care_coordinator", education="high_school",
                        relevant_experience_years=Decimal("3"),
                        target_population_years=Decimal("0"))
    gone = make_staff("care_coordinator", education="high_school",
                      relevant_experience_years=Decimal("3"),
                      target_population_years=Decimal("0"), active=False)
    fine = make_staff("care_coordinator")
    versions = legacy.history.count()
    response = director_client.get(reverse("staff:list"))
    listed = {r.profile.pk: r.problems for r in response.context["unqualified"]}
    assert listed == {legacy.pk: [
        "Care coordinator (PS IV.B.3.a): with a high school diploma needs at least 3 years of "
        "relevant experience with the target population (has 0; 3 more needed)"]}
    html = response.content.decode()
    section = html[html.index('id="qualification-problems"'):html.index('id="staff-table"')]
    assert str(legacy) in section and "3 more needed" in section
    assert str(gone) not in section and str(fine) not in section
    assert list(legacy.roles.values_list("role", flat=True)) == ["care_coordinator"]
    assert legacy.history.count() == versions


def test_staff_page_says_when_everyone_qualifies(director_client):
    make_staff("care_coordinator")
    response = director_client.get(reverse("staff:list"))
    assert response.context["unqualified"] == []
    assert "Every active staff member meets the requirements" in response.content.decode()


def test_staff_page_names_missing_training_topics_in_words(director_client):
    """Issue 16 item 5: the missing topics are labels, never codes."""
    coordinator = make_staff("care_coordinator", hire_date=date(2020, 1, 6))
    html = director_client.get(reverse("staff:detail", args=[coordinator.pk])).content.decode()
    assert "Missing topics:" in html
    assert "Care coordination principles for children and families (PS V.A.1)" in html
    assert "care_coordination_principles" not in html
    assert "privacy_hipaa_ferpa" not in html
