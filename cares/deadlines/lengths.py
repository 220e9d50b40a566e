"""How long each rule gives (deadlines.md, "Words"): calendar days, calendar months, business
days, or a length the program sets itself.

A rule's ``Period`` says which; ``Period.after`` computes the due date and ``Period.text``
the words the rule book shows. The lengths the PS leaves to the program (the transition plan;
the contact interval, discharge follow-up and ICP update windows) are fields of the one
``staff.Program`` record, which the program director edits (audited, with history); their
defaults are those fields' defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from cares.base.calendar import add_business_days
from cares.base.staff.models import Program


@dataclass(frozen=True)
class ProgramLengths:
    """The program's own lengths, in calendar days (deadlines.md notes)."""

    transition_plan_days: int  # transition_plan (PS VI.C)
    contact_interval_days: int  # member_contact (PS VI.B.1.a)
    discharge_follow_up_days: int  # discharge_follow_up (PS VI.B.1.i)
    icp_update_days: int  # icp_update (PS VI.A.1.b.3, VI.D.1.c)

    @classmethod
    def of(cls, program: Program | None) -> ProgramLengths:
        """The lengths set on ``program``; the defaults without one."""
        return cls(**{f.name: getattr(program, f.name) if program is not None
                      else Program._meta.get_field(f.name).default for f in fields(cls)})


DEFAULT_LENGTHS = ProgramLengths.of(None)


def program_lengths() -> ProgramLengths:
    """The lengths the program director set on the program record (the defaults before the
    program is recorded)."""
    return ProgramLengths.of(Program.objects.order_by("pk").first())


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Period:
    """One of: ``days`` (calendar), ``months`` (calendar, ``relativedelta``: 31 Aug + 6 months
    is 28/29 Feb), ``business_days`` (Monday-Friday less Massachusetts holidays), or
    ``setting``, the name of a ``ProgramLengths`` field (a number of calendar days)."""

    days: int = 0
    months: int = 0
    business_days: int = 0
    setting: str = ""

    def __post_init__(self):
        given = [bool(self.days), bool(self.months), bool(self.business_days),
                 bool(self.setting)]
        if given.count(True) != 1:
            raise ValueError("a period is exactly one of days, months, business days or a "
                             "program setting")
        if self.setting and self.setting not in {f.name for f in fields(ProgramLengths)}:
            raise ValueError(f"no program setting {self.setting!r}")

    def after(self, start: date, lengths: ProgramLengths = DEFAULT_LENGTHS) -> date:
        """The due date of a deadline starting on ``start``."""
        if self.setting:
            return start + timedelta(days=getattr(lengths, self.setting))
        if self.business_days:
            return add_business_days(start, self.business_days)
        if self.months:
            return start + relativedelta(months=self.months)
        return start + timedelta(days=self.days)

    @property
    def text(self) -> str:
        if self.setting:
            days = getattr(DEFAULT_LENGTHS, self.setting)
            return f"{_plural(days, 'day', 'days')} (program setting)"
        if self.business_days:
            return _plural(self.business_days, "business day", "business days")
        if self.months:
            return _plural(self.months, "month", "months")
        return _plural(self.days, "day", "days")
