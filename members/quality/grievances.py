"""Grievances and complaints (PS VII, issue 18): the rules of lateness, the services that
record and move a grievance on, and the reads behind the grievance pages and the program
dashboard.

Rules (calendar days, the targets are the program's settings ``staff.Program``
``grievance_acknowledge_days`` and ``grievance_resolve_days``; the current setting applies to
every grievance, older ones included):

- acknowledgement due = received on + acknowledge days;
- resolution due = received on + resolve days;
- late to acknowledge: acknowledged after its due date, or not acknowledged and today is
  past it (acknowledged *on* the due day is on time); late to resolve likewise;
- days late: from the due date to the day it was done, or to today while it is not done.

Resolving a grievance that was never acknowledged acknowledges it on the day of the
resolution (``acknowledged_on = resolved_on``): answering the complainant with a resolution
is also telling them it was received. That acknowledgement counts as late when the resolution
came after the acknowledgement due date.

Every service locks the row (``select_for_update``) and re-checks its state inside the
transaction, so the loser of a race (two people resolving at once) gets the ordinary refusal;
every change is audited (``audit_change``, with the member concerned when there is one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cares.base.staff.models import Program
from cares.base.toolkit import FieldProblem, Refusal, not_future, save_and_audit
from members.models import Grievance, GrievanceFrom, GrievanceTopic, Member
from members.selectors import member_with_id

# Open grievances listed on the dashboard (the oldest, so the latest, first); the page
# ``quality:grievances`` has all of them.
DASHBOARD_LIMIT = 20


# --- Rules ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class GrievanceTargets:
    """The program's targets, in calendar days from receipt."""

    acknowledge_days: int
    resolve_days: int


def grievance_targets() -> GrievanceTargets:
    """The targets set on the program record (the fields' defaults before there is one)."""
    row = Program.objects.order_by("pk").values(
        "grievance_acknowledge_days", "grievance_resolve_days").first()
    if row is None:
        return GrievanceTargets(
            Program._meta.get_field("grievance_acknowledge_days").default,
            Program._meta.get_field("grievance_resolve_days").default)
    return GrievanceTargets(row["grievance_acknowledge_days"], row["grievance_resolve_days"])


def acknowledge_due(received_on: date, targets: GrievanceTargets) -> date:
    return received_on + timedelta(days=targets.acknowledge_days)


def resolve_due(received_on: date, targets: GrievanceTargets) -> date:
    return received_on + timedelta(days=targets.resolve_days)


def days_late(due: date, done_on: date | None, today: date) -> int:
    """Days past ``due``: to the day it was done, or to ``today`` while not done (0: on time,
    or not due yet)."""
    return max(0, ((done_on or today) - due).days)


def late_to_acknowledge(grievance: Grievance, targets: GrievanceTargets, today: date) -> bool:
    due = acknowledge_due(grievance.received_on, targets)
    return days_late(due, grievance.acknowledged_on, today) > 0


def late_to_resolve(grievance: Grievance, targets: GrievanceTargets, today: date) -> bool:
    due = resolve_due(grievance.received_on, targets)
    return days_late(due, grievance.resolved_on, today) > 0


@dataclass(frozen=True)
class GrievanceState:
    """One grievance against the targets, as of ``today``."""

    grievance: Grievance
    acknowledge_due: date
    resolve_due: date
    acknowledge_late: int  # days
    resolve_late: int  # days

    @property
    def pk(self) -> int:
        return self.grievance.pk

    @property
    def days_late(self) -> int:
        return max(self.acknowledge_late, self.resolve_late)

    @property
    def from_label(self) -> str:
        return GrievanceFrom(self.grievance.from_kind).label

    @property
    def topic_label(self) -> str:
        return GrievanceTopic(self.grievance.topic).label


def grievance_state(grievance: Grievance, targets: GrievanceTargets,
                    today: date) -> GrievanceState:
    ack = acknowledge_due(grievance.received_on, targets)
    res = resolve_due(grievance.received_on, targets)
    return GrievanceState(grievance, ack, res, days_late(ack, grievance.acknowledged_on, today),
                          days_late(res, grievance.resolved_on, today))


