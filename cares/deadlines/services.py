"""The stored ``Deadline`` rows the worklists and dashboards read: refreshed in full for some
members (the services, the import) or all (``refresh_deadlines --all``), and by the nightly
sweep for what can have changed. The compliance report is ``cares.deadlines.report``."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from cares.base import bulk_insert
from cares.base.staff.models import StaffProfile
from cares.deadlines import computations, report
from cares.deadlines.bulk_facts import member_facts_in_bulk
from cares.deadlines.facts import chunked, consult_facts, staff_facts, staff_with_records
from cares.deadlines.lengths import ProgramLengths, program_lengths
from cares.deadlines.models import Deadline as DeadlineRow
from cares.deadlines.models import MemberComputation, StaffComputation
from cares.deadlines.rules import (
    OPEN,
    OVERDUE,
    Deadline,
    compute_member,
)
from cares.deadlines.subjects import staff_deadlines
from members.models import Member

# The report moved to ``cares.deadlines.report`` (streamed, issue 20); its callers import it here.
compliance_report = report.compliance_report

logger = logging.getLogger(__name__)


# --- Stored deadlines ---------------------------------------------------------------------------

STORED_FIELDS = ("member_id", "staff_id", "ref", "start", "due", "status", "satisfied_on",
                 "satisfied_ref", "exception_reason")


NEW_ROW_FIELDS = ["subject_key", "rule", "cycle_key", *STORED_FIELDS, "computed_on"]


Ident = tuple[str, str, str]  # (subject_key, rule, cycle_key): a stored row's identity
Row = tuple[Ident, tuple]  # identity and the values of STORED_FIELDS


def _row(kind: str, subject_id: int, episode_id: int | None, d: Deadline) -> Row:
    """A computed deadline as a stored row's identity and values (no model instance: most
    rows are unchanged and never become one)."""
    is_member = kind == "member"
    ident = (f"{'m' if is_member else 's'}{subject_id}", d.rule,
             f"e{episode_id or 0}/c{d.cycle}/r{d.ref or ''}")
    return ident, (subject_id if is_member else None, None if is_member else subject_id,
                   d.ref or "", d.start, d.due, d.status, d.satisfied_on,
                   d.satisfied_ref or "", d.exception)


def _stored(rows) -> dict[Ident, tuple[int, tuple]]:
    """The stored rows of a queryset: identity -> (pk, values of STORED_FIELDS)."""
    return {(key, rule, cycle): (pk, tuple(values)) for pk, key, rule, cycle, *values in
            rows.values_list("pk", "subject_key", "rule", "cycle_key", *STORED_FIELDS)}


def _instance(ident: Ident, values: tuple, as_of: date, pk: int | None = None) -> DeadlineRow:
    return DeadlineRow(pk=pk, subject_key=ident[0], rule=ident[1], cycle_key=ident[2],
                       computed_on=as_of, **dict(zip(STORED_FIELDS, values, strict=True)))


@transaction.atomic
def _sync(rows: list[Row], existing: dict[Ident, tuple[int, tuple]],
          as_of: date) -> dict[str, int]:
    """Write what differs: new rows, changed rows (their ``computed_on`` becomes ``as_of``),
    and delete the stored rows no longer computed."""
    new, changed = [], []
    seen = set()
    for ident, values in rows:
        seen.add(ident)
        stored = existing.get(ident)
        if stored is None:
            new.append((*ident, *values, as_of))
        elif stored[1] != values:
            changed.append(_instance(ident, values, as_of, pk=stored[0]))
    gone = [pk for ident, (pk, _values) in existing.items() if ident not in seen]
    bulk_insert.insert_values(DeadlineRow, NEW_ROW_FIELDS, new)
    DeadlineRow.objects.bulk_update(changed, [*STORED_FIELDS, "computed_on"], batch_size=1000)
    if gone:
        DeadlineRow.objects.filter(pk__in=gone).delete()
    return {"created": len(new), "updated": len(changed), "deleted": len(gone)}


def refresh_member_deadlines(member_id: int) -> dict[str, int]:
    """Called by the service functions that change a member's records."""
    return refresh_deadlines(member_ids=[member_id], include_staff=False)


def refresh_staff_deadlines(staff_id: int) -> dict[str, int]:
    """Called by the service functions that change a staff member's records."""
    return refresh_deadlines(member_ids=[], staff_ids=[staff_id])


