"""One entry of a member's timeline (``members.selectors.member_timeline``), and the member
page's histories (the timeline, the deadlines) as the rows it prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.utils.text import Truncator


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    title: str
    detail: str = ""
    citation: str = ""
    rank: int = 0  # orders events of the same day in lifecycle order
    at: time | None = None  # the local time of day, for records that have one

    @property
    def sort_key(self) -> tuple[date, time, int]:
        """Date, then time of day (entries without one count as the start of the day), then
        lifecycle order."""
        return self.on, self.at or time.min, self.rank


# --- The member page's histories, as rows of text (issue 20) ----------------------------------

LONG_DETAIL = 300  # a longer detail shows truncated, the rest behind "show all"
PENDING = ("open", "overdue")


def timeline_rows(events) -> list[dict]:
    """The timeline entries as the member page prints them: dates and times formatted once,
    long details truncated (dicts: the cheapest lookups for a template)."""
    rows = []
    for event in events:
        detail = event.detail
        long = len(detail) > LONG_DETAIL
        rows.append({
            "on": event.on.strftime("%Y-%m-%d"),
            "at": event.at.strftime("%H:%M") if event.at is not None else "",
            "title": event.title, "detail": detail, "citation": event.citation,
            "long": long, "length": len(detail),
            "short": Truncator(detail).chars(LONG_DETAIL) if long else "",
        })
    return rows


def deadline_rows(deadlines, *, clinical: bool) -> list[dict]:
    """The member's deadlines (``cares.base.events.member_deadlines``) as the member page
    prints them: each status's label looked up once, the exception reason only for
    ``clinical``."""
    labels: dict[str, str] = {}
    rows = []
    for d in deadlines:
        label = labels.get(d.status)
        if label is None:
            label = labels[d.status] = d.get_status_display()
        rows.append({
            "due": d.due.strftime("%Y-%m-%d"), "title": d.title, "citation": d.citation,
            "status": d.status, "label": label,
            "exception": d.exception_reason if clinical else "",
            "satisfied": d.satisfied_on.strftime("%Y-%m-%d") if d.satisfied_on else "—",
        })
    return rows


def recent_deadlines(deadlines: list, keep: int) -> list:
    """The open and overdue deadlines, all of them, and the ``keep`` most recently due of
    the others (met, late, excepted), in the order given."""
    done = [d for d in deadlines if d.status not in PENDING]
    if len(done) <= keep:
        return list(deadlines)
    kept = {id(d) for d in sorted(done, key=lambda d: d.due)[len(done) - keep:]}
    return [d for d in deadlines if d.status in PENDING or id(d) in kept]
