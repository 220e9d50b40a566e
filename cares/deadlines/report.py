"""The compliance report of ``shared/spec/interchange.md``, written as it is computed.

``write_compliance_report`` writes the report to a text stream chunk by chunk of members:
never every deadline of the program at once. The bytes are those the report has always had:
``json.dumps(report, indent=2, ensure_ascii=False)`` of ``compliance_report``'s dict, or its
CSV. The order is the report's, (subject, rule, due, referral or stay key): subjects (members
and staff, whose keys interleave) are taken in key order, and each subject's deadlines are
sorted, stably, in the order they were found (members by id, each episode in turn, then
staff by id), so rows that tie on the sort key come out as they always did. The summary is
counted on the way."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from itertools import groupby
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from typing import TextIO

from cares.base.ops.memory import gc_paused
from cares.base.staff.selectors import program_check_results
from cares.deadlines.bulk_facts import member_facts_in_bulk, staff_facts_in_bulk
from cares.deadlines.lengths import program_lengths
from cares.deadlines.member_facts import MemberFacts
from cares.deadlines.rules import (
    RULES,
    STATUSES,
    Deadline,
    compute_member,
)
from cares.deadlines.subjects import deadlines_from_facts
from members.models import Member

REFERRAL_RULES = ("referral_follow_up", "referral_inquiry_response", "referral_closure_notice")
STAY_RULES = ("discharge_follow_up",)  # the report names the stay (interchange.md)
NAMED_RULES = frozenset(REFERRAL_RULES + STAY_RULES)
# "stay" (discharge follow-ups, reading 14) came last, so existing columns keep their places.
CSV_FIELDS = ["subject", "rule", "referral", "due", "status", "satisfied_on", "spec", "stay"]
CHUNK_SIZE = 2000

Row = tuple[str, Deadline]  # (subject key, deadline)
_RULE = attrgetter("rule")
_RULE_DUE = attrgetter("rule", "due")


def member_episodes(ids: list[int]) -> Iterable[tuple[int, Iterable[tuple[int, MemberFacts]]]]:
    """(member id, ((episode id, facts), ...)) for the members ``ids``: the one place the
    report reads member records (``values_list`` queries, a fixed number per chunk)."""
    return ((m.member_id, m.episodes) for m in member_facts_in_bulk(ids))


def _member_subjects(member_key: str | None) -> list[tuple[str, int]]:
    """(subject key, id) of the members in the report, in subject-key order (in Python: the
    database's collation need not be Python's string order); equal keys by id."""
    members = Member.objects.all()
    if member_key is not None:
        members = members.filter(key=member_key) if not member_key.isdigit() else \
            members.filter(key=member_key) | members.filter(pk=int(member_key), key__isnull=True)
    return sorted((key or str(pk), pk) for pk, key in members.values_list("pk", "key"))


def _chunks(subjects: list[tuple[str, int]], size: int) -> Iterator[list[tuple[str, int]]]:
    """Chunks of about ``size`` members; the members of one subject key stay together."""
    chunk: list[tuple[str, int]] = []
    for item in subjects:
        if len(chunk) >= size and item[0] != chunk[-1][0]:
            yield chunk
            chunk = []
        chunk.append(item)
    if chunk:
        yield chunk


def _staff_by_key(as_of: date) -> dict[str, list[Deadline]]:
    """Each staff subject's deadlines (training, PS V; consultation answers, PS IV.A.2, as
    ``subjects.staff_deadlines`` gives them), staff by id. Staff are few: computed at once."""
    out: dict[str, list[Deadline]] = {}
    for staff in staff_facts_in_bulk():
        out.setdefault(staff.key, []).extend(
            deadlines_from_facts(staff.training, staff.consults, as_of))
    return out


def _sort_key(d: Deadline) -> tuple:
    """(rule, due, referral or stay key)."""
    return d.rule, d.due, (d.ref or "") if d.rule in NAMED_RULES else ""


def _subject_rows(key: str, found: list[Deadline]) -> list[Row]:
    """The subject's rows in the report's order: sorted stably (ties keep found order) by
    ``_sort_key``, or by (rule, due) alone when no deadline names a referral or stay (the
    same order, found with no Python call per deadline)."""
    found.sort(key=_RULE_DUE if NAMED_RULES.isdisjoint(map(_RULE, found)) else _sort_key)
    return [(key, d) for d in found]


def ordered_deadlines(as_of: date, *, member_key: str | None = None,
                      chunk_size: int = CHUNK_SIZE) -> Iterator[list[Row]]:
    """The report's deadlines in the report's order, a chunk of members at a time (staff
    subjects between them where their keys fall)."""
    lengths = program_lengths()
    staff = _staff_by_key(as_of) if member_key is None else {}
    staff_keys = sorted(staff)
    s = 0
    for chunk in _chunks(_member_subjects(member_key), chunk_size):
        episodes = dict(member_episodes([pk for _key, pk in chunk]))
        rows: list[Row] = []
        for key, group in groupby(chunk, key=itemgetter(0)):
            while s < len(staff_keys) and staff_keys[s] < key:
                rows += _subject_rows(staff_keys[s], staff[staff_keys[s]])
                s += 1
            found = [d for _key, pk in group for _episode, facts in episodes.get(pk, ())
                     for d in compute_member(facts, as_of, lengths=lengths)]
            if s < len(staff_keys) and staff_keys[s] == key:
                found += staff[key]
                s += 1
            rows += _subject_rows(key, found)
        yield rows
    rest = [row for k in staff_keys[s:] for row in _subject_rows(k, staff[k])]
    if rest:
        yield rest


def row_dict(key: str, d: Deadline) -> dict:
    """One deadline of the report, as a JSON object."""
    row = {"subject": key, "rule": d.rule, "due": d.due.isoformat(), "status": d.status,
           "satisfied_on": d.satisfied_on.isoformat() if d.satisfied_on else None,
           "spec": d.citation}
    if d.rule in REFERRAL_RULES:
        row["referral"] = d.ref
    elif d.rule in STAY_RULES:
        row["stay"] = d.ref
    return row


def _checks(as_of: date) -> list[dict]:
    return [{"check": c.key, "ok": c.ok, "detail": c.detail}
            for c in program_check_results(on=as_of)]


def compliance_report(as_of: date, *, member_key: str | None = None) -> dict:
    """The report as a dict (``json.dumps(..., indent=2, ensure_ascii=False)`` of it is what
    ``write_compliance_report`` writes)."""
    summary = dict.fromkeys(STATUSES, 0)
    rows = []
    for chunk in ordered_deadlines(as_of, member_key=member_key):
        for key, d in chunk:
            summary[d.status] += 1
            rows.append(row_dict(key, d))
    return {"as_of": as_of.isoformat(), "deadlines": rows, "program_checks": _checks(as_of),
            "summary": summary}


def _json(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


@cache
def _rule_parts(rule: str) -> tuple[str, str, str]:
    """The text of a row around its due date and status that depends on its rule alone: the
    rule, the spec, and the name of the field that names the referral or stay, if any."""
    named = ',\n      "referral": ' if rule in REFERRAL_RULES else \
        ',\n      "stay": ' if rule in STAY_RULES else ""
    return (f'{_json(rule)},\n      "due": "',
            f',\n      "spec": {_json(RULES[rule].citation)}', named)


@cache
def _status_part(status: str) -> str:
    return f'",\n      "status": {_json(status)},\n      "satisfied_on": '


def _json_rows(chunk: list[Row]) -> str:
    """The rows of ``chunk`` as ``json.dumps(indent=2)`` writes ``row_dict`` of each two
    levels down, joined by ``,\\n``: the parts that repeat (a subject's, a rule's, a
    status's) encoded once."""
    out = []
    key = head = None
    for subject, d in chunk:
        if subject != key:
            key, head = subject, f'    {{\n      "subject": {_json(subject)},\n      "rule": '
        rule, spec, named = _rule_parts(d.rule)
        satisfied = "null" if d.satisfied_on is None else f'"{d.satisfied_on.isoformat()}"'
        if named:
            named += _json(d.ref)
        out.append(f'{head}{rule}{d.due.isoformat()}{_status_part(d.status)}{satisfied}'
                   f'{spec}{named}\n    }}')
    return ",\n".join(out)


def _nested(value) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it one level down."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")


