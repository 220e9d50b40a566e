"""The deadline engine at work: per member, for the whole program (the compliance report),
and the stored ``Deadline`` rows the worklists and dashboards read (refresh)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from cares.base.staff.models import StaffProfile
from cares.base.staff.selectors import program_check_results
from cares.deadlines import computations
from cares.deadlines.bulk_facts import member_facts_in_bulk
from cares.deadlines.facts import (
    chunked,
    consult_facts,
    episode_facts,
    members_with_records,
    staff_facts,
    staff_with_records,
    subject_key,
)
from cares.deadlines.lengths import ProgramLengths, program_lengths
from cares.deadlines.models import Deadline as DeadlineRow
from cares.deadlines.models import MemberComputation, StaffComputation
from cares.deadlines.rules import (
    OPEN,
    OVERDUE,
    Deadline,
    compute_consults,
    compute_member,
    compute_staff,
    summarize,
)
from members.models import Member

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubjectDeadline:
    kind: str  # "member" | "staff"
    subject: object  # Member or StaffProfile
    episode_id: int | None
    deadline: Deadline

    @property
    def key(self) -> str:
        return subject_key(self.subject)


def member_deadlines(member: Member, as_of: date | None = None) -> list[SubjectDeadline]:
    """Every deadline of one member on ``as_of`` (default today), all episodes."""
    as_of = as_of or timezone.localdate()
    loaded = members_with_records(Member.objects.filter(pk=member.pk)).get()
    lengths = program_lengths()
    return [SubjectDeadline("member", loaded, episode.pk, d)
            for episode, facts in episode_facts(loaded)
            for d in compute_member(facts, as_of, lengths=lengths)]


def program_deadlines(as_of: date, *, member_key: str | None = None,
                      chunk_size: int = 2000) -> list[SubjectDeadline]:
    """Every member and staff deadline existing on ``as_of``; members in chunks so memory and
    queries stay bounded."""
    members = Member.objects.all()
    if member_key is not None:
        members = members.filter(key=member_key) if not member_key.isdigit() else \
            members.filter(key=member_key) | members.filter(pk=int(member_key), key__isnull=True)
    out: list[SubjectDeadline] = []
    lengths = program_lengths()
    ids = list(members.order_by("pk").values_list("pk", flat=True))
    for chunk in chunked(ids, chunk_size):
        for member in members_with_records(Member.objects.filter(pk__in=chunk)):
            for episode, facts in episode_facts(member):
                out.extend(SubjectDeadline("member", member, episode.pk, d)
                           for d in compute_member(facts, as_of, lengths=lengths))
    if member_key is None:
        for profile in staff_with_records():
            out.extend(SubjectDeadline("staff", profile, None, d)
                       for d in staff_deadlines(profile, as_of))
    return out


REFERRAL_RULES = ("referral_follow_up", "referral_inquiry_response", "referral_closure_notice")
STAY_RULES = ("discharge_follow_up",)  # the report names the stay (interchange.md)


def staff_deadlines(profile: StaffProfile, as_of: date) -> list[Deadline]:
    """A staff member's deadlines: training (PS V) and, for a senior medical professional,
    the answers to consultation requests (PS IV.A.2). ``profile`` comes from
    ``staff_with_records``."""
    return [*compute_staff(staff_facts(profile), as_of),
            *compute_consults(consult_facts(profile), as_of)]


def compliance_report(as_of: date, *, member_key: str | None = None) -> dict:
    """The report of ``shared/spec/interchange.md``."""
    found = program_deadlines(as_of, member_key=member_key)
    rows = []
    for item in found:
        d = item.deadline
        row = {"subject": item.key, "rule": d.rule, "due": d.due.isoformat(),
               "status": d.status,
               "satisfied_on": d.satisfied_on.isoformat() if d.satisfied_on else None,
               "spec": d.citation}
        if d.rule in REFERRAL_RULES:
            row["referral"] = d.ref
        elif d.rule in STAY_RULES:
            row["stay"] = d.ref
        rows.append(row)
    rows.sort(key=lambda r: (r["subject"], r["rule"], r["due"],
                             r.get("referral") or r.get("stay") or ""))
    checks = [{"check": c.key, "ok": c.ok, "detail": c.detail}
              for c in program_check_results(on=as_of)]
    return {"as_of": as_of.isoformat(), "deadlines": rows, "program_checks": checks,
            "summary": summarize(item.deadline for item in found)}


# --- Stored deadlines ---------------------------------------------------------------------------

STORED_FIELDS = ("member_id", "staff_id", "ref", "start", "due", "status", "satisfied_on",
                 "satisfied_ref", "exception_reason")


def _row(kind: str, subject_id: int, episode_id: int | None, d: Deadline,
         as_of: date) -> DeadlineRow:
    is_member = kind == "member"
    return DeadlineRow(
        member_id=subject_id if is_member else None,
        staff_id=None if is_member else subject_id,
        subject_key=f"{'m' if is_member else 's'}{subject_id}",
        rule=d.rule,
        cycle_key=f"e{episode_id or 0}/c{d.cycle}/r{d.ref or ''}",
        ref=d.ref or "", start=d.start, due=d.due, status=d.status,
        satisfied_on=d.satisfied_on, satisfied_ref=d.satisfied_ref or "",
        exception_reason=d.exception, computed_on=as_of,
    )


@transaction.atomic
def _sync(rows: list[DeadlineRow], existing: dict, as_of: date) -> dict[str, int]:
    new, changed = [], []
    seen = set()
    for row in rows:
        ident = (row.subject_key, row.rule, row.cycle_key)
        seen.add(ident)
        stored = existing.get(ident)
        if stored is None:
            new.append(row)
        elif any(getattr(stored, f) != getattr(row, f) for f in STORED_FIELDS):
            for f in STORED_FIELDS:
                setattr(stored, f, getattr(row, f))
            stored.computed_on = as_of
            changed.append(stored)
    gone = [s.pk for ident, s in existing.items() if ident not in seen]
    DeadlineRow.objects.bulk_create(new, batch_size=1000)
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
                  ) -> tuple[list[DeadlineRow], dict[int, date | None]]:
    """The stored rows of these members on ``as_of`` and each one's wake-up day."""
    rows: list[DeadlineRow] = []
    wakes: dict[int, date | None] = {}
    for member in member_facts_in_bulk(chunk):
        rows.extend(_row("member", member.member_id, episode_id, d, as_of)
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
            existing = {(s.subject_key, s.rule, s.cycle_key): s
                        for s in DeadlineRow.objects.filter(member_id__in=chunk)}
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
            rows.extend(_row("staff", profile.pk, None, d, as_of)
                        for d in staff_deadlines(profile, as_of))
            wakes[profile.pk] = computations.wake_on(
                [staff_facts(profile), consult_facts(profile)], as_of)
        stored = DeadlineRow.objects.filter(staff__isnull=False)
        if staff_ids is not None:
            stored = stored.filter(staff_id__in=staff_ids)
        existing = {(s.subject_key, s.rule, s.cycle_key): s for s in stored}
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
