"""Outcomes beside timeliness (PS VII.B, issue 18)."""

from __future__ import annotations

from datetime import date


def outcomes_summary(period, today: date):
    """The outcomes section of the program dashboard for ``period`` (None: nothing yet)."""
    return None


def outcomes_table(summary):
    raise NotImplementedError
