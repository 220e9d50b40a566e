"""One entry of a member's timeline (``members.selectors.member_timeline``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time


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
