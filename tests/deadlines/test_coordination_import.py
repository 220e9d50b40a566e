"""Issue 15 through the public contract (interchange.md, deadlines.md readings 13-15):
``contacts``, ``hospital_stays`` and ``icp_update_needed`` in ``import_caseload``, and the
``member_contact``, ``discharge_follow_up`` and ``icp_update`` rows of ``compliance_report``."""

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from careplans.models import Assessment, CarePlan, CarePlanShare, ShareRecipient
from cares.deadlines.models import Deadline
from members.models import Contact, HospitalStay, Member, MonitoringReview
from tests.deadlines.commands import run, write

DATA = Path(__file__).with_name("data")
pytestmark = pytest.mark.django_db


def load():
    return json.loads((DATA / "program.json").read_text())


def with_coordination():
    """program.json with the new keys. m1 is enrolled on 2026-01-20 (ICP v1 on 2026-03-01);
    m2 is terminated on 2026-06-15."""
    data = load()
    m1, m2 = data["members"][0], data["members"][1]
    m1["contacts"] = [
        {"date": "2026-01-20", "mode": "in_person"},   # the anchor day itself: does not count
        {"date": "2026-02-01", "mode": "phone"},       # recorded, does not count
        {"date": "2026-02-10", "mode": "telehealth"},  # cycle 1 (due 02-19): met
        {"date": "2026-03-01", "mode": "message"},     # does not count
        {"date": "2026-03-20", "mode": "in_person"},   # cycle 2 (due 03-12): late
    ]
    m1["hospital_stays"] = [
        {"key": "h-before", "setting": "inpatient", "admitted": "2026-01-12",
         "discharged": "2026-01-15", "follow_up": None},  # discharged before enrollment
        {"key": "h-day7", "setting": "inpatient", "admitted": "2026-04-01",
         "discharged": "2026-04-03", "follow_up": "2026-04-10"},
        {"key": "h-day8", "setting": "emergency", "admitted": "2026-05-01",
         "discharged": "2026-05-01", "follow_up": "2026-05-09"},
        {"key": "h-stay-b", "setting": "emergency", "admitted": "2026-06-10",
         "discharged": "2026-06-10", "follow_up": None},
        {"key": "h-stay-a", "setting": "inpatient", "admitted": "2026-06-08",
         "discharged": "2026-06-10", "follow_up": "2026-06-12"},
        {"key": "h-ongoing", "setting": "inpatient", "admitted": "2026-06-20",
         "discharged": None, "follow_up": None},
    ]
    m1["assessments"].append({"kind": "annual", "completed": "2026-07-01",
                              "icp_update_needed": True})
    m1["monitoring"][0]["icp_update_needed"] = True  # 2026-08-15
    m1["care_plans"].append({"finalized": "2026-08-15", "deliveries": []})
    m2["monitoring"][0]["icp_update_needed"] = True  # 2026-04-10, due 05-10: overdue on T
    m2["monitoring"].append({"date": "2026-06-01", "icp_update_needed": True})  # open on T
    return data


def report(as_of, member=None):
    args = ["compliance_report", "--as-of", as_of] + (["--member", member] if member else [])
    out, _err = run(*args)
    return json.loads(out)


def rows(found, rule):
    return [{k: v for k, v in d.items() if k not in ("rule", "spec")}
            for d in found["deadlines"] if d["rule"] == rule]


def refused(tmp_path, data) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_caseload", write(tmp_path, data), stderr=err, stdout=io.StringIO())
    return err.getvalue().splitlines()


def records():
    """Every row an import of the new keys writes, and their history."""
    return {model.__name__: (model.objects.count(), model.history.count())
            for model in (Contact, HospitalStay, MonitoringReview, Assessment)}


# --- the round trip -----------------------------------------------------------------------------

