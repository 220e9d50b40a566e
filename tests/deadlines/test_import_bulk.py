"""``import_caseload`` in bulk (issue 20): a fixed number of queries whatever the number of
members, one transaction, all or nothing, each refusal named by its JSON path, the history
of every record it writes, and a second import of the same file changing nothing."""

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from cares.base.audit.models import AuditEvent
from cares.program.interchange import importer
from cares.program.interchange.importer import CaseloadImportError, import_caseload
from members.models import (
    CareTeamMember,
    Episode,
    Guardian,
    HospitalStay,
    Member,
    ReferralFollowUp,
    Removal,
    ServiceReferral,
)
from notices.models import Letter

DATA = Path(__file__).with_name("data")
TODAY = date(2026, 9, 1)
pytestmark = pytest.mark.django_db
HISTORY = (Member, Episode, CareTeamMember, Guardian, Letter, Assessment, CarePlan,
           CarePlanDelivery, ServiceReferral, ReferralFollowUp, HospitalStay, Removal)


def caseload(n: int) -> dict:
    """program.json's three members repeated ``n`` times over with their own keys and IDs."""
    data = json.loads((DATA / "program.json").read_text())
    members = []
    for i in range(n):
        m = copy.deepcopy(data["members"][i % 3])
        m["key"], m["masshealth_id"] = f"m{i}", f"{100200300400 + i:012d}"
        for j, r in enumerate(m["referrals"]):
            r["key"] = f"r{i}-{j}"
        m["hospital_stays"] = [{"key": f"h{i}", "setting": "inpatient",
                                "admitted": "2026-04-01", "discharged": "2026-04-03",
                                "follow_up": "2026-04-05"}] if i % 3 == 0 else []
        m["contacts"] = [{"date": "2026-03-10", "mode": "phone"}] if i % 3 == 0 else []
        members.append(m)
    data["members"] = members
    return data


def stored() -> dict:
    """Every record the import writes, with its history."""
    return {model.__name__: (model.objects.count(), model.history.count())
            for model in HISTORY}


@pytest.fixture
def no_refresh(monkeypatch):
    """The deadline refresh is the deadline engine's (pinned in its own tests)."""
    monkeypatch.setattr(importer, "refresh_deadlines", lambda **kwargs: None)


def test_a_second_import_changes_nothing():
    data = caseload(6)
    first = import_caseload(data, today=TODAY)
    assert first.created["members"] == 6
    before, audits = stored(), AuditEvent.objects.count()
    second = import_caseload(data, today=TODAY)
    assert not second.changed
    assert second.lines() == ["nothing changed"]
    assert stored() == before
    assert AuditEvent.objects.count() == audits


def test_one_historical_row_per_created_and_changed_record():
    data = caseload(3)
    import_caseload(data, today=TODAY)
    for model in HISTORY:
        created = model.history.filter(history_type="+").count()
        assert created == model.objects.count(), model.__name__
        assert not model.history.exclude(history_type="+").exists(), model.__name__
    member = Member.objects.get(key="m0")
    assert member.search_name == "leo tran"
    assert AuditEvent.objects.filter(member=member, object_type="members.Member",
                                     action="create").count() == 1
    data["members"][0]["first_name"] = "Léon"
    data["members"][0]["guardians"][0]["phone"] = "617-555-0199"
    counts = import_caseload(data, today=TODAY)
    assert counts.updated == {"members": 1, "guardians": 1}
    member.refresh_from_db()
    assert (member.legal_first_name, member.search_name) == ("Léon", "leon tran")
    assert list(member.history.values_list("history_type", "legal_first_name")) == [
        ("~", "Léon"), ("+", "Leo")]
    assert Guardian.history.filter(member_id=member.pk, history_type="~").count() == 1
    update = AuditEvent.objects.get(member=member, action="update",
                                    object_type="members.Member")
    assert update.detail == {"fields": ["legal_first_name"]}


def test_records_the_file_no_longer_lists_are_removed_with_their_history():
    data = caseload(3)
    import_caseload(data, today=TODAY)
    data["members"][0]["guardians"] = []
    data["members"][0]["hospital_stays"] = []
    counts = import_caseload(data, today=TODAY)
    assert counts.deleted == {"guardians": 1, "hospital stays": 1}
    member = Member.objects.get(key="m0")
    assert not member.guardians.exists() and not member.hospital_stays.exists()
    assert Guardian.history.filter(member_id=member.pk, history_type="-").count() == 1


