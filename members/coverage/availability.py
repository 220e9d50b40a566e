"""The senior medical professional's consultation hours (PS IV.A.2): weekly blocks per person,
less leave and Massachusetts holidays, with backup coverage of the position filling in.

Services add and remove hours (audited); ``covering_consultant`` says who is available at a
moment (or on a day); ``availability_check`` is the program check over the next 30 days.
All reads of a span are three bounded queries (hours, leave, coverage) and the rest is done
in memory (``Availability``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.calendar import is_business_day
from cares.base.staff.models import Role
from cares.base.staff.qualifications import ProgramCheck, StaffFacts, check_role
from cares.base.toolkit import FieldProblem, Refusal, save_and_audit
from members.coverage.models import AvailabilityHours, BackupCoverage, StaffLeave

SMP = Role.SENIOR_MEDICAL_PROFESSIONAL
CHECK_DAYS = 30


# --- Services ----------------------------------------------------------------------------------

def hours_add(*, staff, weekday: int, starts: time, ends: time, valid_from: date,
              valid_until: date | None = None, actor) -> AvailabilityHours:
    """A weekly block of consultation hours for ``staff``, who must hold the senior medical
    professional role and pass its check (PS IV.A.2) on ``valid_from``."""
    problems: list[str] = []
    holds = staff.roles.filter(role=SMP, is_backup=False).exists()
    if not staff.active or not holds:
        problems.append(FieldProblem(
            _("%(name)s does not hold the senior medical professional role.") % {"name": staff},
            "staff"))
    else:
        problems.extend(FieldProblem(p, "staff")
                        for p in check_role(SMP, StaffFacts.of(staff), valid_from))
    if starts and ends and ends <= starts:
        problems.append(FieldProblem(_("The hours must end after they start."), "ends"))
    if valid_until and valid_until < valid_from:
        problems.append(FieldProblem(_("The end date must not be before the start date."),
                                     "valid_until"))
    if not problems and _overlapping(staff, weekday, starts, ends, valid_from, valid_until):
        problems.append(FieldProblem(
            _("These hours overlap hours already on file for that day."), "starts"))
    hours = AvailabilityHours(staff=staff, weekday=weekday, starts=starts, ends=ends,
                              valid_from=valid_from, valid_until=valid_until)
    return save_and_audit(hours, actor=actor, problems=problems)


def _overlapping(staff, weekday, starts, ends, valid_from, valid_until) -> bool:
    found = AvailabilityHours.objects.filter(staff=staff, weekday=weekday, starts__lt=ends,
                                             ends__gt=starts)
    found = found.exclude(valid_until__lt=valid_from)
    if valid_until:
        found = found.exclude(valid_from__gt=valid_until)
    return found.exists()


@transaction.atomic
def hours_remove(*, hours_id: int, actor, today: date | None = None) -> None:
    """Remove a block: hours not yet begun are deleted, hours already in use end yesterday
    (what was offered stays on file)."""
    today = today or timezone.localdate()
    hours = AvailabilityHours.objects.select_for_update().filter(pk=hours_id).first()
    if hours is None or (hours.valid_until and hours.valid_until < today):
        raise Refusal(_("These hours were already removed."))
    if hours.valid_from >= today:
        audit_change(action=Action.DELETE, obj=hours, actor=actor)
        hours.delete()
        return
    hours.valid_until = today - timedelta(days=1)
    save_and_audit(hours, actor=actor)


# --- Selectors ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cover:
    """Who answers consultations: ``staff`` in their own hours, or as ``backup`` for
    ``covered``."""

    staff: object
    covered: object | None = None

    @property
    def via_backup(self) -> bool:
        return self.covered is not None

    def __str__(self) -> str:
        if self.covered is None:
            return str(self.staff)
        return _("%(backup)s (covering for %(covered)s)") % {"backup": self.staff,
                                                             "covered": self.covered}


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class Availability:
    """Hours, leave and senior medical professional coverage from ``first`` to ``last``
    (local days, inclusive): three queries, then answers in memory."""

    def __init__(self, first: date, last: date):
        start, end = _local(first, time.min), _local(last + timedelta(days=1), time.min)
        self.hours = list(
            AvailabilityHours.objects.filter(
                staff__active=True, staff__roles__role=SMP, staff__roles__is_backup=False,
                valid_from__lte=last)
            .exclude(valid_until__lt=first).select_related("staff__user").distinct())
        staff_ids = {h.staff_id for h in self.hours}
        self.leaves = list(StaffLeave.objects.filter(staff_id__in=staff_ids, starts_at__lt=end,
                                                     ends_at__gt=start))
        self.coverages = list(
            BackupCoverage.objects.filter(role=SMP, backup__active=True, starts_at__lt=end,
                                          ends_at__gt=start)
            .select_related("backup__user", "covered__user"))

    def _on_leave(self, staff_id: int, start: datetime, end: datetime) -> bool:
        return any(leave.staff_id == staff_id and leave.starts_at < end
                   and leave.ends_at > start for leave in self.leaves)

    def _blocks(self, day: date):
        for h in self.hours:
            if h.weekday == day.weekday() and h.valid_from <= day and (
                    h.valid_until is None or h.valid_until >= day):
                yield h, _local(day, h.starts), _local(day, h.ends)

    def at(self, moment: datetime) -> Cover | None:
        """Who is available at ``moment``: an SMP in their hours and not on leave (not on
        holidays), else a running SMP backup coverage."""
        day = timezone.localtime(moment).date()
        if is_business_day(day):
            for h, start, end in self._blocks(day):
                if start <= moment < end and not self._on_leave(h.staff_id, start, end):
                    return Cover(h.staff)
        for c in self.coverages:
            if c.starts_at <= moment < c.ends_at:
                return Cover(c.backup, c.covered)
        return None

    def on(self, day: date) -> Cover | None:
        """Who is available on business day ``day`` (hours not touched by leave, or an SMP
        backup coverage running during the day)."""
        for h, start, end in self._blocks(day):
            if not self._on_leave(h.staff_id, start, end):
                return Cover(h.staff)
        start, end = _local(day, time.min), _local(day + timedelta(days=1), time.min)
        for c in self.coverages:
            if c.starts_at < end and c.ends_at > start:
                return Cover(c.backup, c.covered)
        return None


def covering_consultant(when: datetime | date | None = None) -> Cover | None:
    """Who answers consultations at a moment (default: now) or on a day."""
    when = when or timezone.now()
    if isinstance(when, datetime):
        day = timezone.localtime(when).date()
        return Availability(day, day).at(when)
    return Availability(when, when).on(when)


def uncovered_business_days(first: date, days: int = CHECK_DAYS) -> list[date]:
    last = first + timedelta(days=days - 1)
    known = Availability(first, last)
    span = (first + timedelta(days=n) for n in range(days))
    return [day for day in span if is_business_day(day) and known.on(day) is None]


# --- Program check -----------------------------------------------------------------------------

def availability_check(now: datetime) -> ProgramCheck:
    """PS IV.A.2: a senior medical professional (or their backup) is available for
    consultation every business day of the next 30 days."""
    missing = uncovered_business_days(timezone.localtime(now).date())
    days = ", ".join(date_format(day, "D j M") for day in missing)
    detail = (ngettext("No senior medical professional is available on %(count)d business "
                       "day: %(days)s.",
                       "No senior medical professional is available on %(count)d business "
                       "days: %(days)s.", len(missing)) % {"count": len(missing), "days": days}
              if missing else _("Every business day of the next %(n)d days is covered.")
              % {"n": CHECK_DAYS})
    return ProgramCheck(
        key="smp_available",
        title=_("A senior medical professional is available every business day"),
        citation="PS IV.A.2", ok=not missing, detail=detail)

