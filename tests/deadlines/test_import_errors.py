"""import_caseload: a value the models refuse is an error with its JSON path, never a
traceback, and nothing is saved (shared/spec/interchange.md)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cares.base.audit.models import AuditEvent
from cares.base.staff.models import Credential, Program, StaffProfile, User
from cares.program.interchange import importer
from members.models import Episode, Guardian, Member, ServiceReferral
from tests.deadlines.commands import run, write

DATA = Path(__file__).with_name("data")
pytestmark = pytest.mark.django_db

PROGRAM_REPORT = """\
  assessments: 2 created, 0 updated, 0 deleted
  care plans: 2 created, 0 updated, 0 deleted
  care team: 2 created, 0 updated, 0 deleted
  deliveries: 6 created, 0 updated, 0 deleted
  episodes: 3 created, 0 updated, 0 deleted
  follow-ups: 1 created, 0 updated, 0 deleted
  guardians: 2 created, 0 updated, 0 deleted
  letters: 3 created, 0 updated, 0 deleted
  members: 3 created, 0 updated, 0 deleted
  monitoring reviews: 2 created, 0 updated, 0 deleted
  program: 1 created, 0 updated, 0 deleted
  referrals: 2 created, 0 updated, 0 deleted
  removals: 1 created, 0 updated, 0 deleted
  staff: 2 created, 0 updated, 0 deleted
"""


def load(name="program.json"):
    return json.loads((DATA / name).read_text())


def refused(tmp_path, data, *extra):
    """The command's error lines; it must fail (non-zero exit) and say nothing was saved."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_caseload", write(tmp_path, data), *extra, stdout=out, stderr=err)
    assert out.getvalue() == ""
    return err.getvalue().splitlines()


def database():
    """Everything an import writes, including history and the audit trail."""
    return {model.__name__: (model.objects.count(), model.history.count())
            for model in (Member, Episode, Guardian, ServiceReferral, StaffProfile, User,
                          Credential, Program)} | {"audit": AuditEvent.objects.count()}


@pytest.fixture
def without_schema(monkeypatch):
    """Let values through the schema, to exercise the model-level conversion behind it."""
    monkeypatch.setattr(importer, "schema_errors", lambda data: [])


def test_valid_files_report_exactly_as_before():
    assert run("import_caseload", str(DATA / "program.json"), "--dry-run") == (
        "Dry run (nothing saved): would change:\n" + PROGRAM_REPORT, "")
    assert run("import_caseload", str(DATA / "program.json")) == (
        "Imported:\n" + PROGRAM_REPORT, "")
    assert run("import_caseload", str(DATA / "program.json")) == (
        "Imported:\n  nothing changed\n", "")
    assert run("import_caseload", str(DATA / "example.json")) == (
        "Imported:\n  nothing changed\n", "")


def null_relationship(d):
    d["members"][0]["guardians"][0]["relationship"] = None


def long_last_name(d):
    d["members"][1]["last_name"] = "N" * 101


def bad_guardian_email(d):
    d["members"][0]["guardians"][0]["email"] = "mai@example.c"  # Django: TLD too short


def bad_staff_email(d):
    d["staff"][1]["email"] = "rosa@exa_mple.org"  # Django: no underscore in a domain


CASES = [
    (null_relationship, "members[0].guardians[0].relationship: This field cannot be blank."),
    (long_last_name, "members[1].last_name: too long (at most 100 characters)"),
    (bad_guardian_email, "members[0].guardians[0].email: not an e-mail address"),
    (bad_staff_email, "staff[1].email: not an e-mail address"),
    (lambda d: d["staff"][0].update(last_name="L" * 151),
     "staff[0].last_name: too long (at most 150 characters)"),
    (lambda d: d["members"][0]["guardians"][0].update(relationship=""),
     "members[0].guardians[0].relationship: empty"),
    (lambda d: d["members"][0]["referrals"][0].update(service="S" * 201),
     "members[0].referrals[0].service: too long (at most 200 characters)"),
    (lambda d: d["staff"][0]["credentials"][0].update(license_number=None),
     "staff[0].credentials[0].license_number: This field cannot be blank."),
]


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
@pytest.mark.parametrize(("change", "expected"), CASES)
def test_refused_values_name_their_path_and_nothing_is_saved(tmp_path, change, expected,
                                                             dry_run):
    data = load()
    change(data)
    lines = refused(tmp_path, data, *(["--dry-run"] if dry_run else []))
    assert lines == [expected]
    assert database() == {"Member": (0, 0), "Episode": (0, 0), "Guardian": (0, 0),
                          "ServiceReferral": (0, 0), "StaffProfile": (0, 0), "User": (0, 0),
                          "Credential": (0, 0), "Program": (0, 0), "audit": 0}


