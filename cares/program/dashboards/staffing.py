"""The dashboard's staff section: qualification (PS IV.B), training (PS V), licences and
the program checks for every active staff member.

The same rule functions as the staff page (``cares.base.staff.qualifications``,
``cares.base.staff.training``) over plain values read in four queries, without model instances:
a program of 20,000 members has some 600 staff, and building their model instances and
prefetches costs more than the rules. ``tests/dashboards/test_staff_summary.py`` holds the
result equal to ``staff_list`` and ``program_check_results``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Q

from cares.base.staff.models import (
    Credential,
    Role,
    RoleAssignment,
    StaffProfile,
    Training,
    TrainingTopic,
)
from cares.base.staff.qualifications import (
    ProgramCheck,
    RoleClaim,
    StaffEntry,
    StaffFacts,
    check_roles,
    program_checks,
)
from cares.base.staff.training import TrainingStatus, training_status

LICENCE_WINDOW_DAYS = settings.CARES_LICENSE_EXPIRY_WARNING_DAYS  # defined once, a setting


@dataclass(frozen=True)
class StaffLine:
    """One active staff member's qualification (PS IV.B), training (PS V) and licences."""

    pk: int
    name: str
    roles: list[str]
    problems: list[str]
    training: TrainingStatus
    next_expiry: SimpleNamespace | None

    @property
    def qualified(self) -> bool:
        return not self.problems

    @property
    def missing_topics(self) -> list[str]:
        return [str(TrainingTopic(t).label) for t in self.training.missing]


@dataclass(frozen=True)
class StaffSummary:
    rows: list[StaffLine]
    licences: list[tuple[str, SimpleNamespace, str]]  # (who, licence, "expired" | "soon")
    training_overdue: list[StaffLine]
    checks: list[ProgramCheck]

    @property
    def unqualified(self) -> list[StaffLine]:
        return [r for r in self.rows if not r.qualified]


PROFILE_FIELDS = ("pk", "hire_date", "active", "education", "human_services_degree",
                  "clinical_experience_years", "target_population_years",
                  "relevant_experience_years", "admin_experience_years",
                  "caregiver_of_special_needs_youth", "certified_chw", "user__first_name",
                  "user__last_name", "user__email", "user__is_active")
PROFILE_KEYS = tuple(k.replace("user__", "user_") for k in PROFILE_FIELDS)  # attribute names


def staff_summary(today: date) -> StaffSummary:
    """Every active staff member's status, licences expired or expiring within 60 days,
    training overdue, and the program checks. Four queries."""
    roles: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for r in RoleAssignment.objects.filter(staff__active=True).order_by(
            "is_backup", "role").values("staff_id", "role", "is_backup", "covers_id"):
        roles[r["staff_id"]].append(SimpleNamespace(**r))
    covered = {r.covers_id for rs in roles.values() for r in rs if r.covers_id}
    wanted = Q(active=True) | Q(pk__in=covered)
    profiles = {p[0]: SimpleNamespace(**dict(zip(PROFILE_KEYS, p, strict=True)))
                for p in StaffProfile.objects.filter(wanted).values_list(*PROFILE_FIELDS)}
    credentials: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for c in Credential.objects.filter(staff__in=profiles.keys()).order_by(
            "type", "expires").values("staff_id", "type", "license_number", "state", "expires"):
        credentials[c["staff_id"]].append(SimpleNamespace(**c))
    trainings: dict[int, list[tuple[int, str, date]]] = defaultdict(list)  # the rows as read
    for row in Training.objects.filter(staff__active=True).values_list(
            "staff_id", "topic", "completed"):
        trainings[row[0]].append(row)
    facts = {pk: StaffFacts.of(p, credentials[pk]) for pk, p in profiles.items()}
    names = {pk: f"{p.user_first_name} {p.user_last_name}".strip() or p.user_email
             for pk, p in profiles.items()}
    checked: dict[tuple, list[str]] = {}  # many share their facts and roles: checked once
    horizon = today + timedelta(days=LICENCE_WINDOW_DAYS)
    label = {r.value: str(r.label) for r in Role}  # translated once, not once per staff member
    lines, licences, entries = [], [], []
    active = [(pk, p) for pk, p in profiles.items() if p.active]
    for pk, p in sorted(active, key=lambda i: (i[1].user_last_name, i[1].user_first_name,
                                               i[0])):
        claims = tuple(RoleClaim(role=r.role, is_backup=r.is_backup,
                                 covered_name=names[r.covers_id] if r.covers_id else "")
                       for r in roles[pk])
        problems = checked.get((facts[pk], claims))
        if problems is None:
            problems = checked[facts[pk], claims] = check_roles(facts[pk], claims, today)
        training = training_status(p.hire_date, [r.role for r in roles[pk]],
                                   [(topic, on) for _s, topic, on in trainings[pk]], today)
        mine = credentials[pk]
        lines.append(StaffLine(
            pk, names[pk], [label[r.role] + (" (backup)" if r.is_backup else "")
                            for r in roles[pk]],
            list(problems), training, min(mine, key=lambda c: c.expires, default=None)))
        licences.extend((names[pk], c, "expired" if c.expires < today else "soon")
                        for c in mine if c.expires <= horizon)
        if p.user_is_active and p.hire_date <= today:
            entries.append(StaffEntry(name=names[pk], facts=facts[pk], roles=frozenset(
                r.role for r in roles[pk] if not r.is_backup)))
    licences.sort(key=lambda t: (t[1].expires, t[0]))
    return StaffSummary(lines, licences, [r for r in lines if r.training.state == "overdue"],
                        program_checks(entries, today))
