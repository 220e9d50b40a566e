"""Issue 16, item 7: the medications, allergies and DME entered in the assessment are the
emergency plan's editable starting values (with where they came from), never typed twice;
the plan's own entries always win."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans import prefill, services
from careplans.models import Allergy, CarePlan, EmergencyMedication
from cares.base import events
from members.models import MemberContact
from tests.factories import ProviderFactory, completed_assessment, finalized_care_plan, sign_in

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


# --- The care team starts from the member's providers ---------------------------------------

def team_url(member, plan) -> str:
    return reverse("careplans:plan_team", args=[member.pk, plan.pk])


def add_provider(member, *, kind="specialist", organization="Example Neurology",
                 person="Dr. Neuro", phone="617-555-0170"):
    provider = ProviderFactory(kind=kind, organization=organization, person=person, phone=phone)
    return MemberContact.objects.create(member=member, provider=provider, role=kind)


def test_a_provider_not_yet_on_the_care_team_is_offered_with_its_source(client_, member, plan):
    on_plan = list(plan.team.values_list("name", flat=True))
    add_provider(member)
    response = client_.get(team_url(member, plan))
    page = response.content.decode()
    assert "Starting values from the member&#x27;s providers" in page
    assert "from the member&#x27;s providers" in page
    team = response.context["formsets"][0][2]
    offered = [f.initial for f in team.extra_forms if f.initial]
    assert [(o["role"], o["name"], o["organization"], o["phone"], o["emergency"])
            for o in offered] == [
        ("specialist", "Dr. Neuro", "Example Neurology", "617-555-0170", True)]
    assert list(plan.team.values_list("name", flat=True)) == on_plan  # nothing saved yet


def test_the_offered_provider_is_saved_as_edited_and_then_no_longer_offered(
        client_, member, plan):
    add_provider(member)
    kept = list(plan.team.all())
    data = {"team-TOTAL_FORMS": str(len(kept) + 1), "team-INITIAL_FORMS": str(len(kept))}
    for number, entry in enumerate(kept):
        data.update({f"team-{number}-id": str(entry.pk), f"team-{number}-role": entry.role,
                     f"team-{number}-name": entry.name,
                     f"team-{number}-organization": entry.organization,
                     f"team-{number}-phone": entry.phone, f"team-{number}-email": entry.email})
    new = len(kept)
    data.update({f"team-{new}-role": "specialist", f"team-{new}-name": "Dr. Neuro",
                 f"team-{new}-organization": "Example Neurology",
                 f"team-{new}-phone": "617-555-0199", f"team-{new}-emergency": "on"})
    assert client_.post(team_url(member, plan), data).status_code == 302
    entry = plan.team.get(name="Dr. Neuro")
    assert (entry.phone, entry.emergency) == ("617-555-0199", True)
    response = client_.get(team_url(member, plan))
    assert "from the member&#x27;s providers" not in response.content.decode()


def test_a_finalized_plan_offers_nothing(member, coordinator):
    plan = finalized_care_plan(member, coordinator)
    add_provider(member)
    assert prefill.team_starting_values(plan).rows == {}


# --- What the aftercare plan may start from (asked by members) -------------------------------

def test_the_aftercare_answer_comes_from_the_icp_in_force(member, coordinator):
    plan = finalized_care_plan(member, coordinator)
    answer = events.ask(events.aftercare_starting_values, member_id=member.pk)
    source = f"from ICP version {plan.version}, finalized {plan.finalized_on.isoformat()}"
    assert answer["medications"] == {
        "value": "Levetiracetam, 250 mg, twice daily\nAllergies: Penicillin, hives\n"
                 "Local anesthesia for IV access.", "source": source}
    assert answer["services_in_place"]["source"] == source
    assert answer["services_in_place"]["value"].splitlines() == [
        "PCP or PCP designee: Dr. Example, Example Pediatrics, 617-555-0150",
        "PT weekly; CSN."]


def test_without_an_icp_the_aftercare_answer_comes_from_the_assessment_and_providers(
        member, coordinator):
    completed_assessment(member, coordinator, completed_on=ASSESSED, medications=MEDICATIONS,
                         allergies="Penicillin", dme="Wheelchair")
    add_provider(member)
    answer = prefill.aftercare_starting_values(member.pk)
    assert answer["medications"] == {
        "value": "Levetiracetam 250 mg twice daily\nAlbuterol inhaler as needed\n"
                 "Allergies: Penicillin\nDurable medical equipment: Wheelchair",
        "source": f"from the assessment of {ASSESSED.isoformat()}"}
    assert answer["services_in_place"] == {
        "value": "Specialist: Dr. Neuro, Example Neurology, 617-555-0170",
        "source": "from the member's providers"}


def test_with_nothing_entered_elsewhere_the_aftercare_answer_is_empty(member):
    assert prefill.aftercare_starting_values(member.pk) == {}


def test_the_emergency_page_points_to_the_providers_while_it_has_no_contacts(
        client_, member, plan):
    plan.team.update(emergency=False)
    add_provider(member)
    page = client_.get(url(member, plan)).content.decode()
    assert "No care team entry is on the emergency plan yet" in page
    plan.team.update(emergency=True)
    page = client_.get(url(member, plan)).content.decode()
    assert "No care team entry is on the emergency plan yet" not in page
