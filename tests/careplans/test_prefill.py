"""Issue 16, item 7: the medications, allergies and DME entered in the assessment are the
emergency plan's editable starting values (with where they came from), never typed twice;
the plan's own entries always win."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import Allergy, CarePlan, EmergencyMedication
from tests.factories import completed_assessment, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ASSESSED = TODAY - timedelta(days=3)
MEDICATIONS = "Levetiracetam 250 mg twice daily\n- Albuterol inhaler as needed"


@pytest.fixture
def client_(client, coordinator):
    return sign_in(client, coordinator.user)


@pytest.fixture
def plan(member, coordinator):
    completed_assessment(member, coordinator, completed_on=ASSESSED, medications=MEDICATIONS,
                         allergies="Penicillin; Latex", dme="Wheelchair\nFeeding pump")
    return services.care_plan_start(member=member, actor=coordinator.user)


def url(member, plan) -> str:
    return reverse("careplans:plan_emergency", args=[member.pk, plan.pk])


def management(prefix: str, total: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def test_the_page_offers_the_assessment_values_with_their_source(client_, member, plan):
    response = client_.get(url(member, plan))
    page = response.content.decode()
    assert f"from the assessment of {ASSESSED.isoformat()}" in page
    meds = response.context["formsets"][0][2]
    assert [f.initial.get("name") for f in meds.extra_forms[:2]] == [
        "Levetiracetam 250 mg twice daily", "Albuterol inhaler as needed"]
    allergies = response.context["formsets"][1][2]
    assert [f.initial.get("allergen") for f in allergies.extra_forms] == ["Penicillin", "Latex"]
    assert response.context["form"]["accommodations"].value() == \
        "Durable medical equipment: Wheelchair; Feeding pump"
    assert not EmergencyMedication.objects.exists()  # only offered, nothing saved


def test_saving_keeps_the_offered_rows_as_they_are_or_as_edited(client_, member, plan):
    data = {"diagnoses": "Epilepsy", "accommodations": "Wheelchair; feeding pump",
            **management("medications", 2), **management("allergies", 2),
            "medications-0-name": "Levetiracetam 250 mg twice daily",
            "medications-0-dose": "250 mg",
            "medications-1-name": "Albuterol inhaler as needed", "medications-1-DELETE": "on",
            "allergies-0-allergen": "Penicillin", "allergies-1-allergen": "Latex"}
    response = client_.post(url(member, plan), data)
    assert response.status_code == 302
    assert list(EmergencyMedication.objects.values_list("name", "dose")) == [
        ("Levetiracetam 250 mg twice daily", "250 mg")]
    assert sorted(Allergy.objects.values_list("allergen", flat=True)) == ["Latex", "Penicillin"]
    # The plan has its own entries now: nothing more is offered.
    response = client_.get(url(member, plan))
    assert "from the assessment of" not in response.content.decode()


def test_no_known_allergies_is_offered_as_the_box(client_, member, coordinator):
    completed_assessment(member, coordinator, completed_on=ASSESSED, allergies="NKDA")
    plan = services.care_plan_start(member=member, actor=coordinator.user)
    response = client_.get(url(member, plan))
    assert response.context["form"]["no_known_allergies"].value() is True
    assert all(not f.initial for f in response.context["formsets"][1][2].extra_forms)


def test_without_a_completed_assessment_nothing_is_offered(client_, member, coordinator):
    plan = CarePlan.objects.create(member=member, version=1)
    response = client_.get(url(member, plan))
    assert "from the assessment of" not in response.content.decode()
