"""Rules, services and reads of requests (PS VII, issue 18)."""

from __future__ import annotations

from datetime import date


def request_summary(period, today: date):
    """What the program dashboard shows of requests for ``period`` (None: nothing yet)."""
    return None


def request_table(summary):
    """The dashboard section as a CSV table : ``(header, rows, member_ids)``, like ``cares.program.dashboards.tables``."""
    raise NotImplementedError
