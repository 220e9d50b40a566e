"""import_caseload holds the file to the services' own rules (issue 14): the member record
through ``member_save``, the primary contact to the enrollment rule, the removal reason to
the removal rule; each refusal named by its JSON path, nothing saved."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cares.base.audit.models import Action, AuditEvent
from members.models import Member
from tests.deadlines.commands import run, write

DATA = Path(__file__).with_name("data")
pytestmark = pytest.mark.django_db


def load():
    return json.loads((DATA / "program.json").read_text())


def refused(tmp_path, data) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_caseload", write(tmp_path, data), stderr=err, stdout=io.StringIO())
    assert not Member.objects.exists()
    return err.getvalue().splitlines()


def test_members_are_written_through_the_member_service():
    run("import_caseload", str(DATA / "program.json"))
    created = AuditEvent.objects.filter(object_type="members.Member", action=Action.CREATE)
    assert created.count() == 3


def test_a_primary_contact_who_may_not_be_one_is_refused(tmp_path):
    data = load()
    data["staff"][0].update(role="family_support", education="high_school",
                            target_population_years=2, relevant_experience_years=2)
    lines = refused(tmp_path, data)
    assert any(line.startswith("members[0].primary_contact: ") and
               "neither a care coordinator nor a senior care manager" in line
               for line in lines), lines


def test_independent_choice_needs_the_age_the_removal_service_needs(tmp_path):
    data = load()
    data["members"][1]["termination"]["reason"] = "independent_choice"  # m2 is 16
    lines = refused(tmp_path, data)
    assert any(line.startswith("members[1].termination.reason: Independent choice (PS IX.A.8)")
               for line in lines), lines
