"""Reads of staff records, each with a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cares.base.staff.models import Credential, RoleAssignment, StaffProfile
from cares.base.staff.qualifications import (
    ProgramCheck,
    RoleClaim,
    StaffEntry,
    StaffFacts,
    check_roles,
    program_checks,
)
from cares.base.staff.training import TrainingStatus, training_status


def staff_queryset() -> QuerySet[StaffProfile]:
    return StaffProfile.objects.select_related("user").prefetch_related(
        "credentials",
        "trainings",
        Prefetch(
            "roles",
            queryset=RoleAssignment.objects.select_related("covers__user"),
        ),
    )


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


def staff_status(profile: StaffProfile, on: date) -> StaffRow:
    """Qualification, training and licence status of one (prefetched) staff member."""
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
        [(t.topic, t.completed) for t in profile.trainings.all()],
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
    qs = staff_queryset()
    if not include_inactive:
        qs = qs.filter(active=True)
    return [staff_status(p, on) for p in qs]


def staff_get(*, pk: int) -> StaffProfile:
    return staff_queryset().get(pk=pk)


def program_check_results(*, on: date | None = None) -> list[ProgramCheck]:
    on = on or timezone.localdate()
    entries = [
        StaffEntry(
            name=str(p),
            roles=frozenset(r.role for r in p.roles.all() if not r.is_backup),
            facts=StaffFacts.of(p, list(p.credentials.all())),
        )
        for p in StaffProfile.objects.filter(active=True, user__is_active=True,
                                             hire_date__lte=on)
        .select_related("user")
        .prefetch_related("credentials", "roles")
    ]
    return program_checks(entries, on)
