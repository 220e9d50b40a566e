"""The member's benefits (PS VI.B.1.h): MassHealth renewal date, health plan, third-party
insurance and state-agency services, as the member page shows them and as the member-record
service checks them. Benefits are not clinical detail: whoever may see the member sees them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from cares.base.toolkit import FieldProblem
from members.models import STATE_AGENCIES, Member

AGENCY_NAMES = dict(STATE_AGENCIES)


def agency_problems(codes: Iterable | None) -> list[str]:
    """The reasons a list of state-agency codes cannot be stored (codes from
    ``STATE_AGENCIES`` only, each once)."""
    if codes is None:
        return []
    if isinstance(codes, str | bytes) or not isinstance(codes, list | tuple):
        return [FieldProblem(_("The state-agency services are a list of agencies."),
                             "state_agencies")]
    unknown = sorted({str(c) for c in codes if c not in AGENCY_NAMES})
    if unknown:
        return [FieldProblem(_("Unknown state agency: %(codes)s. Choose among %(known)s.")
                             % {"codes": ", ".join(unknown),
                                "known": ", ".join(AGENCY_NAMES)}, "state_agencies")]
    if len(set(codes)) != len(codes):
        return [FieldProblem(_("Each state agency is listed once."), "state_agencies")]
    return []


def agencies_in_order(codes: Iterable) -> list[str]:
    """Valid codes (``agency_problems`` found none) in the program's order, as stored."""
    chosen = set(codes)
    return [code for code, _name in STATE_AGENCIES if code in chosen]


@dataclass(frozen=True)
class Benefits:
    renewal_on: date | None
    days: int | None  # days until the renewal date (negative: passed)
    health_plan: str
    third_party_insurance: str
    agencies: list[str]  # the agencies' names, in the program's order

    @property
    def passed_days(self) -> int:
        return -self.days if self.days is not None and self.days < 0 else 0

    @property
    def recorded(self) -> bool:
        return bool(self.renewal_on or self.health_plan or self.third_party_insurance
                    or self.agencies)


def benefits_of(member: Member, on: date) -> Benefits:
    renewal = member.masshealth_renewal_date
    chosen = set(member.state_agencies or ())
    return Benefits(renewal_on=renewal, days=(renewal - on).days if renewal else None,
                    health_plan=member.health_plan,
                    third_party_insurance=member.third_party_insurance,
                    agencies=[str(name) for code, name in STATE_AGENCIES if code in chosen])
