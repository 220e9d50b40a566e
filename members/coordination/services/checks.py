"""The small checks every care coordination service shares."""

from __future__ import annotations

from django.utils.translation import gettext as _


def text(value: str | None) -> str:
    """Free text as stored: stripped, never None."""
    return (value or "").strip()


def required(value, label: str, problems: list[str]) -> None:
    """A value that must be recorded (not None, not blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(_("Record %(label)s.") % {"label": label})
