"""Weekly individual supervision of care coordinators by a senior care manager and ongoing
medical training (PS IV.B.2.b.5-6): the services that record them, the weekly grid and the
program check built on it.

A week is Monday to Sunday. A coordinator's week is excused when they were not employed yet
(hire date after the week) or were on leave on every business day of it (Massachusetts
holidays do not count as business days; a holiday week still has business days, so it still
needs supervision). A business day counts as leave when a leave period covers its business
hours (09:00-17:00, America/New_York) in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.calendar import is_business_day
from cares.base.staff.models import Role, StaffProfile, User
from cares.base.staff.qualifications import ProgramCheck, StaffFacts, check_backup
from cares.base.toolkit import FieldProblem, Refusal, not_future, save_and_audit
from members.coverage.models import MedicalTrainingSession, StaffLeave, Supervision
from members.models import CareTeamMember, Member

CHECK_WEEKS = 4
LOG_WEEKS = 8
BUSINESS_HOURS = (time(9), time(17))
DONE, MISSING, EXCUSED, OPEN = "done", "missing", "excused", "open"


# --- Who may be supervised, who may supervise -------------------------------------------------

def active_coordinators() -> QuerySet[StaffProfile]:
    """Active staff members holding the care coordinator role (not as backup)."""
    return StaffProfile.objects.filter(
        active=True, user__is_active=True, roles__role=Role.CARE_COORDINATOR,
        roles__is_backup=False).select_related("user").distinct()


def supervisor_candidates() -> QuerySet[StaffProfile]:
    """Active staff members holding the senior care manager role, themselves or as backup."""
    return StaffProfile.objects.filter(
        active=True, user__is_active=True, roles__role=Role.SENIOR_CARE_MANAGER
    ).select_related("user").distinct()


def is_coordinator(profile: StaffProfile) -> bool:
    return active_coordinators().filter(pk=profile.pk).exists()


def supervisor_problems(profile: StaffProfile, on: date) -> list[str]:
    """Why ``profile`` may not supervise (or lead medical training): a senior care manager, or
    a qualified backup covering one (PS IV.A.4)."""
    if not (profile.active and profile.user.is_active):
        return [_("%(name)s is not an active staff member.") % {"name": profile}]
    roles = list(profile.roles.filter(role=Role.SENIOR_CARE_MANAGER).select_related("covers"))
    if any(not r.is_backup for r in roles):
        return []
    backup = next((r for r in roles if r.covers_id), None)
    if backup is None:
        return [_("%(name)s does not hold the senior care manager role.") % {"name": profile}]
    if not backup.covers.roles.filter(role=Role.SENIOR_CARE_MANAGER, is_backup=False).exists():
        return [_("%(name)s covers %(covered)s, who is not a senior care manager.")
                % {"name": profile, "covered": backup.covers}]
    return check_backup(Role.SENIOR_CARE_MANAGER, StaffFacts.of(profile), on,
                        covered_name=str(backup.covers))


def caseload(coordinator: StaffProfile) -> QuerySet[Member]:
    """The coordinator's current caseload: members whose care team they are on now."""
    return Member.objects.filter(care_team__staff=coordinator,
                                 care_team__until__isnull=True).distinct()


# --- Services ---------------------------------------------------------------------------------

@transaction.atomic
def supervision_record(*, coordinator: StaffProfile, supervisor: StaffProfile, held_on: date,
                       members_discussed: Iterable[Member] = (), notes: str = "",
                       actor: User | None = None) -> Supervision:
    """One individual supervision session of ``coordinator`` by ``supervisor``
    (PS IV.B.2.b.5). Members discussed are kept by reference, never copied into the notes."""
    coordinator = StaffProfile.objects.select_for_update().select_related("user").get(
        pk=coordinator.pk)
    problems: list[str] = []
    if not is_coordinator(coordinator):
        problems.append(FieldProblem(
            _("%(name)s does not hold the care coordinator role as an active staff member.")
            % {"name": coordinator}, "coordinator"))
    today = timezone.localdate()
    problems += [FieldProblem(p, "supervisor")
                 for p in supervisor_problems(supervisor, held_on or today)]
    if supervisor.pk == coordinator.pk:
        problems.append(FieldProblem(_("A coordinator cannot supervise themselves."),
                                     "supervisor"))
    not_future(held_on, _("The date of the session"), problems, field="held_on")
    if held_on and held_on < coordinator.hire_date:
        problems.append(FieldProblem(
            _("%(name)s was hired on %(hired)s, after this date.")
            % {"name": coordinator, "hired": coordinator.hire_date.isoformat()}, "held_on"))
    discussed = list(members_discussed)
    on_caseload = set(CareTeamMember.objects.filter(
        staff=coordinator, until__isnull=True, member__in=discussed
    ).values_list("member_id", flat=True))
    for member in discussed:
        if member.pk not in on_caseload:
            problems.append(FieldProblem(
                _("A member discussed is not on %(name)s's caseload.") % {"name": coordinator},
                "members_discussed"))
            break
    session = Supervision(coordinator=coordinator, supervisor=supervisor, held_on=held_on,
                          notes=(notes or "").strip(), recorded_by=actor)
    save_and_audit(session, actor=actor, problems=problems)
    session.members_discussed.set(discussed)
    return session


