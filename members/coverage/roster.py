"""The on-call roster of the dedicated 24/7 line (PS VI.B.1.b): who may take calls, the shift
services, and the gaps in the roster.

Only staff whose role may take calls are rostered, as the one on call or as their backup: an
active care coordinator, senior care manager or senior medical professional (a role they hold,
not one they cover as backup) who passes that role's PS IV.B check and whose training is not
overdue (PS V). Times are aware datetimes and all arithmetic is in UTC, so a night across a
daylight-saving change lasts what it really lasts; they are shown in the program's time zone
(America/New_York).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import Role, StaffProfile
from cares.base.staff.qualifications import ProgramCheck, StaffFacts, check_role
from cares.base.staff.training import training_status
from cares.base.toolkit import FieldProblem, refuse, save_and_audit
from members.coverage.models import OnCallShift, StaffLeave

CALL_ROLES = (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER, Role.SENIOR_MEDICAL_PROFESSIONAL)
LONGEST_SHIFT = timedelta(days=7)
CHECK_DAYS = 30  # the program check looks this far ahead


def utc(value: datetime | None) -> datetime | None:
    """``value`` in UTC. Python subtracts and compares two datetimes of the same zone by the
    wall clock (a night across the fall-back change would look an hour short), so every
    computation here is on UTC values."""
    return value.astimezone(UTC) if value is not None else None


# --- Who may take calls -------------------------------------------------------------------------

def _name(profile: StaffProfile) -> str:
    return str(profile.user)


def call_problems(profile: StaffProfile, on: date) -> list[str]:
    """Why ``profile`` (with ``user``, ``roles``, ``credentials`` and ``trainings`` loaded)
    may not take calls on ``on``, in words; empty when they may."""
    roles = list(profile.roles.all())
    held = [r.role for r in roles if not r.is_backup and r.role in CALL_ROLES]
    problems: list[str] = []
    if not (profile.active and profile.user.is_active):
        problems.append(_("no longer active"))
    if not held:
        problems.append(_("holds none of the roles that take calls (care coordinator, senior "
                          "care manager, senior medical professional)"))
    else:
        facts = StaffFacts.of(profile, list(profile.credentials.all()))
        found = [check_role(role, facts, on) for role in held]
        if all(found):
            problems.extend(p for role_problems in found for p in role_problems)
    training = training_status(profile.hire_date, [r.role for r in roles],
                               [(t.topic, t.completed) for t in profile.trainings.all()], on)
    if training.state == "overdue":
        which = _("initial") if training.completed_on is None else _("annual")
        problems.append(_("%(which)s training overdue since %(due)s") % {
            "which": which, "due": training.due.isoformat()})
    return problems


def call_refusal(profile: StaffProfile, on: date) -> str:
    """"Dana Lee cannot be rostered: …", or "" when they may take calls on ``on``."""
    problems = call_problems(profile, on)
    if not problems:
        return ""
    return _("%(name)s cannot be rostered: %(why)s.") % {"name": _name(profile),
                                                         "why": "; ".join(problems)}


def callers(ids: Iterable[int]) -> dict[int, StaffProfile]:
    """The staff members ``ids`` with what ``call_problems`` reads: four queries."""
    return {p.pk: p for p in StaffProfile.objects.filter(pk__in=set(ids))
            .select_related("user").prefetch_related("roles", "credentials", "trainings")}


def call_candidates():
    """Active staff holding a role that takes calls (the choices of the shift form)."""
    return (StaffProfile.objects.filter(active=True, user__is_active=True,
                                        roles__role__in=CALL_ROLES, roles__is_backup=False)
            .select_related("user").distinct().order_by("user__last_name", "user__first_name"))


# --- Words --------------------------------------------------------------------------------------

def moment(value: datetime) -> str:
    """"Fri 5 Dec 17:00" in the program's time zone."""
    return date_format(timezone.localtime(value), "D j M H:i")


