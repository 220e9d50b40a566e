"""The staff page at program scale: fifty staff a page, a search by name or e-mail, a role
and a choice of whom (everyone, active, needs attention, inactive); the program checks and
the qualification problems still count everyone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CredentialFactory, make_staff

pytestmark = pytest.mark.django_db


def listed(response) -> list[int]:
    return [row.profile.pk for row in response.context["rows"]]


def test_fifty_a_page_in_name_order_with_the_same_queries(director_client,
                                                          django_assert_max_num_queries):
    for _ in range(60):
        make_staff("care_coordinator")
    with django_assert_max_num_queries(15):
        first = director_client.get(reverse("staff:list"))
    second = director_client.get(reverse("staff:list") + "?page=2")
    assert len(listed(first)) == 50 and len(listed(second)) == 11  # 60 and the director
    assert not set(listed(first)) & set(listed(second))
    html = first.content.decode()
    assert "61 staff members" in html and "Showing 1 to 50 of 61 matches." in html
    assert "Page 1 of 2" in html and "?page=2" in html
    names = [str(r.profile).casefold() for r in first.context["rows"]]
    surnames = [r.profile.user.last_name.casefold() for r in first.context["rows"]]
    assert surnames == sorted(surnames) and len(names) == 50
    # A page number out of range or not a number shows a page, never an error.
    assert director_client.get(reverse("staff:list") + "?page=99").status_code == 200
    assert len(listed(director_client.get(reverse("staff:list") + "?page=x"))) == 50


def test_search_by_name_or_email_and_role(director_client, director):
    ada = make_staff("care_coordinator")
    ada.user.first_name, ada.user.last_name, ada.user.email = "Ada", "Quimby", "ada@x.example"
    ada.user.save()
    nurse = make_staff("senior_care_manager", credentials=("RN",))
    url = reverse("staff:list")
    assert listed(director_client.get(url + "?q=quim")) == [ada.pk]
    assert listed(director_client.get(url + "?q=ADA@X")) == [ada.pk]
    assert listed(director_client.get(url + "?role=senior_care_manager")) == [nurse.pk]
    assert listed(director_client.get(url + "?role=senior_care_manager&q=quim")) == []
    nothing = director_client.get(url + "?q=nobody-by-this-name")
    assert "No staff member matches." in nothing.content.decode()
    # An unknown role or choice is ignored, not an error: everyone is listed.
    everyone = director_client.get(url + "?role=wizard&show=bogus")
    assert everyone.status_code == 200 and set(listed(everyone)) == {director.pk, ada.pk,
                                                                       nurse.pk}
    assert everyone.context["role"] == "" and everyone.context["show"] == "all"


def test_needs_attention_and_inactive(director_client, director):
    fine = make_staff("care_coordinator", hire_date=timezone.localdate())  # training not due
    lapsed = make_staff("senior_care_manager", credentials=())  # no RN: not qualified
    expiring = make_staff("care_coordinator")
    CredentialFactory(staff=expiring, type="CHW", expires=date(2020, 1, 1))
    untrained = make_staff("care_coordinator", hire_date=date(2020, 1, 6))
    gone = make_staff("care_coordinator", active=False, hire_date=date(2020, 1, 6))
    url = reverse("staff:list")
    attention = set(listed(director_client.get(url + "?show=attention")))
    assert {lapsed.pk, expiring.pk, untrained.pk} <= attention
    assert fine.pk not in attention and gone.pk not in attention
    assert listed(director_client.get(url + "?show=inactive")) == [gone.pk]
    assert gone.pk not in listed(director_client.get(url + "?show=active"))


def test_problems_and_checks_count_everyone_whatever_the_page(director_client):
    for _ in range(55):
        make_staff("care_coordinator")
    legacy = make_staff("care_coordinator", education="high_school",
                        relevant_experience_years=Decimal("3"),
                        target_population_years=Decimal("0"))
    response = director_client.get(reverse("staff:list") + "?q=nobody&role=family_support")
    assert listed(response) == []
    assert [r.profile.pk for r in response.context["unqualified"]] == [legacy.pk]
    assert 'data-check="rn_and_social_worker"' in response.content.decode()