def test_member_contact_counts_in_person_and_telehealth_strictly_after_the_anchor(tmp_path):
    run("import_caseload", write(tmp_path, with_coordination()))
    assert rows(report("2026-04-30", "m1"), "member_contact") == [
        {"subject": "m1", "due": "2026-02-19", "status": "met", "satisfied_on": "2026-02-10"},
        {"subject": "m1", "due": "2026-03-12", "status": "late", "satisfied_on": "2026-03-20"},
        {"subject": "m1", "due": "2026-04-19", "status": "overdue", "satisfied_on": None},
    ]
    contact = Contact.objects.get(member__key="m1", contact_mode="phone")
    assert timezone.localdate(contact.contact_at).isoformat() == "2026-02-01"
    assert contact.contact_at == timezone.make_aware(datetime(2026, 2, 1, 12))
    assert contact.with_member and not contact.qualifies


def test_discharge_follow_up_carries_the_stay_key_sorted_by_it_on_the_same_due_date(tmp_path):
    run("import_caseload", write(tmp_path, with_coordination()))
    found = report("2026-06-30", "m1")
    assert rows(found, "discharge_follow_up") == [
        {"subject": "m1", "due": "2026-04-10", "status": "met", "satisfied_on": "2026-04-10",
         "stay": "h-day7"},
        {"subject": "m1", "due": "2026-05-08", "status": "late", "satisfied_on": "2026-05-09",
         "stay": "h-day8"},
        {"subject": "m1", "due": "2026-06-17", "status": "met", "satisfied_on": "2026-06-12",
         "stay": "h-stay-a"},
        {"subject": "m1", "due": "2026-06-17", "status": "overdue", "satisfied_on": None,
         "stay": "h-stay-b"},
    ]  # none for h-before (discharged before enrollment), none for h-ongoing
    assert all("referral" not in d for d in found["deadlines"]
               if d["rule"] == "discharge_follow_up")
    assert all("stay" not in d for d in found["deadlines"]
               if d["rule"] != "discharge_follow_up")


def test_icp_update_met_on_the_review_day_late_after_and_excepted_on_termination(tmp_path):
    run("import_caseload", write(tmp_path, with_coordination()))
    assert rows(report("2026-08-31", "m1"), "icp_update") == [
        {"subject": "m1", "due": "2026-07-31", "status": "late", "satisfied_on": "2026-08-15"},
        {"subject": "m1", "due": "2026-09-14", "status": "met", "satisfied_on": "2026-08-15"},
    ]
    found = report("2026-06-30", "m2")
    assert rows(found, "icp_update") == [
        {"subject": "m2", "due": "2026-05-10", "status": "overdue", "satisfied_on": None},
        {"subject": "m2", "due": "2026-07-01", "status": "excepted", "satisfied_on": None},
    ]
    stored = Deadline.objects.get(member__key="m2", rule="icp_update", due="2026-07-01")
    assert stored.exception_reason == "member terminated"
    review = MonitoringReview.objects.get(member__key="m2", reviewed_on="2026-06-01")
    assert review.icp_update_needed
    assert Assessment.objects.get(member__key="m1", kind="annual").icp_update_needed