@transaction.atomic
def supervision_remove(*, session_id: int, actor: User | None = None) -> None:
    """Remove a supervision session recorded in error (audited)."""
    session = Supervision.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise Refusal(_("This supervision session has already been removed."))
    audit_change(action=Action.DELETE, obj=session, actor=actor)
    session._history_user = actor if getattr(actor, "is_authenticated", False) else None
    session.members_discussed.clear()
    session.delete()


@transaction.atomic
def medical_training_record(*, topic: str, held_on: date, led_by: StaffProfile,
                            attendees: Iterable[StaffProfile], notes: str = "",
                            actor: User | None = None) -> MedicalTrainingSession:
    """An ongoing medical training session for care coordinators, led by a senior care
    manager (PS IV.B.2.b.6)."""
    problems: list[str] = []
    topic = (topic or "").strip()
    if not topic:
        problems.append(FieldProblem(_("Say what the training was about."), "topic"))
    not_future(held_on, _("The date of the training"), problems, field="held_on")
    today = timezone.localdate()
    problems += [FieldProblem(p, "led_by") for p in supervisor_problems(led_by, held_on or today)]
    people = list(attendees)
    if not people:
        problems.append(FieldProblem(_("Tick at least one care coordinator who attended."),
                                     "attendees"))
    allowed = set(active_coordinators().filter(pk__in=[p.pk for p in people])
                  .values_list("pk", flat=True))
    stray = [str(p) for p in people if p.pk not in allowed]
    if stray:
        problems.append(FieldProblem(
            _("Not active care coordinators: %(names)s.") % {"names": ", ".join(stray)},
            "attendees"))
    session = MedicalTrainingSession(topic=topic, held_on=held_on, led_by=led_by,
                                     notes=(notes or "").strip(), recorded_by=actor)
    save_and_audit(session, actor=actor, problems=problems)
    session.attendees.set(people)
    return session


# --- The weekly grid --------------------------------------------------------------------------

@dataclass(frozen=True)
class Week:
    monday: date

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]


@lru_cache(maxsize=256)
def _business_days(week: Week) -> frozenset[date]:
    """The week's business days (read once per week, not once per coordinator)."""
    return frozenset(d for d in week.days() if is_business_day(d))


def weeks_before(today: date, count: int, *, include_current: bool = False) -> list[Week]:
    """The last ``count`` complete Monday-Sunday weeks before ``today`` (oldest first); with
    ``include_current``, the week of ``today`` is the last of them."""
    monday = today - timedelta(days=today.weekday())
    first = 1 - count if include_current else -count
    return [Week(monday + timedelta(weeks=i)) for i in range(first, first + count)]


def _leave_days(leaves: Sequence[tuple[datetime, datetime]], week: Week) -> set[date]:
    """Business days of ``week`` whose business hours the leave periods cover in full."""
    covered = set()
    for day in _business_days(week):
        start = timezone.make_aware(datetime.combine(day, BUSINESS_HOURS[0]))
        end = timezone.make_aware(datetime.combine(day, BUSINESS_HOURS[1]))
        if any(s <= start and e >= end for s, e in leaves):
            covered.add(day)
    return covered


@dataclass(frozen=True)
class GridRow:
    coordinator: StaffProfile
    cells: list[tuple[Week, str]]

    @property
    def missing(self) -> list[Week]:
        return [week for week, state in self.cells if state == MISSING]


