"""The layering of issue 14 changed no behaviour: on the seeded demo program the compliance
report for 2026-12-01 is byte for byte the one the code gave before the change.

The expected file was written by the code of main at 6f06561 (before the redesign) with
``seed_demo`` (staff) and 120 synthetic members seeded as of 2026-12-01.
"""

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

EXPECTED = Path(__file__).parent / "data" / "compliance_report_demo_2026-12-01.json"
AS_OF = date(2026, 12, 1)
MEMBERS = 120


def demo_report() -> str:
    from cares.program.demo.program import seed_demo_members

    with override_settings(DEBUG=True):
        seed_demo_members(MEMBERS, today=AS_OF)
    out = io.StringIO()
    call_command("compliance_report", "--as-of", AS_OF.isoformat(), "--format", "json",
                 stdout=out)
    return out.getvalue()


def canonical(report: dict) -> dict:
    """The report with each demo referral's database id (its key in the report, since the
    demo seeds no referral keys) replaced by its rank: PostgreSQL's sequences are not reset
    between tests, so the ids themselves differ from run to run. Rows re-sorted by the
    report's own order on the ranks."""
    ids = sorted({int(r["referral"]) for r in report["deadlines"] if r.get("referral")})
    rank = {str(pk): f"referral #{i}" for i, pk in enumerate(ids, 1)}
    rows = [r | {"referral": rank[r["referral"]]} if r.get("referral") else r
            for r in report["deadlines"]]
    rows.sort(key=lambda r: (r["subject"], r["rule"], r["due"],
                             int(r.get("referral", "#0").rsplit("#", 1)[1])))
    return report | {"deadlines": rows}


@pytest.mark.django_db
def test_compliance_report_on_the_demo_program_is_unchanged():
    got = json.loads(demo_report())
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert got["summary"] == expected["summary"]
    assert got["program_checks"] == expected["program_checks"]
    assert len(got["deadlines"]) == len(expected["deadlines"])
    assert canonical(got) == canonical(expected)