def test_the_csv_report_keeps_its_columns_and_names_the_stay_last(tmp_path):
    run("import_caseload", write(tmp_path, with_coordination()))
    out, _ = run("compliance_report", "--as-of", "2026-06-30", "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == "subject,rule,referral,due,status,satisfied_on,spec,stay"
    stays = [line for line in lines if ",discharge_follow_up," in line]
    assert stays and all(line.rsplit(",", 1)[1] for line in stays)  # each names its stay


# --- importing again ----------------------------------------------------------------------------

def test_importing_twice_changes_nothing(tmp_path):
    path = write(tmp_path, with_coordination())
    out, _ = run("import_caseload", path)
    assert "contacts: 5 created, 0 updated, 0 deleted" in out
    assert "hospital stays: 6 created, 0 updated, 0 deleted" in out
    before = records()
    out, _ = run("import_caseload", path)
    assert "nothing changed" in out
    assert records() == before


def test_a_changed_file_updates_in_place_and_removes_what_it_no_longer_lists(tmp_path):
    data = with_coordination()
    run("import_caseload", write(tmp_path, data))
    stay = HospitalStay.objects.get(key="h-stay-b")
    data["members"][0]["hospital_stays"][3]["follow_up"] = "2026-06-16"
    del data["members"][0]["contacts"][1]  # the phone call
    data["members"][1]["monitoring"][1]["icp_update_needed"] = False
    out, _ = run("import_caseload", write(tmp_path, data))
    assert "hospital stays: 0 created, 1 updated, 0 deleted" in out
    assert "contacts: 0 created, 0 updated, 1 deleted" in out
    assert "monitoring reviews: 0 created, 1 updated, 0 deleted" in out
    stay.refresh_from_db()
    assert str(stay.follow_up_on) == "2026-06-16"
    assert not Contact.objects.filter(contact_mode="phone").exists()
    assert rows(report("2026-06-30", "m2"), "icp_update") == [
        {"subject": "m2", "due": "2026-05-10", "status": "overdue", "satisfied_on": None}]


def test_a_file_without_the_keys_leaves_records_made_in_the_application(tmp_path):
    data = with_coordination()
    run("import_caseload", write(tmp_path, data))
    m1 = Member.objects.get(key="m1")
    school = Contact.objects.create(member=m1, contact_at=timezone.now(),
                                    contact_mode="phone", with_school=True)
    recorded = HospitalStay.objects.create(member=m1, setting="inpatient",
                                           admitted_on="2026-07-01")
    out, _ = run("import_caseload", write(tmp_path, data))  # a contact with the school only
    assert "nothing changed" in out                          # is not the file's to remove
    for member in data["members"]:
        member.pop("contacts", None)
        member.pop("hospital_stays", None)
    out, _ = run("import_caseload", write(tmp_path, data))
    assert "contacts" not in out and "hospital stays" not in out
    assert Contact.objects.filter(member=m1).count() == 6
    assert HospitalStay.objects.filter(member=m1).count() == 7
    assert Contact.objects.filter(pk=school.pk).exists()
    assert HospitalStay.objects.filter(pk=recorded.pk).exists()


def test_a_stay_other_records_name_cannot_be_dropped_by_a_file(tmp_path):
    """The ICP was shared with the stay's discharge team (PS VI.A.1.c.4): the file cannot
    remove the stay (an error at the list's path, not a traceback), and nothing changes."""
    data = with_coordination()
    run("import_caseload", write(tmp_path, data))
    stay = HospitalStay.objects.get(key="h-day7")
    CarePlanShare.objects.create(
        care_plan=CarePlan.objects.get(member=stay.member, version=1), hospital_stay=stay,
        recipient_kind=ShareRecipient.DISCHARGE_TEAM, recipient="Discharge team",
        shared_on="2026-04-02")
    before = records()
    del data["members"][0]["hospital_stays"][1]
    assert refused(tmp_path, data) == [
        "members[0].hospital_stays: a stored record the file no longer lists cannot be "
        "removed: other records refer to it"]
    assert records() == before


def test_flipping_a_reassessment_flag_replaces_it(tmp_path):
    """A completed assessment cannot change (PS VI.A.1.b): another finding is another
    record, so the import still succeeds."""
    data = with_coordination()
    run("import_caseload", write(tmp_path, data))
    data["members"][0]["assessments"][1]["icp_update_needed"] = False
    out, _ = run("import_caseload", write(tmp_path, data))
    assert "assessments: 1 created, 0 updated, 1 deleted" in out
    assert not Assessment.objects.get(member__key="m1", kind="annual").icp_update_needed


def test_dry_run_writes_nothing(tmp_path):
    out, _ = run("import_caseload", write(tmp_path, with_coordination()), "--dry-run")
    assert "Dry run" in out and "hospital stays: 6 created" in out
    assert "contacts: 5 created" in out
    assert records() == {"Contact": (0, 0), "HospitalStay": (0, 0),
                         "MonitoringReview": (0, 0), "Assessment": (0, 0)}
    assert not Member.objects.exists()


# --- bad files: every error with its JSON path, nothing written ---------------------------------

def _stay(**values):
    return {"key": "h9", "setting": "inpatient", "admitted": "2026-04-01",
            "discharged": "2026-04-03", "follow_up": None} | values


@pytest.mark.parametrize(("change", "expected"), [
    (lambda m: m.update(contacts=[{"date": "2026-02-01", "mode": "fax"}]),
     "members[0].contacts[0].mode: must be one of in_person, telehealth, phone, message"),
    (lambda m: m.update(contacts=[{"date": "2026-02-31", "mode": "phone"}]),
     "members[0].contacts[0].date: not a date"),
    (lambda m: m.update(contacts=[{"date": "2026-02-01"}]),
     "members[0].contacts[0].mode: missing"),
    (lambda m: m.update(hospital_stays=[_stay(setting="hospice")]),
     "members[0].hospital_stays[0].setting: must be one of inpatient, emergency"),
    (lambda m: m.update(hospital_stays=[_stay(discharged="2026-03-31")]),
     "members[0].hospital_stays[0].discharged: before the admission date"),
    (lambda m: m.update(hospital_stays=[_stay(follow_up="2026-04-02")]),
     "members[0].hospital_stays[0].follow_up: before the discharge date"),
    (lambda m: m.update(hospital_stays=[_stay(discharged=None, follow_up="2026-04-02")]),
     "members[0].hospital_stays[0].follow_up: the stay has no discharge date (a follow-up "
     "comes after the discharge)"),
    (lambda m: m["assessments"][0].update(icp_update_needed=True),
     "members[0].assessments[0].icp_update_needed: an initial assessment has no ICP to "
     "update yet (only a reassessment or a monitoring review can ask for an update; "
     "deadlines.md reading 15)"),
    (lambda m: m["monitoring"][0].update(icp_update_needed="yes"),
     "members[0].monitoring[0].icp_update_needed: must be boolean"),
])
def test_a_bad_value_is_an_error_at_its_path_and_nothing_is_written(tmp_path, change,
                                                                    expected):
    data = with_coordination()
    change(data["members"][0])
    assert refused(tmp_path, data) == [expected]
    assert not Member.objects.exists()
    assert records() == {"Contact": (0, 0), "HospitalStay": (0, 0),
                         "MonitoringReview": (0, 0), "Assessment": (0, 0)}


def test_a_false_flag_on_an_initial_assessment_is_the_same_as_none(tmp_path):
    data = load()
    data["members"][0]["assessments"][0]["icp_update_needed"] = False
    out, _ = run("import_caseload", write(tmp_path, data))
    assert "Imported:" in out


def test_stay_keys_are_unique_file_wide(tmp_path):
    data = with_coordination()
    data["members"][1]["hospital_stays"] = [_stay(key="h-day7", admitted="2025-10-01",
                                                  discharged="2025-10-02")]
    assert refused(tmp_path, data) == [
        "members[1].hospital_stays[0].key: duplicate stay key "
        "(also at members[0].hospital_stays[1].key)"]
    assert not Member.objects.exists()


def test_a_stay_key_another_member_has_is_refused_and_nothing_changes(tmp_path):
    data = with_coordination()
    run("import_caseload", write(tmp_path, data))
    before = records()
    moved = data["members"][0]["hospital_stays"].pop(1)
    data["members"][1]["hospital_stays"] = [moved | {"admitted": "2025-10-01",
                                                     "discharged": "2025-10-02",
                                                     "follow_up": None}]
    data["members"][0]["contacts"] = []  # would delete five contacts, if anything were saved
    assert refused(tmp_path, data) == [
        "members[1].hospital_stays[0].key: already used by another member"]
    assert records() == before
    assert HospitalStay.objects.get(key="h-day7").member.key == "m1"


def test_a_refusal_while_writing_writes_none_of_the_new_records(tmp_path):
    """All or nothing: m1's contacts and stays, written first, are rolled back when m2's
    primary contact is refused while writing (the enrollment service's role rule)."""
    data = with_coordination()
    data["staff"][1].update(role="family_support", education="high_school",
                            target_population_years=2, relevant_experience_years=2)
    lines = refused(tmp_path, data)
    assert any(line.startswith("members[1].primary_contact: ") for line in lines), lines
    assert not Member.objects.exists()
    assert records() == {"Contact": (0, 0), "HospitalStay": (0, 0),
                         "MonitoringReview": (0, 0), "Assessment": (0, 0)}
