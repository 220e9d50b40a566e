"""The two public commands of shared/spec/interchange.md, driven as a user would."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cares.base.staff.models import StaffProfile
from members.models import Member, ServiceReferral
from tests.deadlines.commands import run, write

DATA = Path(__file__).with_name("data")
pytestmark = pytest.mark.django_db


def load(name="program.json"):
    return json.loads((DATA / name).read_text())


def import_errors(tmp_path, data):
    with pytest.raises(CommandError) as exc:
        run("import_caseload", write(tmp_path, data))
    return exc


def report(as_of, *extra):
    out, _ = run("compliance_report", "--as-of", as_of, *extra)
    return out


def test_round_trip_matches_the_hand_written_report():
    run("import_caseload", str(DATA / "program.json"))
    got = json.loads(report("2026-08-31"))
    expected = json.loads((DATA / "program_expected_2026-08-31.json").read_text())
    assert got["as_of"] == "2026-08-31"
    assert got["deadlines"] == expected["deadlines"]
    assert got["summary"] == expected["summary"]
    assert {c["check"] for c in got["program_checks"]} >= {"rn_and_social_worker"}
    assert all(set(c) == {"check", "ok", "detail"} for c in got["program_checks"])


def test_the_spec_example_round_trip():
    run("import_caseload", str(DATA / "example.json"))
    got = json.loads(report("2026-06-30"))
    first = next(d for d in got["deadlines"] if d["rule"] == "initial_assessment_icp")
    assert first == {"subject": "m1", "rule": "initial_assessment_icp", "due": "2026-03-11",
                     "status": "met", "satisfied_on": "2026-03-01", "spec": "PS VI.A.1, VIII"}


def test_importing_twice_changes_nothing():
    run("import_caseload", str(DATA / "program.json"))
    before = (Member.history.count(), StaffProfile.history.count(),
              ServiceReferral.history.count())
    out, _ = run("import_caseload", str(DATA / "program.json"))
    assert "nothing changed" in out
    assert (Member.history.count(), StaffProfile.history.count(),
            ServiceReferral.history.count()) == before


def test_a_changed_file_updates_in_place(tmp_path):
    run("import_caseload", str(DATA / "program.json"))
    data = load()
    data["members"][0]["referrals"][0]["follow_up"] = None
    run("import_caseload", write(tmp_path, data))
    got = json.loads(report("2026-08-31", "--member", "m1"))
    follow_up = next(d for d in got["deadlines"] if d["rule"] == "referral_follow_up")
    assert follow_up["status"] == "overdue"
    assert Member.objects.count() == 3


def test_dry_run_saves_nothing():
    out, _ = run("import_caseload", str(DATA / "program.json"), "--dry-run")
    assert "Dry run" in out and "members: 3 created" in out
    assert not Member.objects.exists() and not StaffProfile.objects.exists()


def test_errors_name_their_json_path_and_nothing_is_saved(tmp_path):
    data = load()
    data["members"][1]["referrals"][0]["scheduled"] = "2026-13-01"
    data["members"][0]["masshealth_id"] = "12345"
    data["members"][2]["date_of_birth"] = "28/02/2019"
    data["staff"][1]["role"] = "nurse"
    exc = import_errors(tmp_path, data)
    message = str(exc.value)
    assert "nothing was imported" in message
    assert not Member.objects.exists() and not StaffProfile.objects.exists()


def test_error_lines(tmp_path, capsys):
    data = load()
    data["members"][1]["referrals"][0]["scheduled"] = "2026-13-01"
    data["members"][0]["masshealth_id"] = "12345"
    data["members"][2]["date_of_birth"] = "28/02/2019"
    data["staff"][1]["role"] = "nurse"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_caseload", write(tmp_path, data), stderr=err)
    lines = err.getvalue().splitlines()
    assert "members[1].referrals[0].scheduled: not a date" in lines
    assert "members[0].masshealth_id: not a MassHealth ID (12 digits)" in lines
    assert "members[2].date_of_birth: not a date" in lines
    assert any(line.startswith("staff[1].role: must be one of") for line in lines)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["members"][0].update(primary_contact="nobody"),
     "members[0].primary_contact: no staff member with key 'nobody'"),
    (lambda d: d["members"][1].update(key="m1"),
     "members[1].key: duplicate member key (also at members[0].key)"),
    (lambda d: d["members"][1]["referrals"][0].update(key="r1"),
     "members[1].referrals[0].key: duplicate referral key (also at members[0].referrals[0].key)"),
    (lambda d: d["members"][2].update(date_of_birth="2005-07-31"),
     "members[2].referral_date: the member is 21 or older on this date"),
    (lambda d: d["members"][0].pop("referral_date"), "members[0].referral_date: missing"),
    (lambda d: d["members"][0]["assessments"][0].update(kind="weekly"),
     "members[0].assessments[0].kind: must be one of"),
    (lambda d: d["members"][0].update(primary_language="not a tag!"),
     "members[0].primary_language: not a language tag"),
])
def test_semantic_and_schema_errors(tmp_path, change, expected):
    data = load()
    change(data)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_caseload", write(tmp_path, data), stderr=err)
    assert any(line.startswith(expected) for line in err.getvalue().splitlines()), \
        err.getvalue()
    assert not Member.objects.exists()


def test_staff_failing_their_role_check_is_an_error(tmp_path):
    data = load()
    data["staff"][0].update(education="associate", target_population_years=1.9)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_caseload", write(tmp_path, data), stderr=err)
    assert "staff[0]: Care coordinator (PS IV.B.3.a):" in err.getvalue()
    assert "has 1.9" in err.getvalue()
    assert not StaffProfile.objects.exists()


def test_not_json_and_missing_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="not JSON"):
        run("import_caseload", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        run("import_caseload", str(tmp_path / "missing.json"))


def test_report_csv_and_member_filter():
    run("import_caseload", str(DATA / "program.json"))
    out = report("2026-08-31", "--format", "csv", "--member", "m2")
    lines = out.strip().splitlines()
    assert lines[0] == "subject,rule,referral,due,status,satisfied_on,spec,stay"
    assert all(line.startswith("m2,") for line in lines[1:])
    assert "m2,referral_follow_up,r2,2026-07-01,excepted,," in out
    data = json.loads(report("2026-08-31", "--member", "m3"))
    assert data["summary"] == {"met": 0, "late": 0, "open": 2, "overdue": 0, "excepted": 0}


def test_report_before_any_referral_is_empty():
    run("import_caseload", str(DATA / "program.json"))
    data = json.loads(report("2025-01-01"))
    assert data["deadlines"] == []


def test_bad_as_of():
    with pytest.raises(CommandError, match="not a date"):
        report("31/08/2026")


def test_import_file_is_not_modified_by_the_import():
    data = load()
    snapshot = copy.deepcopy(data)
    run("import_caseload", str(DATA / "program.json"))
    assert data == snapshot