# --- Services -------------------------------------------------------------------------------

def _member(masshealth_id: str, problems: list[str]) -> Member | None:
    """The member with this MassHealth ID (none when left empty); an unknown ID is refused
    next to the field."""
    if not (masshealth_id or "").strip():
        return None
    member = member_with_id(masshealth_id)
    if member is None:
        problems.append(FieldProblem(_("No member has this MassHealth ID."), "masshealth_id"))
    return member


def _locked(grievance_id: int) -> Grievance:
    grievance = Grievance.objects.select_for_update().filter(pk=grievance_id).first()
    if grievance is None:
        raise Refusal(_("This grievance does not exist (any more)."))
    return grievance


def _day(value: date) -> str:
    return date_format(value, "Y-m-d")


def _not_before(value: date | None, earlier: date | None, message: str, field: str,
                problems: list[str]) -> None:
    if value is not None and earlier is not None and value < earlier:
        problems.append(FieldProblem(message % {"date": _day(earlier)}, field))


def _details(grievance: Grievance, *, received_on: date, from_name: str, from_kind: str,
             topic: str, description: str, masshealth_id: str, problems: list[str]) -> None:
    """Set the details of ``grievance`` (validated with the model's own checks on save)."""
    not_future(received_on, _("The date received"), problems, "received_on")
    grievance.received_on = received_on
    grievance.from_name = (from_name or "").strip()
    grievance.from_kind = from_kind
    grievance.topic = topic
    grievance.description = (description or "").strip()
    grievance.member = _member(masshealth_id, problems)


def grievance_record(*, received_on: date, from_name: str, from_kind: str, topic: str,
                     description: str, masshealth_id: str = "", actor) -> Grievance:
    """Record a grievance received; the member concerned is optional (by MassHealth ID)."""
    problems: list[str] = []
    grievance = Grievance(recorded_by=actor)
    _details(grievance, received_on=received_on, from_name=from_name, from_kind=from_kind,
             topic=topic, description=description, masshealth_id=masshealth_id,
             problems=problems)
    with transaction.atomic():
        return save_and_audit(grievance, actor=actor, member=grievance.member,
                              problems=problems)


@transaction.atomic
def grievance_update(*, grievance_id: int, received_on: date, from_name: str, from_kind: str,
                     topic: str, description: str, masshealth_id: str = "",
                     actor) -> Grievance:
    """Correct the details of a grievance. The date received stays on or before its
    acknowledgement, resolution and escalation."""
    grievance = _locked(grievance_id)
    problems: list[str] = []
    _details(grievance, received_on=received_on, from_name=from_name, from_kind=from_kind,
             topic=topic, description=description, masshealth_id=masshealth_id,
             problems=problems)
    for later, message in (
            (grievance.acknowledged_on, _("It was acknowledged on %(date)s: it cannot have "
                                          "been received later.")),
            (grievance.resolved_on, _("It was resolved on %(date)s: it cannot have been "
                                      "received later.")),
            (grievance.escalated_on, _("It was escalated on %(date)s: it cannot have been "
                                       "received later."))):
        if later is not None and received_on is not None and received_on > later:
            problems.append(FieldProblem(message % {"date": _day(later)}, "received_on"))
    return save_and_audit(grievance, actor=actor, member=grievance.member, problems=problems)


@transaction.atomic
def grievance_acknowledge(*, grievance_id: int, acknowledged_on: date, actor) -> Grievance:
    """Record the day the complainant was told the grievance was received."""
    grievance = _locked(grievance_id)
    if grievance.acknowledged_on is not None:
        raise Refusal(_("This grievance was already acknowledged on %(date)s.")
                      % {"date": _day(grievance.acknowledged_on)})
    problems: list[str] = []
    if acknowledged_on is None:
        problems.append(FieldProblem(_("Enter the date acknowledged."), "acknowledged_on"))
    not_future(acknowledged_on, _("The date acknowledged"), problems, "acknowledged_on")
    _not_before(acknowledged_on, grievance.received_on,
                _("It was received on %(date)s: it cannot be acknowledged earlier."),
                "acknowledged_on", problems)
    grievance.acknowledged_on = acknowledged_on
    return save_and_audit(grievance, actor=actor, member=grievance.member, problems=problems)


