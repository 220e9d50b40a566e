"""The streamed compliance report (``cares.deadlines.report``, issue 20) writes the bytes the
report always had: ``json.dumps(report, indent=2, ensure_ascii=False)`` of the report built in
memory, and the same CSV, in the same order, with a number of queries that does not grow
with the number of members. The synthetic caseload of the interchange bench imports without
errors, and evaluating the rules over the file alone gives the report's summary."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cares.base.staff.models import StaffProfile
from cares.base.staff.selectors import program_check_results
from cares.deadlines.facts import (
    consult_facts,
    episode_facts,
    members_with_records,
    staff_facts,
    staff_with_records,
    subject_key,
)
from cares.deadlines.lengths import program_lengths
from cares.deadlines.report import (
    CSV_FIELDS,
    compliance_report,
    row_dict,
    write_compliance_report,
)
from cares.deadlines.rules import compute_consults, compute_member, compute_staff, summarize
from cares.program.demo.bench_interchange import plain_report_summary, synthetic_caseload
from cares.program.demo.program import seed_demo_members
from cares.program.interchange.importer import import_caseload
from members.models import Member
from tests.deadlines.commands import run

DATA = Path(__file__).with_name("data")
AS_OF = date(2026, 12, 1)
pytestmark = pytest.mark.django_db


def reference_report(as_of: date, member_key: str | None = None) -> dict:
    """The report as it was built before streaming: every deadline found (members by id,
    then staff by id), then one stable sort of all the rows."""
    members = Member.objects.all()
    if member_key is not None:
        members = members.filter(key=member_key)
    lengths = program_lengths()
    found = [(subject_key(m), d) for m in members_with_records(members)
             for _episode, facts in episode_facts(m)
             for d in compute_member(facts, as_of, lengths=lengths)]
    if member_key is None:
        found += [(subject_key(p), d) for p in staff_with_records()
                  for d in [*compute_staff(staff_facts(p), as_of),
                            *compute_consults(consult_facts(p), as_of)]]
    rows = [row_dict(key, d) for key, d in found]
    rows.sort(key=lambda r: (r["subject"], r["rule"], r["due"],
                             r.get("referral") or r.get("stay") or ""))
    checks = [{"check": c.key, "ok": c.ok, "detail": c.detail}
              for c in program_check_results(on=as_of)]
    return {"as_of": as_of.isoformat(), "deadlines": rows, "program_checks": checks,
            "summary": summarize(d for _key, d in found)}


def reference_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in report["deadlines"]:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in CSV_FIELDS})
    return out.getvalue()


def streamed(as_of: date, fmt: str, **options) -> str:
    out = io.StringIO()
    write_compliance_report(out, as_of, fmt=fmt, **options)
    return out.getvalue()


@pytest.fixture
def demo_program():
    with override_settings(DEBUG=True):
        seed_demo_members(30, today=AS_OF)


@pytest.mark.usefixtures("demo_program")
@pytest.mark.parametrize("chunk_size", [2000, 7, 1])
def test_streamed_json_and_csv_are_the_report_built_in_memory(chunk_size):
    expected = reference_report(AS_OF)
    assert expected["deadlines"] and StaffProfile.objects.exists()
    assert streamed(AS_OF, "json", chunk_size=chunk_size) == json.dumps(
        expected, indent=2, ensure_ascii=False)
    assert streamed(AS_OF, "csv", chunk_size=chunk_size) == reference_csv(expected)
    assert compliance_report(AS_OF) == expected


@pytest.mark.usefixtures("demo_program")
def test_the_command_streams_the_same_bytes_for_one_member():
    key = Member.objects.order_by("pk").values_list("key", flat=True)[3]
    expected = reference_report(AS_OF, key)
    assert expected["deadlines"]
    out, _ = run("compliance_report", "--as-of", AS_OF.isoformat(), "--member", key)
    assert out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    out, _ = run("compliance_report", "--as-of", AS_OF.isoformat(), "--member", key,
                 "--format", "csv")
    assert out == reference_csv(expected)
    out, _ = run("compliance_report", "--as-of", AS_OF.isoformat(), "--member", "nobody")
    assert json.loads(out)["deadlines"] == []


def test_member_and_staff_subjects_interleave_by_key_even_when_equal():
    """A member keyed like a staff member ("s1") and one between two staff keys: their rows
    take the places the one sort gives them, the member's before the staff member's on a
    tie."""
    run("import_caseload", str(DATA / "program.json"))
    first, second = Member.objects.order_by("pk")[:2]
    Member.objects.filter(pk=first.pk).update(key="s1")
    Member.objects.filter(pk=second.pk).update(key="s10")
    expected = reference_report(date(2026, 8, 31))
    subjects = [r["subject"] for r in expected["deadlines"]]
    assert "s1" in subjects and "s2" in subjects and "s10" in subjects
    for chunk_size in (2000, 1):
        assert streamed(date(2026, 8, 31), "json", chunk_size=chunk_size) == json.dumps(
            expected, indent=2, ensure_ascii=False)
        assert streamed(date(2026, 8, 31), "csv", chunk_size=chunk_size) == \
            reference_csv(expected)


def report_queries(n: int) -> int:
    with override_settings(DEBUG=True):
        seed_demo_members(n, today=AS_OF)
    with CaptureQueriesContext(connection) as queries:
        streamed(AS_OF, "json")
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_members():
    assert report_queries(4) == report_queries(16)


def test_the_synthetic_caseload_imports_and_its_plain_evaluation_is_the_report():
    today = date(2026, 9, 15)
    data = synthetic_caseload(40, today)
    counts = import_caseload(data, today=today)
    assert counts.created["members"] == 40
    report = compliance_report(today)
    assert {r["subject"] for r in report["deadlines"]} >= {m["key"] for m in data["members"]}
    summary, rows = plain_report_summary(data, today)
    assert summary == report["summary"]
    assert rows == len(report["deadlines"])
    assert {r["rule"] for r in report["deadlines"]} >= {
        "initial_assessment_icp", "icp_copies", "enrollment_letter", "monitoring",
        "annual_reassessment", "referral_follow_up", "member_contact", "discharge_follow_up",
        "icp_update", "termination_letter", "aftercare_plan", "staff_initial_training"}
