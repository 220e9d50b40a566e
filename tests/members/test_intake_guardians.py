"""Parents and guardians entered with the intake (a list of rows, prefix ``guardians``): saved
with the member in one transaction, or nothing at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Guardian, Member
from tests.factories import sign_in
from tests.members.test_views import intake_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, coordinator):
    sign_in(client, coordinator.user)
    return client


def guardian_rows(*rows: dict) -> dict:
    data = {"guardians-TOTAL_FORMS": str(len(rows) + 1), "guardians-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        data.update({f"guardians-{n}-{k}": v for k, v in row.items()})
    data.update({f"guardians-{len(rows)}-legal_authority": "parent",
                 f"guardians-{len(rows)}-receives_letters": "on"})  # an untouched empty row
    return data


def test_intake_saves_the_guardians_entered_and_skips_removed_and_empty_rows(
        coordinator_client):
    response = coordinator_client.post(reverse("members:intake"), intake_post(**guardian_rows(
        {"name": "Ana Quintero", "relationship": "mother", "legal_authority": "parent",
         "receives_letters": "on"},
        {"name": "Removed Row", "relationship": "aunt", "legal_authority": "parent",
         "DELETE": "on"},
        {"name": "Luis Quintero", "relationship": "father", "legal_authority": "parent"})))
    assert response.status_code == 302
    member = Member.objects.get(masshealth_id="100200300400")
    assert sorted(member.guardians.values_list("name", "receives_letters")) == [
        ("Ana Quintero", True), ("Luis Quintero", False)]


def test_a_bad_guardian_row_saves_nothing_and_keeps_what_was_typed(coordinator_client):
    response = coordinator_client.post(reverse("members:intake"), intake_post(**guardian_rows(
        {"name": "Ana Quintero", "relationship": "mother", "legal_authority": "parent"},
        {"name": "", "relationship": "father", "legal_authority": "parent",
         "email": "not-an-address"})))
    assert response.status_code == 200
    assert not Member.objects.exists() and not Guardian.objects.exists()
    page = response.content.decode()
    assert "Ana Quintero" in page and "This field is required." in page
    assert "Enter a valid email address." in page
