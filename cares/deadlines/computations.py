"""What a member's stored deadlines were computed from, so the nightly sweep recomputes only
what can have changed (issue 20).

Between two computations of a member, with the same facts, the rule book's answer changes by
the calendar in two ways only: an ``open`` deadline past its due date is ``overdue`` (done
set-based on the stored rows by the sweep), and a fact dated after the as-of date takes effect
when its day comes (deadlines.md reading 1: events after the as-of date are ignored; the rule
book's other date comparisons are with the start of a rule: a record's date or the
transition-planning birthday). ``wake_on`` is the first such day. Facts that change go through
the services, which recompute the member at once (``member_facts_changed``); a member whose
``MemberComputation`` is missing, computed with other lengths or another rule-book version, or
computed as of a later day than the sweep's, is recomputed in full.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet

from cares.deadlines.lengths import ProgramLengths
from cares.deadlines.member_facts import MemberFacts
from cares.deadlines.models import Computation, MemberComputation, StaffComputation
from cares.deadlines.rules import RULES
from members.models import TRANSITION_FROM_AGE

# Raise when a reading of the rule book changes what compute_member returns for the same facts:
# every member is then recomputed by the next sweep.
RULEBOOK_VERSION = 20


def basis(lengths: ProgramLengths) -> str:
    """The rule book's version, its rules and the program's lengths, as one short digest."""
    text = repr((RULEBOOK_VERSION, sorted((k, repr(r.period)) for k, r in RULES.items()),
                 dataclasses.astuple(lengths)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _dates(value) -> Iterable[date]:
    """Every date inside a facts value (dataclasses, tuples, dicts), recursively."""
    if isinstance(value, date):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _dates(getattr(value, f.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _dates(item)


def wake_on(facts: Iterable, as_of: date) -> date | None:
    """The first day after ``as_of`` on which one of these facts (a member's ``MemberFacts``
    per episode, or a staff member's training and consultation facts) takes effect."""
    later = []
    for item in facts:
        later.extend(d for d in _dates(item) if d > as_of)
        if isinstance(item, MemberFacts):  # transition planning starts on a birthday
            transition = item.date_of_birth + relativedelta(years=TRANSITION_FROM_AGE)
            if transition > as_of:
                later.append(transition)
    return min(later, default=None)


def record(model: type[Computation], computed: dict[int, date | None], as_of: date,
           digest: str) -> None:
    """Store, for each member (or staff) id, the computation just made and its wake-up day."""
    if not computed:
        return
    key = model._meta.pk.name  # "member" or "staff"
    model.objects.bulk_create(
        [model(**{f"{key}_id": pk}, computed_on=as_of, wake_on=wake, basis=digest)
         for pk, wake in computed.items()],
        update_conflicts=True, unique_fields=[key],
        update_fields=["computed_on", "wake_on", "basis"], batch_size=1000)


def stale(model: type[Computation], subjects: QuerySet, as_of: date, digest: str) -> list[int]:
    """The ids of ``subjects`` whose stored deadlines may differ on ``as_of`` other than by open
    past due becoming overdue: never computed, computed with another basis or as of a later
    day, or with a fact taking effect by ``as_of``. One query."""
    current = model.objects.filter(**{model._meta.pk.name: OuterRef("pk")}, basis=digest,
                                   computed_on__lte=as_of)
    current = current.filter(Q(wake_on__isnull=True) | Q(wake_on__gt=as_of))
    return list(subjects.filter(~Exists(current)).order_by("pk").values_list("pk", flat=True))


def forget(member_ids: Iterable[int] = (), staff_ids: Iterable[int] = ()) -> int:
    """Mark members (and staff) for recomputation by the next sweep, after their records were
    changed other than through the services (a data repair, a partial restore)."""
    members, _ = MemberComputation.objects.filter(member_id__in=list(member_ids)).delete()
    staff, _ = StaffComputation.objects.filter(staff_id__in=list(staff_ids)).delete()
    return members + staff