def _member_chunk(chunk: list[int], as_of: date, lengths: ProgramLengths
                  ) -> tuple[list[Row], dict[int, date | None]]:
    """The stored rows of these members on ``as_of`` and each one's wake-up day."""
    rows: list[Row] = []
    wakes: dict[int, date | None] = {}
    for member in member_facts_in_bulk(chunk):
        rows.extend(_row("member", member.member_id, episode_id, d)
                    for episode_id, facts in member.episodes
                    for d in compute_member(facts, as_of, lengths=lengths))
        wakes[member.member_id] = computations.wake_on(
            (facts for _e, facts in member.episodes), as_of)
    return rows, wakes


def _refresh_members(ids: list[int], as_of: date, lengths: ProgramLengths,
                     chunk_size: int, totals: dict[str, int]) -> None:
    digest = computations.basis(lengths)
    for chunk in chunked(ids, chunk_size):
        with transaction.atomic():
            rows, wakes = _member_chunk(chunk, as_of, lengths)
            existing = _stored(DeadlineRow.objects.filter(member_id__in=chunk))
            for k, v in _sync(rows, existing, as_of).items():
                totals[k] += v
            computations.record(MemberComputation, wakes, as_of, digest)


def _refresh_staff(staff_ids: list[int] | None, as_of: date, lengths: ProgramLengths,
                   totals: dict[str, int]) -> None:
    with transaction.atomic():
        staff = staff_with_records(
            None if staff_ids is None else StaffProfile.objects.filter(pk__in=staff_ids))
        rows, wakes = [], {}
        for profile in staff:
            rows.extend(_row("staff", profile.pk, None, d)
                        for d in staff_deadlines(profile, as_of))
            wakes[profile.pk] = computations.wake_on(
                [staff_facts(profile), consult_facts(profile)], as_of)
        stored = DeadlineRow.objects.filter(staff__isnull=False)
        if staff_ids is not None:
            stored = stored.filter(staff_id__in=staff_ids)
        existing = _stored(stored)
        for k, v in _sync(rows, existing, as_of).items():
            totals[k] += v
        computations.record(StaffComputation, wakes, as_of, computations.basis(lengths))


def refresh_deadlines(*, as_of: date | None = None, member_ids: list[int] | None = None,
                      include_staff: bool = True, staff_ids: list[int] | None = None,
                      chunk_size: int = 2000) -> dict[str, int]:
    """Recompute the stored deadlines in full (all, or some members'): ``refresh_deadlines
    --all``, the services (one member) and the import. Running it twice changes nothing; the
    number of queries grows with the number of chunks, not of members."""
    as_of = as_of or timezone.localdate()
    totals = {"created": 0, "updated": 0, "deleted": 0}
    lengths = program_lengths()
    ids = member_ids if member_ids is not None else list(
        Member.objects.order_by("pk").values_list("pk", flat=True))
    _refresh_members(ids, as_of, lengths, chunk_size, totals)
    if include_staff:
        _refresh_staff(staff_ids, as_of, lengths, totals)
    logger.info("refresh_deadlines as of %s: %s", as_of, totals)
    return totals


def nightly_sweep(*, as_of: date | None = None, chunk_size: int = 2000) -> dict[str, int]:
    """The nightly sweep: open deadlines past due become overdue in one UPDATE of the stored
    rows; the members and staff whose facts take effect by today (or that were never computed,
    or were computed with other lengths) are recomputed (``cares.deadlines.computations``).
    Gives the rows a full ``refresh_deadlines`` would; the number of queries does not grow
    with the number of members."""
    as_of = as_of or timezone.localdate()
    lengths = program_lengths()
    digest = computations.basis(lengths)
    totals = {"created": 0, "updated": 0, "deleted": 0}
    with transaction.atomic():
        totals["overdue"] = DeadlineRow.objects.filter(status=OPEN, due__lt=as_of).update(
            status=OVERDUE, computed_on=as_of)
    ids = computations.stale(MemberComputation, Member.objects.all(), as_of, digest)
    staff_ids = computations.stale(StaffComputation, StaffProfile.objects.all(), as_of, digest)
    totals["members recomputed"] = len(ids)
    totals["staff recomputed"] = len(staff_ids)
    _refresh_members(ids, as_of, lengths, chunk_size, totals)
    if staff_ids:
        _refresh_staff(staff_ids, as_of, lengths, totals)
    logger.info("nightly sweep as of %s: %s", as_of, totals)
    return totals
