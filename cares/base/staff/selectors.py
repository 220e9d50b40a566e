"""Reads of staff records, each with a bounded number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cares.base.staff.models import Credential, RoleAssignment, StaffProfile, Training
from cares.base.staff.qualifications import (
    ProgramCheck,
    RoleClaim,
    StaffEntry,
    StaffFacts,
    check_roles,
    program_checks,
)
from cares.base.staff.training import TrainingStatus, training_status


def staff_queryset(*, trainings: bool = True) -> QuerySet[StaffProfile]:
    """Staff with their user, credentials and roles (and trainings, unless ``trainings`` is
    false: the list reads those as plain rows, ``training_rows``)."""
    related = ["credentials", Prefetch(
        "roles", queryset=RoleAssignment.objects.select_related("covers__user"))]
    return StaffProfile.objects.select_related("user").prefetch_related(
        *related, *(["trainings"] if trainings else []))


def training_rows() -> dict[int, list[tuple[str, date]]]:
    """Every staff member's completed trainings as (topic, date), in one query without model
    instances (a program of 20,000 members has some 600 staff and 5,000 trainings)."""
    rows: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for staff_id, topic, completed in Training.objects.values_list(
            "staff_id", "topic", "completed"):
        rows[staff_id].append((topic, completed))
    return rows


@dataclass(frozen=True)
class StaffRow:
    profile: StaffProfile
    roles: list[RoleAssignment]
    problems: list[str]
    training: TrainingStatus
    next_expiry: Credential | None
    expiry_state: str  # "", "soon", "expired"

    @property
    def qualified(self) -> bool:
        return not self.problems


def staff_status(profile: StaffProfile, on: date, *,
                 trainings: list[tuple[str, date]] | None = None) -> StaffRow:
    """Qualification, training and licence status of one (prefetched) staff member;
    ``trainings``: their (topic, date) rows when read already, else their prefetch."""
    roles = list(profile.roles.all())
    credentials = list(profile.credentials.all())
    facts = StaffFacts.of(profile, credentials)
    claims = [
        RoleClaim(
            role=r.role,
            is_backup=r.is_backup,
            covered_name=str(r.covers) if r.covers else "",
        )
        for r in roles
    ]
    problems = check_roles(facts, claims, on)
    training = training_status(
        profile.hire_date,
        [r.role for r in roles],
        trainings if trainings is not None
        else [(t.topic, t.completed) for t in profile.trainings.all()],
        on,
    )
    next_expiry = min(credentials, key=lambda c: c.expires, default=None)
    warning = on + timedelta(days=settings.CARES_LICENSE_EXPIRY_WARNING_DAYS)
    expiry_state = ""
    if next_expiry is not None:
        if next_expiry.expires < on:
            expiry_state = "expired"
        elif next_expiry.expires <= warning:
            expiry_state = "soon"
    return StaffRow(profile, roles, problems, training, next_expiry, expiry_state)


def staff_list(*, on: date | None = None, include_inactive: bool = True) -> list[StaffRow]:
    on = on or timezone.localdate()
    qs = staff_queryset(trainings=False)
    if not include_inactive:
        qs = qs.filter(active=True)
    return _statuses(qs, on)


def _statuses(profiles, on: date) -> list[StaffRow]:
    """``staff_status`` of each profile (read with ``staff_queryset(trainings=False)``), their
    trainings read once as plain rows."""
    trainings = training_rows()
    return [staff_status(p, on, trainings=trainings.get(p.pk, [])) for p in profiles]


def staff_get(*, pk: int) -> StaffProfile:
    return staff_queryset().get(pk=pk)


def _check_entry(profile: StaffProfile) -> StaffEntry:
    return StaffEntry(name=str(profile),
                      roles=frozenset(r.role for r in profile.roles.all() if not r.is_backup),
                      facts=StaffFacts.of(profile, list(profile.credentials.all())))


def _counted(profile: StaffProfile, on: date) -> bool:
    """Whether the program checks count this staff member: active, may sign in, hired."""
    return profile.active and profile.user.is_active and profile.hire_date <= on


def program_check_results(*, on: date | None = None) -> list[ProgramCheck]:
    on = on or timezone.localdate()
    profiles = (StaffProfile.objects.filter(active=True, user__is_active=True, hire_date__lte=on)
                .select_related("user").prefetch_related("credentials", "roles"))
    return program_checks([_check_entry(p) for p in profiles], on)


# --- The staff page: everyone read once, a page of them shown ------------------------------

def needs_attention(row: StaffRow) -> bool:
    """An active staff member with a role they do not qualify for, a licence expired or
    expiring within the warning window, or training overdue."""
    return row.profile.active and (not row.qualified or row.expiry_state != ""
                                   or row.training.state == "overdue")


@dataclass(frozen=True)
class StaffOverview:
    rows: list[StaffRow]  # those the filter keeps, in name order
    unqualified: list[StaffRow]  # active staff holding a role they do not pass, all of them
    checks: list[ProgramCheck]
    total: int  # everyone on the staff list


def _kept(row: StaffRow, text: str, role: str, show: str) -> bool:
    profile = row.profile
    if text and text not in f"{profile} {profile.user.email}".casefold():
        return False
    if role and not any(r.role == role for r in row.roles):
        return False
    return (show == "all" or (show == "active" and profile.active)
            or (show == "inactive" and not profile.active)
            or (show == "attention" and needs_attention(row)))


def staff_overview(*, on: date, text: str = "", role: str = "", show: str = "all"
                   ) -> StaffOverview:
    """The staff page: every staff member's status, those matching ``text`` (name or e-mail),
    ``role`` and ``show`` (all, active, inactive or attention), the active ones who no longer
    qualify, and the program checks, from one read of everyone (five queries, however many
    staff)."""
    profiles = list(staff_queryset(trainings=False))
    rows = _statuses(profiles, on)
    text = text.strip().casefold()
    return StaffOverview(
        rows=[r for r in rows if _kept(r, text, role, show)],
        unqualified=[r for r in rows if r.profile.active and not r.qualified],
        checks=program_checks([_check_entry(p) for p in profiles if _counted(p, on)], on),
        total=len(rows))
