"""Issue 12.1 and 13.13/13.16 through the public contract: ``closed_before_enrollment`` in
``import_caseload`` and ``compliance_report`` (deadlines.md reading 12, interchange.md), and
bad files that must give path-named errors and nothing else."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from members.models import Episode, EpisodeStatus, Member
from tests.deadlines.commands import run, write

DATA = Path(__file__).with_name("data")
pytestmark = pytest.mark.django_db


def load():
    return json.loads((DATA / "program.json").read_text())


def report(as_of, member=None):
    args = ["compliance_report", "--as-of", as_of] + (["--member", member] if member else [])
    out, _err = run(*args)
    return json.loads(out)


def refused(tmp_path, data) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_caseload", write(tmp_path, data), stderr=err, stdout=io.StringIO())
    assert not Member.objects.exists()
    return err.getvalue().splitlines()


def rules(found, *keys):
    return {d["rule"]: d for d in found["deadlines"] if d["rule"] in keys}


def test_without_the_key_nothing_changes(tmp_path):
    """m3 (referred 2026-08-01, not enrolled) owes the 60-day duties as before."""
    run("import_caseload", write(tmp_path, load()))
    found = rules(report("2026-10-15", "m3"), "initial_assessment_icp", "icp_copies")
    assert {k: (d["status"], d["due"]) for k, d in found.items()} == {
        "initial_assessment_icp": ("overdue", "2026-09-30"),
        "icp_copies": ("overdue", "2026-09-30")}


@pytest.mark.parametrize(("reason", "status"), [
    ("declined", EpisodeStatus.CLOSED_UNENROLLED), ("withdrew", EpisodeStatus.CLOSED_UNENROLLED),
    ("unreachable", EpisodeStatus.CLOSED_UNENROLLED), ("ineligible", EpisodeStatus.INELIGIBLE)])
def test_a_closed_episode_excepts_the_60_day_duties_open_or_overdue(tmp_path, reason, status):
    data = load()
    data["members"][2]["closed_before_enrollment"] = {"date": "2026-10-05", "reason": reason}
    run("import_caseload", write(tmp_path, data))
    episode = Episode.objects.get(member__key="m3")
    assert (episode.status, str(episode.closed_on), episode.closure_reason) == (
        status, "2026-10-05", reason)

    # Already overdue on the closing date (due 2026-09-30): excepted all the same.
    found = report("2026-10-15", "m3")
    duties = rules(found, "initial_assessment_icp", "icp_copies")
    assert {k: (d["status"], d["satisfied_on"]) for k, d in duties.items()} == {
        "initial_assessment_icp": ("excepted", None), "icp_copies": ("excepted", None)}
    assert found["summary"]["overdue"] == 0
    # Reading 1: before the closing date it is not known; the duties count as usual.
    before = rules(report("2026-10-04", "m3"), "initial_assessment_icp")
    assert before["initial_assessment_icp"]["status"] == "overdue"
    # Importing the same file again changes nothing.
    out, _ = run("import_caseload", write(tmp_path, data))
    assert "nothing changed" in out


def test_the_reason_is_kept_in_the_application(tmp_path):
    from cares.deadlines.models import Deadline

    data = load()
    data["members"][2]["closed_before_enrollment"] = {"date": "2026-08-20", "reason": "declined"}
    run("import_caseload", write(tmp_path, data))
    rows = Deadline.objects.filter(member__key="m3", rule__in=["initial_assessment_icp",
                                                                 "icp_copies"])
    assert {(r.status, r.exception_reason) for r in rows} == {
        ("excepted", "closed before enrollment: family declined CARES services")}


def test_closing_together_with_an_enrollment_is_refused_with_its_path(tmp_path):
    data = load()
    data["members"][0]["closed_before_enrollment"] = {"date": "2026-01-15", "reason": "declined"}
    lines = refused(tmp_path, data)
    assert any(line.startswith("members[0].closed_before_enrollment: the member has an "
                               "enrollment") for line in lines), lines


def test_a_closing_before_the_referral_or_with_an_unknown_reason_is_refused(tmp_path):
    data = load()
    data["members"][2]["closed_before_enrollment"] = {"date": "2026-07-01", "reason": "declined"}
    assert "members[2].closed_before_enrollment.date: before the referral date" in refused(
        tmp_path, data)
    data["members"][2]["closed_before_enrollment"] = {"date": "2026-09-01", "reason": "bored"}
    assert any(line.startswith("members[2].closed_before_enrollment.reason: must be one of")
               for line in refused(tmp_path, data))


# --- bad files: path-named errors, nothing else (issue 13.13, 13.16) ---------------------------

def test_an_unknown_key_is_an_error_at_every_level(tmp_path):
    data = load()
    data["members"][0]["asessments"] = data["members"][0].pop("assessments")
    data["members"][0]["care_plans"][0]["deliveries"][0]["colour"] = "blue"
    data["staff"][0]["nickname"] = "Ana"
    data["extra"] = 1
    lines = refused(tmp_path, data)
    for path in ("members[0].asessments", "members[0].care_plans[0].deliveries[0].colour",
                 "staff[0].nickname", "extra"):
        assert f"{path}: unknown key (not in the caseload format; check its spelling)" in lines


def test_the_optional_keys_are_known(tmp_path):
    data = load()
    for m in data["members"]:
        m.update(closed_before_enrollment=None, contacts=[], hospital_stays=[])
    data["members"][0]["monitoring"][0]["icp_update_needed"] = False
    out, _ = run("import_caseload", write(tmp_path, data))
    assert "Imported:" in out


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_numbers_that_are_not_numbers_are_path_named_errors(tmp_path, text):
    data = load()
    data["staff"][0]["target_population_years"] = "SENTINEL"
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(data).replace('"SENTINEL"', text))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_caseload", str(path), stderr=err, stdout=io.StringIO())
    assert err.getvalue().splitlines() == ["staff[0].target_population_years: not a number"]


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_arrays_are_refused_without_a_traceback(tmp_path, depth):
    data = load()
    path = tmp_path / "deep.json"
    text = json.dumps(data)
    path.write_text(text[:-1] + ', "members_x": ' + "[" * depth + "]" * depth + "}")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_caseload", str(path), stderr=err, stdout=io.StringIO())
    message = str(raised.value) + err.getvalue()
    assert "nested too deeply" in message or "members_x: unknown key" in message
    assert "Traceback" not in message
    assert not Member.objects.exists()


def test_duplicate_identifiers_are_named_by_path_never_by_value(tmp_path):
    data = load()
    data["members"][1]["masshealth_id"] = data["members"][0]["masshealth_id"]
    data["staff"][1]["email"] = data["staff"][0]["email"]
    lines = refused(tmp_path, data)
    assert "members[1].masshealth_id: duplicate MassHealth ID (also at members[0].masshealth_id)" \
        in lines
    assert "staff[1].email: duplicate e-mail (also at staff[0].email)" in lines
    text = "\n".join(lines)
    assert data["members"][0]["masshealth_id"] not in text
    assert data["staff"][0]["email"] not in text
