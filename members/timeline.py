"""One entry of a member's timeline (``members.selectors.member_timeline``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    title: str
    detail: str = ""
    citation: str = ""
    rank: int = 0  # orders events of the same day in lifecycle order