def supervision_grid(coordinators: Sequence[StaffProfile], weeks: Sequence[Week],
                     today: date) -> list[GridRow]:
    """Each coordinator's state in each week (done, missing, excused; open for the week of
    ``today`` while nothing is recorded): two queries whatever the number of coordinators, a
    third for leave when some employed week has no session."""
    if not coordinators or not weeks:
        return []
    first, last = weeks[0].monday, weeks[-1].sunday
    ids = [c.pk for c in coordinators]
    held: dict[int, set[date]] = {}  # dates by coordinator, grouped once
    for pk, d in Supervision.objects.filter(coordinator_id__in=ids,
                                            held_on__range=(first, last)
                                            ).values_list("coordinator_id", "held_on"):
        held.setdefault(pk, set()).add(d)
    leaves = _leaves([c.pk for c in coordinators
                      if _may_need_leave(c, weeks, held.get(c.pk, ()))], first, last)
    rows = []
    for coordinator in coordinators:
        dates = held.get(coordinator.pk, set())
        cells = [(week, _state(coordinator, week, dates, leaves.get(coordinator.pk, []), today))
                 for week in weeks]
        rows.append(GridRow(coordinator, cells))
    return rows


def _may_need_leave(coordinator: StaffProfile, weeks: Sequence[Week],
                    dates: Iterable[date]) -> bool:
    """Whether some week of ``coordinator`` has no session (``dates``: theirs) although they
    were employed (only then does their leave matter)."""
    return any(coordinator.hire_date <= week.sunday and not any(
        week.monday <= d <= week.sunday for d in dates) for week in weeks)


def _leaves(ids: list[int], first: date, last: date
            ) -> dict[int, list[tuple[datetime, datetime]]]:
    """Leave periods of ``ids`` overlapping ``first``..``last``: one query, none without ids."""
    found: dict[int, list[tuple[datetime, datetime]]] = {}
    if not ids:
        return found
    span_start = timezone.make_aware(datetime.combine(first, time.min))
    span_end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    for staff_id, starts, ends in StaffLeave.objects.filter(
            staff_id__in=ids, starts_at__lt=span_end, ends_at__gt=span_start
    ).values_list("staff_id", "starts_at", "ends_at"):
        found.setdefault(staff_id, []).append((starts, ends))
    return found


def _state(coordinator: StaffProfile, week: Week, dates: set[date],
           leaves: Sequence[tuple[datetime, datetime]], today: date) -> str:
    if any(week.monday <= d <= week.sunday for d in dates):
        return DONE
    if coordinator.hire_date > week.sunday:
        return EXCUSED
    business = _business_days(week)
    if leaves and business and business <= _leave_days(leaves, week):
        return EXCUSED
    return OPEN if week.sunday >= today else MISSING


SHOWN_GAPS = 10  # gaps named in the check's line; the supervision page shows the rest


def supervision_check(now: datetime) -> ProgramCheck:
    """PS IV.B.2.b.5: each active care coordinator had individual supervision in each of the
    last 4 complete weeks (Monday-Sunday) before today."""
    today = timezone.localdate(now)
    weeks = weeks_before(today, CHECK_WEEKS)
    coordinators = active_coordinators().order_by("user__last_name", "pk").only(
        "hire_date", "user__first_name", "user__last_name", "user__email")  # what is shown
    rows = supervision_grid(list(coordinators), weeks, today)
    missing = [(row.coordinator, week) for row in rows for week in row.missing]
    gap = _("%(name)s: no supervision in the week of %(monday)s")  # translated once
    gaps = [gap % {"name": person, "monday": week.monday.isoformat()}
            for person, week in missing[:SHOWN_GAPS]]
    if len(missing) > SHOWN_GAPS:  # a line on the dashboard, not every gap of a large program
        more = len(missing) - SHOWN_GAPS
        gaps.append(ngettext(
            "and %(n)s more week without supervision (the supervision page shows them all)",
            "and %(n)s more weeks without supervision (the supervision page shows them all)",
            more) % {"n": more})
    span = _("weeks of %(first)s to %(last)s") % {"first": weeks[0].monday.isoformat(),
                                                   "last": weeks[-1].monday.isoformat()}
    return ProgramCheck(
        key="weekly_supervision",
        title=_("Each active care coordinator had individual supervision in each of the last "
                "4 weeks"),
        citation="PS IV.B.2.b.5",
        ok=not gaps,
        detail="; ".join(gaps) + f" ({span})" if gaps else span,
    )