@transaction.atomic
def grievance_resolve(*, grievance_id: int, resolution: str, resolved_on: date,
                      actor) -> Grievance:
    """Record the resolution and its date. A grievance never acknowledged is acknowledged on
    the day of its resolution (module notes)."""
    grievance = _locked(grievance_id)
    if grievance.resolved_on is not None:
        raise Refusal(_("This grievance was already resolved on %(date)s.")
                      % {"date": _day(grievance.resolved_on)})
    problems: list[str] = []
    resolution = (resolution or "").strip()
    if not resolution:
        problems.append(FieldProblem(_("Describe the resolution."), "resolution"))
    if resolved_on is None:
        problems.append(FieldProblem(_("Enter the date resolved."), "resolved_on"))
    not_future(resolved_on, _("The date resolved"), problems, "resolved_on")
    _not_before(resolved_on, grievance.received_on,
                _("It was received on %(date)s: it cannot be resolved earlier."),
                "resolved_on", problems)
    _not_before(resolved_on, grievance.acknowledged_on,
                _("It was acknowledged on %(date)s: it cannot be resolved earlier."),
                "resolved_on", problems)
    grievance.resolution, grievance.resolved_on = resolution, resolved_on
    if grievance.acknowledged_on is None:
        grievance.acknowledged_on = resolved_on
    return save_and_audit(grievance, actor=actor, member=grievance.member, problems=problems)


@transaction.atomic
def grievance_escalate(*, grievance_id: int, escalated_to: str, escalated_on: date,
                       actor) -> Grievance:
    """Record that the grievance was escalated, to whom and when (once)."""
    grievance = _locked(grievance_id)
    if grievance.escalated_on is not None:
        raise Refusal(_("This grievance was already escalated on %(date)s.")
                      % {"date": _day(grievance.escalated_on)})
    problems: list[str] = []
    escalated_to = (escalated_to or "").strip()
    if not escalated_to:
        problems.append(FieldProblem(_("Say to whom it was escalated."), "escalated_to"))
    if escalated_on is None:
        problems.append(FieldProblem(_("Enter the date escalated."), "escalated_on"))
    not_future(escalated_on, _("The date escalated"), problems, "escalated_on")
    _not_before(escalated_on, grievance.received_on,
                _("It was received on %(date)s: it cannot be escalated earlier."),
                "escalated_on", problems)
    grievance.escalated_to, grievance.escalated_on = escalated_to, escalated_on
    return save_and_audit(grievance, actor=actor, member=grievance.member, problems=problems)


# --- Reads ----------------------------------------------------------------------------------

FILTERS = ("open", "late", "resolved")


def grievance_list(show: str, targets: GrievanceTargets, today: date):
    """Grievances for the list page: ``open`` (not resolved), ``late`` (not acknowledged or
    not resolved past its due date), ``resolved``; anything else: all. Newest first, except
    open and late ones, oldest (so the latest) first."""
    qs = Grievance.objects.select_related("member")
    if show == "open":
        return qs.filter(resolved_on__isnull=True).order_by("received_on", "pk")
    if show == "late":
        return qs.filter(_late_now(targets, today)).order_by("received_on", "pk")
    if show == "resolved":
        return qs.filter(resolved_on__isnull=False).order_by("-resolved_on", "-pk")
    return qs.order_by("-received_on", "-pk")


def _late_now(targets: GrievanceTargets, today: date) -> Q:
    return _late_ack_now(targets, today) | _late_resolve_now(targets, today)