def test_a_bad_record_late_in_a_large_file_saves_nothing_and_names_its_path(no_refresh,
                                                                             monkeypatch):
    """A value only the model refuses (the schema let through): the bulk path's validation."""
    monkeypatch.setattr(importer, "schema_errors", lambda data: [])
    data = caseload(1000)
    data["members"][900]["guardians"] = [{"name": "x" * 300, "relationship": "mother",
                                          "phone": "", "email": None, "address": ""}]
    with pytest.raises(CaseloadImportError) as exc:
        import_caseload(data, today=TODAY)
    assert exc.value.errors == ["members[900].guardians[0].name: Ensure this value has at most "
                                "200 characters (it has 300)."]
    assert stored() == {model.__name__: (0, 0) for model in HISTORY}


def test_a_refused_update_of_a_finalized_icp_is_named_and_saves_nothing():
    data = caseload(3)
    import_caseload(data, today=TODAY)
    before = stored()
    data["members"][0]["care_plans"][0]["finalized"] = "2026-03-04"
    data["members"][1]["first_name"] = "Samuel"
    with pytest.raises(CaseloadImportError) as exc:
        import_caseload(data, today=TODAY)
    assert [e.split(":")[0] for e in exc.value.errors] == ["members[0].care_plans[0]"]
    assert stored() == before
    assert Member.objects.get(key="m1").legal_first_name == "Sam"


def _numbered(n: int) -> dict:
    """``caseload(n)`` with keys and IDs of its own, so that files of different sizes can be
    imported one after the other."""
    data = caseload(n)
    for m in data["members"]:
        m["key"], m["masshealth_id"] = f"{n}-{m['key']}", f"{n}{m['masshealth_id'][2:]}"
        for r in m["referrals"] + m["hospital_stays"]:
            r["key"] = f"{n}-{r['key']}"
    return data


def _queries(django_assert_max_num_queries, data) -> tuple[int, int, set]:
    """(queries other than inserts, inserts, tables inserted into) of one import."""
    with django_assert_max_num_queries(200) as captured:
        import_caseload(data, today=TODAY)
    inserts = [q["sql"].split('"')[1] for q in captured.captured_queries
               if q["sql"].startswith(("INSERT", "COPY"))]
    return len(captured) - len(inserts), len(inserts), set(inserts)


@pytest.mark.parametrize("again", [False, True], ids=["first import", "second import"])
def test_the_number_of_queries_does_not_grow_with_the_members(django_assert_max_num_queries,
                                                               no_refresh, again):
    """Ten members and forty: the same queries (the program and staff are stored and
    unchanged; the deadline refresh is left out). Inserts go per table, in batches: SQLite
    takes 999 values a statement, so a wide table may take a second one at forty members."""
    import_caseload(caseload(0), today=TODAY)
    found = []
    for n in (10, 40):
        data = _numbered(n)
        if again:
            import_caseload(data, today=TODAY)
        found.append(_queries(django_assert_max_num_queries, data))
    (reads_10, inserts_10, tables_10), (reads_40, inserts_40, tables_40) = found
    assert reads_10 == reads_40
    assert tables_10 == tables_40
    assert inserts_10 <= inserts_40 <= 2 * len(tables_40)
    if again:  # nothing of the members is written again
        assert inserts_10 == inserts_40
        assert not tables_40 & {model._meta.db_table for model in HISTORY}


def test_a_training_added_on_a_second_import_is_counted_in_the_staff_deadlines():
    """The import recomputes the staff it saved once, at its end (``events.muted``): a new
    training on an otherwise unchanged file still reaches the staff member's deadlines."""
    from cares.base.staff.models import StaffProfile
    from cares.deadlines.models import Deadline
    from cares.deadlines.services import refresh_deadlines

    data = caseload(3)
    import_caseload(data, today=TODAY)
    ana = StaffProfile.objects.get(key="s1")
    before = dict(Deadline.objects.filter(staff=ana).values_list("rule", "status"))
    assert before["staff_initial_training"] == "overdue"
    data["staff"][0]["trainings"] += [  # the rest of PS V.A and V.B, late
        {"topic": topic, "completed": "2026-06-01"} for topic in (
            "equity_implicit_bias", "privacy_hipaa_ferpa", "community_resources",
            "education_systems_iep_504", "shared_plan_of_care")]
    import_caseload(data, today=TODAY)
    after = dict(Deadline.objects.filter(staff=ana).values_list("rule", "status"))
    assert ana.trainings.count() == 6
    assert after["staff_initial_training"] == "late"
    assert refresh_deadlines() == {"created": 0, "updated": 0, "deleted": 0}