def span_words(start: datetime, end: datetime) -> str:
    """"Fri 5 Dec 17:00 – Sat 6 Dec 08:00 (15 h)": the length is the real one, in UTC."""
    minutes = int((utc(end) - utc(start)).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        length = _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    elif hours:
        length = _("%(h)d h") % {"h": hours}
    else:
        length = ngettext("%(m)d minute", "%(m)d minutes", rest) % {"m": rest}
    return f"{moment(start)} – {moment(end)} ({length})"


# --- Services -----------------------------------------------------------------------------------

def _shift_problems(*, staff: StaffProfile | None, backup: StaffProfile | None,
                    starts_at: datetime | None, ends_at: datetime | None,
                    shift: OnCallShift | None) -> list[str]:
    """Everything wrong with a shift, checked inside the transaction (the people locked)."""
    problems: list[str] = []
    if staff is None:
        problems.append(FieldProblem(_("Choose who is on call."), "staff"))
    if starts_at is None or ends_at is None:
        problems.append(FieldProblem(_("Give the start and the end of the shift."), "ends_at"))
    elif ends_at <= starts_at:
        problems.append(FieldProblem(_("The shift must end after it starts."), "ends_at"))
    elif ends_at - starts_at > LONGEST_SHIFT:
        problems.append(FieldProblem(
            _("A shift lasts at most %(days)d days; split it into several shifts.")
            % {"days": LONGEST_SHIFT.days}, "ends_at"))
    if staff is not None and backup is not None and backup.pk == staff.pk:
        problems.append(FieldProblem(_("The backup must be someone other than the person on "
                                       "call."), "backup"))
    if problems:
        return problems
    on = timezone.localtime(max(starts_at, timezone.now())).date()
    people = callers([p.pk for p in (staff, backup) if p is not None])
    for field, person in (("staff", staff), ("backup", backup)):
        if person is not None and (why := call_refusal(people[person.pk], on)):
            problems.append(FieldProblem(why, field))
    clash = (OnCallShift.objects.filter(staff=staff, starts_at__lt=ends_at, ends_at__gt=starts_at)
             .exclude(pk=getattr(shift, "pk", None)).order_by("starts_at").first())
    if clash is not None:
        problems.append(FieldProblem(
            _("%(name)s is already on call %(span)s; shifts of the same person cannot "
              "overlap.") % {"name": _name(people[staff.pk]),
                             "span": span_words(clash.starts_at, clash.ends_at)}, "starts_at"))
    return problems


def _lock_people(*people: StaffProfile | None) -> None:
    """Serialize shift changes of the same people (the overlap check reads their shifts)."""
    ids = sorted({p.pk for p in people if p is not None})
    list(StaffProfile.objects.select_for_update().filter(pk__in=ids).values_list("pk"))


@transaction.atomic
def shift_add(*, staff: StaffProfile | None, starts_at: datetime | None,
              ends_at: datetime | None, backup: StaffProfile | None = None, note: str = "",
              actor=None) -> OnCallShift:
    """A shift on the on-call line (PS VI.B.1.b), refused with the reasons."""
    starts_at, ends_at = utc(starts_at), utc(ends_at)
    _lock_people(staff)
    problems = _shift_problems(staff=staff, backup=backup, starts_at=starts_at, ends_at=ends_at,
                               shift=None)
    shift = OnCallShift(staff=staff, backup=backup, starts_at=starts_at, ends_at=ends_at,
                        note=(note or "").strip(), recorded_by=actor)
    refuse(problems)
    return save_and_audit(shift, actor=actor)


def _locked(shift: OnCallShift) -> OnCallShift:
    found = OnCallShift.objects.select_for_update().filter(pk=shift.pk).first()
    if found is None:
        refuse([_("This shift has been removed in the meantime; nothing was changed.")])
    return found


@transaction.atomic
def shift_change(*, shift: OnCallShift, staff: StaffProfile | None,
                 starts_at: datetime | None, ends_at: datetime | None,
                 backup: StaffProfile | None = None, note: str = "",
                 actor=None) -> OnCallShift:
    """Change a shift: the same checks as a new one, against the other shifts."""
    starts_at, ends_at = utc(starts_at), utc(ends_at)
    _lock_people(staff)
    current = _locked(shift)
    refuse(_shift_problems(staff=staff, backup=backup, starts_at=starts_at, ends_at=ends_at,
                           shift=current))
    current.staff, current.backup = staff, backup
    current.starts_at, current.ends_at = starts_at, ends_at
    current.note = (note or "").strip()
    return save_and_audit(current, actor=actor)


@transaction.atomic
def shift_remove(*, shift: OnCallShift, actor=None) -> None:
    """Remove a shift from the roster (its history is kept)."""
    current = _locked(shift)
    audit_change(action=Action.DELETE, obj=current, actor=actor)
    current.delete()


# --- Gaps ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gap:
    """Minutes of [starts_at, ends_at) when nobody qualified is on call."""

    starts_at: datetime
    ends_at: datetime

    @property
    def words(self) -> str:
        return span_words(self.starts_at, self.ends_at)

    @property
    def minutes(self) -> int:
        return int((utc(self.ends_at) - utc(self.starts_at)).total_seconds() // 60)


def shifts_between(start: datetime, end: datetime) -> list[OnCallShift]:
    """The shifts overlapping [start, end), in order, with their people and what
    ``call_problems`` reads of the person on call and the backup: seven queries."""
    return list(OnCallShift.objects.filter(starts_at__lt=end, ends_at__gt=start)
                .select_related("staff__user", "backup__user")
                .prefetch_related("staff__roles", "staff__credentials", "staff__trainings",
                                  "backup__roles", "backup__credentials", "backup__trainings")
                .order_by("starts_at", "pk"))


Span = tuple[datetime, datetime]


def away_between(shifts: list[OnCallShift], start: datetime, end: datetime
                 ) -> dict[int, list[Span]]:
    """The leave (``StaffLeave``) of everyone on call or backup in ``shifts`` overlapping
    [start, end), by staff id, in UTC: one query."""
    people = {s.staff_id for s in shifts} | {s.backup_id for s in shifts if s.backup_id}
    away: dict[int, list[Span]] = {}
    for staff_id, leave_start, leave_end in StaffLeave.objects.filter(
            staff_id__in=people, starts_at__lt=end, ends_at__gt=start).values_list(
            "staff_id", "starts_at", "ends_at"):
        away.setdefault(staff_id, []).append((utc(leave_start), utc(leave_end)))
    return away


def _minus(span: Span, cuts: Iterable[Span]) -> list[Span]:
    """``span`` without the stretches ``cuts``."""
    parts = [span]
    for cut_start, cut_end in cuts:
        parts = [piece for a, b in parts for piece in ((a, min(b, cut_start)), (max(a, cut_end), b))
                 if piece[0] < piece[1]]
    return parts


def _within(span: Span, cuts: Iterable[Span]) -> list[Span]:
    """The stretches of ``span`` inside ``cuts``."""
    return [(max(span[0], a), min(span[1], b)) for a, b in cuts
            if max(span[0], a) < min(span[1], b)]


def covered_spans(shift: OnCallShift, span: Span, away: dict[int, list[Span]],
                  backup_may: bool) -> list[Span]:
    """The stretches of ``span`` (part of ``shift``) someone answers: the person on call when
    they are not on leave; while they are, the backup (when ``backup_may`` take calls and
    is not on leave too)."""
    mine = away.get(shift.staff_id, [])
    covered = _minus(span, mine)
    if shift.backup_id and backup_may:
        for part in _within(span, mine):
            covered += _minus(part, away.get(shift.backup_id, []))
    return covered


def shift_problems(shifts: list[OnCallShift], start: datetime) -> dict[int, str]:
    """For each shift whose person may not take calls (on its first day in the window, or on
    its last day), why (``shifts`` from ``shifts_between``: no further query)."""
    return {shift.pk: why for shift in shifts
            if (why := _refusal_in_shift(shift.staff, shift, start))}


def _refusal_in_shift(profile: StaffProfile, shift: OnCallShift, start: datetime) -> str:
    """Why ``profile`` may not take calls on the shift's first day in the window or its last
    day ("" when they may)."""
    days = {timezone.localtime(max(utc(shift.starts_at), utc(start))).date(),
            timezone.localtime(shift.ends_at - timedelta(microseconds=1)).date()}
    return next((why for day in sorted(days) if (why := call_refusal(profile, day))), "")


def backups_who_may(shifts: list[OnCallShift], start: datetime) -> set[int]:
    """The shifts whose backup may take calls (``shifts`` from ``shifts_between``)."""
    return {shift.pk for shift in shifts
            if shift.backup_id and not _refusal_in_shift(shift.backup, shift, start)}


def gaps_in(shifts: list[OnCallShift], start: datetime, end: datetime,
            unqualified: Iterable[int] = (), away: dict[int, list[Span]] | None = None,
            backups: Iterable[int] = ()) -> list[Gap]:
    """The merged stretches of [start, end) that no shift covers: shifts whose pk is in
    ``unqualified`` do not count, nor the time their person is ``away`` on leave unless the
    shift is in ``backups`` (its backup may take calls) and the backup is not away too. Pure:
    UTC arithmetic on aware datetimes."""
    skip, start, end, away, backups = set(unqualified), utc(start), utc(end), away or {}, \
        set(backups)
    spans = sorted(part for s in shifts
                   if s.pk not in skip and utc(s.starts_at) < end and utc(s.ends_at) > start
                   for part in covered_spans(s, (max(utc(s.starts_at), start),
                                                 min(utc(s.ends_at), end)),
                                             away, s.pk in backups))
    gaps: list[Gap] = []
    cursor = start
    for s_start, s_end in spans:
        if s_start > cursor:
            gaps.append(Gap(cursor, s_start))
        cursor = max(cursor, s_end)
    if cursor < end:
        gaps.append(Gap(cursor, end))
    return gaps


def roster_gaps(start: datetime, end: datetime) -> list[Gap]:
    """The minutes of [start, end) not covered by a shift whose person may still take calls
    (or, while that person is on leave, its backup), merged into stretches. Eight queries."""
    start, end = utc(start), utc(end)
    shifts = shifts_between(start, end)
    return gaps_in(shifts, start, end, shift_problems(shifts, start),
                   away_between(shifts, start, end), backups_who_may(shifts, start))


def check_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """[this minute, 30 days later): what the program check looks at."""
    now = utc(now or timezone.now()).replace(second=0, microsecond=0)
    return now, now + timedelta(days=CHECK_DAYS)


def on_call_check(now: datetime | None = None) -> ProgramCheck:
    """PS VI.B.1.b: every minute of the next 30 days is covered by someone who may take
    calls; each gap with its start and end in words."""
    start, end = check_window(now)
    gaps = roster_gaps(start, end)
    if gaps:
        detail = ngettext("%(n)d gap: %(gaps)s.", "%(n)d gaps: %(gaps)s.", len(gaps)) % {
            "n": len(gaps), "gaps": "; ".join(g.words for g in gaps)}
    else:
        detail = _("Every minute from %(start)s to %(end)s has someone on call.") % {
            "start": moment(start), "end": moment(end)}
    return ProgramCheck(
        key="on_call_covered",
        title=_("24/7 on-call line covered for the next %(days)d days") % {"days": CHECK_DAYS},
        citation="PS VI.B.1.b", ok=not gaps, detail=detail)


# --- The pages' reading ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RosterEntry:
    """A shift, or a gap (``shift`` None), as a row of the roster."""

    starts_at: datetime
    ends_at: datetime
    shift: OnCallShift | None = None
    problem: str = ""  # why the person on call may not take calls (then it is not coverage)

    @property
    def words(self) -> str:
        return span_words(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class Roster:
    start: datetime
    end: datetime
    entries: list[RosterEntry]
    gaps: list[Gap]

    @property
    def now_on_call(self) -> list[RosterEntry]:
        return [e for e in self.entries if e.shift and e.starts_at <= self.start < e.ends_at]

    @property
    def next_on_call(self) -> RosterEntry | None:
        return next((e for e in self.entries if e.shift and e.starts_at > self.start), None)

    @property
    def days(self) -> list[tuple[date, list[RosterEntry]]]:
        """The entries by the local day they start on (or the window's first day)."""
        found: dict[date, list[RosterEntry]] = {}
        for entry in self.entries:
            day = timezone.localtime(max(entry.starts_at, self.start)).date()
            found.setdefault(day, []).append(entry)
        return list(found.items())


def roster(now: datetime | None = None) -> Roster:
    """The next 30 days: shifts and gaps in order. Eight queries."""
    start, end = check_window(now)
    shifts = shifts_between(start, end)
    problems = shift_problems(shifts, start)
    gaps = gaps_in(shifts, start, end, problems, away_between(shifts, start, end),
                   backups_who_may(shifts, start))
    entries = [RosterEntry(s.starts_at, s.ends_at, s, problems.get(s.pk, "")) for s in shifts]
    entries += [RosterEntry(g.starts_at, g.ends_at) for g in gaps]
    entries.sort(key=lambda e: (e.starts_at, e.shift is not None))
    return Roster(start, end, entries, gaps)
