"""The export of the demo program's richest member is stable: compared with a checked-in
bundle (tests/data/fhir/demo_richest_member.json) after normalizing what differs from one
database to another (ids, the Bundle's timestamp) and the day the test runs (records' own
creation times). After an intended change, regenerate it and read the difference:
``CARES_UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/fhir/test_demo_bundle.py``."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.db.models import Count
from django.test import override_settings

from cares.program.demo.accounts import seed_demo_staff
from cares.program.demo.program import seed_demo_members
from cares.program.demo.quality import seed_demo_quality
from cares.program.fhir.bundle import member_bundle
from members.models import Member

pytestmark = pytest.mark.django_db
EXPECTED = Path(__file__).parent.parent / "data" / "fhir" / "demo_richest_member.json"
DEMO_DAY = date(2026, 6, 1)  # the demo program as seeded on this day
DEMO_MEMBERS = 300  # make run's DEMO_MEMBERS
BASE = "https://cares-kids.example/fhir"


def richest_member() -> Member:
    """The demo member with the most records the export carries (ties: the first key)."""
    return (Member.objects.annotate(
        n=Count("referrals", distinct=True) + Count("contact_records", distinct=True)
        + Count("care_plans", distinct=True) + Count("hospital_stays", distinct=True)
        + Count("releases", distinct=True) + Count("guardians", distinct=True)
        + Count("care_plans__goals", distinct=True))
        .order_by("-n", "key").first())


def normalized(bundle_json: str) -> dict:
    """Ids renumbered by order of appearance per kind (``careplan-1``...), everywhere they
    occur; the timestamp and the records' own creation times (a draft ICP's date, a stored
    document's) replaced by words."""
    bundle = json.loads(bundle_json)
    bundle["timestamp"] = "<timestamp>"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "CarePlan" and resource["status"] == "draft":
            resource["created"] = "<created>"
        if resource["resourceType"] == "DocumentReference":
            resource["date"] = "<created>"
    text = json.dumps(bundle, ensure_ascii=False, indent=1, sort_keys=True)
    numbering: dict[str, dict[str, int]] = {}

    def renumber(match: re.Match) -> str:
        kind, pk = match.group(1), match.group(2)
        seen = numbering.setdefault(kind, {})
        return f"{kind}-{seen.setdefault(pk, len(seen) + 1)}"

    text = re.sub(r"\b([a-z]+(?:-[a-z]+)*)-(\d+)\b", renumber, text)
    text = re.sub(r"/members/\d+/documents/\d+/", "/members/<member>/documents/<document>/",
                  text)
    return json.loads(text)


@override_settings(DEBUG=True)  # the demo accounts are made only with DEBUG on
def test_the_richest_demo_member_exports_as_expected():
    seed_demo_staff()
    seed_demo_members(DEMO_MEMBERS, today=DEMO_DAY)
    seed_demo_quality(today=DEMO_DAY)  # goals on the ICPs, with outcomes
    member = richest_member()
    made = normalized(member_bundle(member, clinical=True, base_url=BASE, on=DEMO_DAY).json)
    if os.environ.get("CARES_UPDATE_EXPECTED"):
        EXPECTED.parent.mkdir(parents=True, exist_ok=True)
        EXPECTED.write_text(json.dumps(made, ensure_ascii=False, indent=1, sort_keys=True)
                            + "\n", encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert made == expected