@pytest.mark.parametrize(("change", "expected"), CASES[:4])
def test_a_refused_update_leaves_the_earlier_import_untouched(tmp_path, change, expected):
    run("import_caseload", str(DATA / "program.json"))
    before = database()
    data = load()
    change(data)
    data["members"][2]["first_name"] = "Changed"  # a valid change that must not land either
    assert refused(tmp_path, data) == [expected]
    assert database() == before
    assert Member.objects.get(key="m3").legal_first_name != "Changed"


def test_model_refusals_are_converted_and_all_reported(tmp_path, without_schema):
    """Behind the schema, every model-level refusal is still a path, all in one run."""
    data = load()
    null_relationship(data)
    long_last_name(data)
    bad_staff_email(data)
    data["staff"][0]["credentials"][0]["license_number"] = "X" * 41
    data["members"][0]["referrals"][0]["service"] = "S" * 201
    data["members"][2]["first_name"] = ""
    lines = refused(tmp_path, data)
    assert lines == [
        "staff[0].credentials[0].license_number: Ensure this value has at most 40 characters "
        "(it has 41).",
        "staff[1].email: Enter a valid email address.",
        "members[0].guardians[0].relationship: This field cannot be blank.",
        "members[0].referrals[0].service: Ensure this value has at most 200 characters "
        "(it has 201).",
        "members[1].last_name: Ensure this value has at most 100 characters (it has 101).",
        "members[2].first_name: This field cannot be blank.",
    ]
    assert not Member.objects.exists() and not StaffProfile.objects.exists()
    assert not AuditEvent.objects.exists()


def test_model_refusals_in_a_dry_run_are_reported_too(tmp_path, without_schema):
    data = load()
    bad_guardian_email(data)
    assert refused(tmp_path, data, "--dry-run") == [
        "members[0].guardians[0].email: Enter a valid email address."]
    assert not Member.objects.exists()


def test_a_refused_qualification_is_an_error_on_the_staff_record(tmp_path, monkeypatch):
    """A Refusal from staff_save, should the up-front role check let it by."""
    monkeypatch.setattr(importer, "semantic_errors", lambda data, today: [])
    data = load()
    data["staff"][0].update(education="associate", target_population_years=1.9)
    lines = refused(tmp_path, data)
    assert lines and all(line.startswith("staff[0]: ") for line in lines), lines
    assert any("Care coordinator" in line for line in lines), lines
    assert not StaffProfile.objects.exists() and not User.objects.exists()


def test_the_schema_bounds_match_the_models():
    """Each string the schema limits is limited exactly as its model field is."""
    schema = json.loads(importer.SCHEMA_PATH.read_text())
    defs = schema["$defs"]
    member, staff = defs["member"]["properties"], defs["staff"]["properties"]
    guardian = member["guardians"]["items"]["properties"]
    referral = member["referrals"]["items"]["properties"]
    credential = staff["credentials"]["items"]["properties"]
    program = schema["properties"]["program"]["properties"]

    def limit(model, name):
        return model._meta.get_field(name).max_length

    pairs = [
        (member["first_name"], Member, "legal_first_name"),
        (member["last_name"], Member, "legal_last_name"),
        (defs["language"], Member, "primary_language"),
        (guardian["name"], Guardian, "name"),
        (guardian["relationship"], Guardian, "relationship"),
        (guardian["phone"], Guardian, "phone"),
        (guardian["email"], Guardian, "email"),
        (guardian["address"], Guardian, "address"),
        (referral["service"], ServiceReferral, "service"),
        (staff["first_name"], User, "first_name"),
        (staff["last_name"], User, "last_name"),
        (staff["email"], User, "email"),
        (credential["license_number"], Credential, "license_number"),
        (program["name"], Program, "name"),
        (program["phone"], Program, "phone"),
        (program["address"], Program, "address"),
        (defs["key"], Member, "key"),
    ]
    for prop, model, name in pairs:
        assert prop["maxLength"] == limit(model, name), (model.__name__, name)
        # A required field needs at least one character (an empty e-mail address or
        # language tag already fails its format check).
        if not model._meta.get_field(name).blank and "format" not in prop:
            assert prop.get("minLength") == 1, (model.__name__, name)
