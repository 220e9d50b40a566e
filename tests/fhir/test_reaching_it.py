"""How the FHIR export is reached (issue 21): ``GET /fhir/Patient/<id>/$everything`` for
signed-in staff who may see the member, minimum necessary by role, a download for those who
see the whole record, and ``manage.py export_fhir``; every export recorded as an export."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cares.base.audit.models import Action, AuditEvent
from members.services import care_team_set
from tests.factories import enrolled_member, make_staff, sign_in
from tests.fhir.support import entries, rich_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(coordinator):
    return rich_member(coordinator)


def everything(member) -> str:
    return reverse("fhir:everything", args=[member.pk])


def test_a_coordinator_gets_the_whole_bundle_recorded_as_an_export(coordinator, member):
    client = sign_in(Client(), coordinator.user)
    response = client.get(everything(member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert bundle["entry"][0]["fullUrl"] == (
        f"http://testserver/fhir/Patient/member-{member.pk}")
    assert "Content-Disposition" not in response
    event = AuditEvent.objects.filter(action=Action.EXPORT, member=member).get()
    assert event.actor == coordinator.user
    assert event.detail["via"] == "$everything" and event.detail["clinical"] is True
    assert event.detail["resources"]["Encounter"] == 3  # two contacts and a hospital stay
    assert not AuditEvent.objects.filter(action=Action.READ, member=member,
                                         actor=coordinator.user).exists()


def test_the_download_is_a_file_for_those_who_see_the_whole_record(coordinator, member):
    client = sign_in(Client(), coordinator.user)
    response = client.get(everything(member) + "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="member-{member.pk}-fhir-bundle.json"')
    assert AuditEvent.objects.get(action=Action.EXPORT, member=member).detail["via"] == \
        "download"


def test_family_support_staff_get_no_clinical_resources_and_no_download(coordinator, member):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    episode = member.episodes.first()
    care_team_set(member=member, on=episode.effective_date,
                  team=[(coordinator, "care_coordinator"), (family, "family_support")])
    client = sign_in(Client(), family.user)
    response = client.get(everything(member))
    assert response.status_code == 200
    kinds = {r["resourceType"] for r in entries(response.content.decode())}
    assert "Patient" in kinds and not kinds & {"Encounter", "Condition", "DocumentReference"}
    assert b"Clinical follow-up note" not in response.content
    event = AuditEvent.objects.get(action=Action.EXPORT, member=member)
    assert event.actor == family.user and event.detail["clinical"] is False
    refused = client.get(everything(member) + "?download=1")
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action=Action.DENIED, member=member,
                                     actor=family.user).exists()
    assert AuditEvent.objects.filter(action=Action.EXPORT, member=member).count() == 1


def test_a_member_outside_ones_caseload_is_no_member(member):
    outsider = make_staff("care_coordinator")
    client = sign_in(Client(), outsider.user)
    assert client.get(everything(member)).status_code == 404
    assert client.get(reverse("fhir:everything", args=[999999])).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=outsider.user,
                                     member=member).exists()


def test_it_is_read_only_and_not_anonymous(coordinator, member):
    assert Client().get(everything(member)).status_code == 302  # to sign-in
    client = sign_in(Client(), coordinator.user)
    assert client.post(everything(member), {}).status_code == 405
    assert client.put(everything(member), "{}").status_code == 405


def test_the_command_writes_one_bundle_per_member(tmp_path, member, coordinator, capsys):
    out = tmp_path / "one.json"
    call_command("export_fhir", "--member", member.masshealth_id, "--out", str(out))
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["entry"][0]["fullUrl"].startswith("https://cares-kids.example/fhir/Patient/")
    assert "Encounter" in capsys.readouterr().err
    event = AuditEvent.objects.get(action=Action.EXPORT, member=member)
    assert event.actor is None and event.detail["via"] == "export_fhir command"
    other = rich_member_other(coordinator)
    folder = tmp_path / "bundles"
    call_command("export_fhir", "--member", member.masshealth_id, "--member", other.key,
                 "--out", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{member.key or member.pk}.json", f"{other.key}.json"])


def test_the_command_refuses_an_unknown_member_and_writes_nothing(tmp_path, member):
    out = tmp_path / "none.json"
    with pytest.raises(CommandError, match="No member with key or MassHealth ID: nobody"):
        call_command("export_fhir", "--member", member.masshealth_id, "--member", "nobody",
                     "--out", str(out))
    assert not out.exists()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def rich_member_other(coordinator):
    return enrolled_member(coordinator, key="demo-other", masshealth_id="100200300499")