def _write_json(out: TextIO, as_of: date, member_key: str | None, chunk_size: int) -> None:
    summary = dict.fromkeys(STATUSES, 0)
    out.write(f'{{\n  "as_of": "{as_of.isoformat()}",\n  "deadlines": [')
    first = True
    for chunk in ordered_deadlines(as_of, member_key=member_key, chunk_size=chunk_size):
        if not chunk:
            continue
        for _key, d in chunk:
            summary[d.status] += 1
        out.write(("\n" if first else ",\n") + _json_rows(chunk))
        first = False
    out.write(("]" if first else "\n  ]") + f',\n  "program_checks": {_nested(_checks(as_of))}'
              f',\n  "summary": {_nested(summary)}\n}}')


def _csv_row(key: str, d: Deadline) -> list[str]:
    named = d.ref or ""
    return [key, d.rule, named if d.rule in REFERRAL_RULES else "", d.due.isoformat(),
            d.status, d.satisfied_on.isoformat() if d.satisfied_on else "", d.citation,
            named if d.rule in STAY_RULES else ""]


def _write_csv(out: TextIO, as_of: date, member_key: str | None, chunk_size: int) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for chunk in ordered_deadlines(as_of, member_key=member_key, chunk_size=chunk_size):
        writer.writerows(_csv_row(k, d) for k, d in chunk)
        out.write(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    out.write(buffer.getvalue())


def write_compliance_report(out: TextIO, as_of: date, *, member_key: str | None = None,
                            fmt: str = "json", chunk_size: int = CHUNK_SIZE) -> None:
    """Write the report to ``out`` as it goes: JSON (without a final newline, as
    ``json.dumps`` gives it) or CSV (``CSV_FIELDS``, one line per deadline)."""
    if fmt not in ("json", "csv"):
        raise ValueError(f"no report format {fmt!r}")
    with gc_paused():
        (_write_json if fmt == "json" else _write_csv)(out, as_of, member_key, chunk_size)