def _late_ack_now(targets: GrievanceTargets, today: date) -> Q:
    """Not acknowledged, and today is past the acknowledgement due date."""
    return Q(acknowledged_on__isnull=True,
             received_on__lt=today - timedelta(days=targets.acknowledge_days))


def _late_resolve_now(targets: GrievanceTargets, today: date) -> Q:
    return Q(resolved_on__isnull=True,
             received_on__lt=today - timedelta(days=targets.resolve_days))


@dataclass(frozen=True)
class GrievanceSummary:
    """The dashboard section: now (open, late) and in the period (received, resolved, on
    time, escalated), with the open grievances, the oldest first (at most
    ``DASHBOARD_LIMIT``)."""

    today: date
    targets: GrievanceTargets
    open: int
    late_to_acknowledge: int
    late_to_resolve: int
    received: int
    resolved: int
    resolved_on_time: int
    escalated: int
    rows: list[GrievanceState]

    @property
    def on_time_share(self) -> float | None:
        """Percent of the grievances resolved in the period that were resolved by their due
        date (``None``: none resolved)."""
        return round(100 * self.resolved_on_time / self.resolved, 1) if self.resolved else None

    @property
    def more(self) -> int:
        return max(0, self.open - len(self.rows))


def open_rows(targets: GrievanceTargets, today: date,
              limit: int | None = DASHBOARD_LIMIT) -> list[GrievanceState]:
    """Open grievances against the targets, the oldest first (one query)."""
    qs = Grievance.objects.filter(resolved_on__isnull=True).order_by("received_on", "pk").only(
        "pk", "received_on", "from_kind", "topic", "acknowledged_on", "resolved_on")
    if limit is not None:
        qs = qs[:limit]
    return [grievance_state(g, targets, today) for g in qs]


def grievance_summary(period, today: date) -> GrievanceSummary:
    """What the program dashboard shows of grievances for ``period`` (anything with ``start``
    and ``end`` dates). Three queries: the targets, the numbers, the open list."""
    targets = grievance_targets()
    in_period = {"received": Q(received_on__range=(period.start, period.end)),
                 "resolved": Q(resolved_on__range=(period.start, period.end))}
    took = ExpressionWrapper(F("resolved_on") - F("received_on"), output_field=DurationField())
    numbers = Grievance.objects.alias(took=took).aggregate(
        open=Count("pk", filter=Q(resolved_on__isnull=True)),
        late_to_acknowledge=Count("pk", filter=_late_ack_now(targets, today)),
        late_to_resolve=Count("pk", filter=_late_resolve_now(targets, today)),
        received=Count("pk", filter=in_period["received"]),
        resolved=Count("pk", filter=in_period["resolved"]),
        resolved_on_time=Count("pk", filter=in_period["resolved"] & Q(
            took__lte=timedelta(days=targets.resolve_days))),
        escalated=Count("pk", filter=Q(escalated_on__range=(period.start, period.end))))
    return GrievanceSummary(today=today, targets=targets, rows=open_rows(targets, today),
                            **numbers)


def grievance_table(summary: GrievanceSummary) -> tuple[list[str], list[list], list[int]]:
    """The dashboard section as a CSV table ``(header, rows, member_ids)``, like
    ``cares.program.dashboards.tables``: every open grievance (not only those the dashboard
    lists), with its due dates and days late; no names, descriptions or members."""
    header = ["grievance", "received_on", "from", "about", "acknowledge_by", "acknowledged_on",
              "resolve_by", "days_late_acknowledging", "days_late_resolving"]
    rows = [[s.pk, s.grievance.received_on.isoformat(), s.from_label, s.topic_label,
             s.acknowledge_due.isoformat(),
             s.grievance.acknowledged_on.isoformat() if s.grievance.acknowledged_on else "",
             s.resolve_due.isoformat(), s.acknowledge_late, s.resolve_late]
            for s in open_rows(summary.targets, summary.today, limit=None)]
    return header, rows, []
