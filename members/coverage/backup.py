"""Leave and backup coverage (PS IV.A.4): who is away, who covers whom, for which members,
from when to when. A backup passes the full PS IV.B check of the position covered
(``check_backup``; reading in deadlines.md "Backup staff"); while the coverage runs the backup
sees the covered caseload (``members.access``) and it ends by itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import Role, StaffProfile
from cares.base.staff.qualifications import StaffFacts, check_backup, passes_backup
from cares.base.toolkit import FieldProblem, Refusal, save_and_audit
from members.coverage.models import BackupCoverage, StaffLeave
from members.models import CareTeamMember

# --- Leave -------------------------------------------------------------------------------------


def leave_add(*, staff, starts_at: datetime, ends_at: datetime, reason: str, note: str = "",
              actor) -> StaffLeave:
    problems: list[str] = []
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(FieldProblem(_("The leave must end after it starts."), "ends_at"))
    leave = StaffLeave(staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason,
                       note=note, recorded_by=actor)
    return save_and_audit(leave, actor=actor, problems=problems)


@transaction.atomic
def leave_remove(*, leave_id: int, actor) -> None:
    """Remove leave recorded by mistake (coverage linked to it stays, unlinked)."""
    leave = StaffLeave.objects.select_for_update().filter(pk=leave_id).first()
    if leave is None:
        raise Refusal(_("This leave was already removed."))
    audit_change(action=Action.DELETE, obj=leave, actor=actor)
    leave.delete()


# --- Backup coverage ---------------------------------------------------------------------------

def backup_problems(*, covered, backup, role: str, starts_at: datetime,
                    ends_at: datetime) -> list[str]:
    """Why ``backup`` may not cover ``covered``'s position ``role`` over the span: the
    position's full PS IV.B check (on the first and the last day), by field."""
    problems: list[str] = []
    if covered is not None and not covered.roles.filter(role=role, is_backup=False).exists():
        problems.append(FieldProblem(
            _("%(name)s does not hold the position %(role)s.") % {
                "name": covered, "role": Role(role).label.lower()}, "role"))
    if backup is None:
        return problems
    if covered is not None and backup.pk == covered.pk:
        problems.append(FieldProblem(_("Someone else must cover."), "backup"))
        return problems
    if not backup.active:
        problems.append(FieldProblem(_("%(name)s is not active.") % {"name": backup}, "backup"))
    facts = StaffFacts.of(backup)
    for moment in (starts_at, ends_at):
        for problem in check_backup(role, facts, timezone.localtime(moment).date(),
                                    covered_name=str(covered or "")):
            if problem not in problems:
                problems.append(FieldProblem(problem, "backup"))
    return problems


def coverage_add(*, covered, backup, role: str, starts_at: datetime, ends_at: datetime,
                 members: Iterable = (), leave=None, actor) -> BackupCoverage:
    """``backup`` covers ``covered``'s position from ``starts_at`` to ``ends_at``, for the
    listed ``members`` (each on the covered colleague's current caseload) or the whole
    caseload. Refused, with nothing saved, when the backup does not qualify."""
    members = list(members)
    problems: list[str] = []
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(FieldProblem(_("The coverage must end after it starts."), "ends_at"))
    else:
        problems += backup_problems(covered=covered, backup=backup, role=role,
                                    starts_at=starts_at, ends_at=ends_at)
    on_caseload = set(CareTeamMember.objects.filter(
        staff=covered, until__isnull=True, member__in=members).values_list("member_id", flat=True))
    outside = [str(m) for m in members if m.pk not in on_caseload]
    if outside:
        problems.append(FieldProblem(
            _("Not on %(name)s's caseload: %(members)s.") % {
                "name": covered, "members": ", ".join(outside)}, "members"))
    if leave is not None and leave.staff_id != getattr(covered, "pk", None):
        problems.append(FieldProblem(_("This leave is someone else's."), "leave"))
    coverage = BackupCoverage(covered=covered, backup=backup, role=role, starts_at=starts_at,
                              ends_at=ends_at, leave=leave, recorded_by=actor)
    with transaction.atomic():
        save_and_audit(coverage, actor=actor, problems=problems)
        if members:
            coverage.members.set(members)
    return coverage


@transaction.atomic
def coverage_end(*, coverage_id: int, actor, now: datetime | None = None) -> None:
    """End a coverage now (one not yet begun is cancelled)."""
    now = now or timezone.now()
    coverage = BackupCoverage.objects.select_for_update().filter(pk=coverage_id).first()
    if coverage is None or coverage.ends_at <= now:
        raise Refusal(_("This coverage has already ended."))
    if coverage.starts_at >= now:
        audit_change(action=Action.DELETE, obj=coverage, actor=actor)
        coverage.delete()
        return
    coverage.ends_at = now
    save_and_audit(coverage, actor=actor)


# --- Selectors ---------------------------------------------------------------------------------

def current_and_upcoming(now: datetime | None = None):
    """Leave and coverage not yet over, soonest first."""
    now = now or timezone.now()
    leaves = StaffLeave.objects.filter(ends_at__gt=now).select_related("staff__user")
    coverages = (BackupCoverage.objects.filter(ends_at__gt=now)
                 .select_related("covered__user", "backup__user", "leave")
                 .prefetch_related("members"))
    return list(leaves), list(coverages)


def plausible_backups(roles: Iterable[str] | None = None, on=None):
    """Active staff who pass the backup check of at least one of ``roles`` (default: every
    role) today: the choices offered for a backup (two queries)."""
    on = on or timezone.localdate()
    roles = list(roles or Role.values)
    staff = (StaffProfile.objects.filter(active=True, user__is_active=True)
             .select_related("user").prefetch_related("credentials"))
    passing: dict[StaffFacts, bool] = {}  # many staff share their facts: checked once
    found = []
    for s in staff:
        facts = StaffFacts.of(s)
        if facts not in passing:
            passing[facts] = any(passes_backup(role, facts, on) for role in roles)
        if passing[facts]:
            found.append(s)
    return found


def positions_held():
    """Active staff holding a primary role: those whose position can be covered."""
    return (StaffProfile.objects.filter(active=True)
            .filter(Q(roles__is_backup=False)).distinct().select_related("user"))
