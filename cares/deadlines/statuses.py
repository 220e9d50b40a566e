"""A stored deadline's status on a date, as database predicates.

The stored rows (``deadlines.Deadline``) carry the status computed on ``computed_on`` by the
rule book (``cares.deadlines.rules.status_of``); the nightly sweep and every service that
changes a record recompute them. Between two computations exactly one thing can change by
the calendar alone: an ``open`` deadline whose due date has passed is ``overdue``
(deadlines.md: "overdue: not satisfied, as-of > due"). Every count, list and export of the
dashboards, and the reminders, go through ``status_q``, so that reading is in one place (here,
in the deadline engine: the dashboards above it import it, and so do the reminders).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from cares.deadlines.rules import EXCEPTED, LATE, MET, OPEN, OVERDUE, STATUSES

# Display order of the statuses in tables, CSV files and the chart.
COLUMNS = (MET, LATE, OVERDUE, OPEN, EXCEPTED)
assert set(COLUMNS) == set(STATUSES)

LABELS = {MET: _("Met"), LATE: _("Late"), OVERDUE: _("Overdue"), OPEN: _("Open"),
          EXCEPTED: _("Excepted")}

# "Due soon": open and due within this many days (the worklist's "this week", the reminders).
DUE_SOON_DAYS = 7

# Age of an overdue deadline: days since it was due.
AGES: dict[str, tuple[int, int | None]] = {
    "1-7": (1, 7), "8-30": (8, 30), "31-90": (31, 90), "91+": (91, None),
}


def status_q(status: str, today: date) -> Q:
    """The stored rows whose status is ``status`` on ``today``."""
    if status == OPEN:
        return Q(status=OPEN, due__gte=today)
    if status == OVERDUE:
        # Written so the partial index on open and overdue rows (deadlines.Deadline.Meta)
        # serves it: status IN (open, overdue), then overdue or past due.
        return Q(status__in=(OPEN, OVERDUE)) & (Q(status=OVERDUE) | Q(due__lt=today))
    if status in (MET, LATE, EXCEPTED):
        return Q(status=status)
    raise ValueError(status)


def due_soon_q(today: date) -> Q:
    """The stored rows open on ``today`` and due within ``DUE_SOON_DAYS``."""
    return status_q(OPEN, today) & Q(due__lte=today + timedelta(days=DUE_SOON_DAYS))


def effective_status(today: date) -> Case:
    """The status on ``today`` as an expression (for lists and exports)."""
    return Case(When(status=OPEN, due__lt=today, then=Value(OVERDUE)), default=F("status"),
                output_field=CharField())


def age_q(age: str, today: date) -> Q:
    """Deadlines due between ``lo`` and ``hi`` days before ``today`` (the age bucket)."""
    lo, hi = AGES[age]
    q = Q(due__lte=today - timedelta(days=lo))
    if hi is not None:
        q &= Q(due__gte=today - timedelta(days=hi))
    return q


def fold(rows, today: date, keys: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    """Counts per status today, from rows grouped by ``keys`` and the stored status with
    ``n`` (rows) and ``past`` (rows due before today; see ``raw_counts``): the open rows past
    their due date are overdue. Grouping by plain columns lets the database aggregate with
    one pass over the table, whatever the number of rows."""
    out: dict[tuple, dict[str, int]] = {}
    for r in rows:
        counts = out.setdefault(tuple(r[k] for k in keys), dict.fromkeys(COLUMNS, 0))
        if r["status"] == OPEN:
            counts[OVERDUE] += r["past"]
            counts[OPEN] += r["n"] - r["past"]
        else:
            counts[r["status"]] += r["n"]
    return out


def raw_counts(today: date) -> dict[str, Count]:
    """The aggregates ``fold`` reads, for ``.values(*keys, "status").annotate(...)``."""
    return {"n": Count("pk"), "past": Count("pk", filter=Q(due__lt=today))}


def on_time_rate(met: int, late: int, overdue: int) -> float | None:
    """Met on time among the deadlines that fell due and were decided: met / (met + late +
    overdue). Open deadlines are not due yet; excepted ones are released (not counted)."""
    decided = met + late + overdue
    return round(100 * met / decided, 1) if decided else None
