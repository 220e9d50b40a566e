"""Removal of assignment (PS IX): its reasons, the aftercare/transition plan (PS IX.B) and
the termination that ends the assignment (the termination letter follows, PS IX.C)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import User
from cares.base.toolkit import FieldProblem, Refusal, changed_fields, not_future, refuse
from members.models import (
    INDEPENDENT_CHOICE_AGE,
    MAX_AGE,
    Episode,
    EpisodeStatus,
    Member,
    Removal,
    RemovalReason,
    age_on,
)
from members.services.common import facts_changed, lock, move

AFTERCARE_FIELDS = ("consent_signed_on", "consent_signed_by", "recommendations", "referrals",
                    "services_in_place", "medications", "planned_termination_date")


def removal_reason_problems(*, member: Member, reason: str, on: date, pregnant: bool = False,
                            parent: bool = False, married: bool = False) -> list[str]:
    """The reason a member may be removed for on ``on`` (PS IX.A.1, IX.A.8)."""
    age = age_on(member.date_of_birth, on)
    problems = []
    if age >= MAX_AGE and reason != RemovalReason.NO_LONGER_ELIGIBLE:
        problems.append(FieldProblem(_("The member is 21: removal must give the reason 'no "
                                       "longer eligible' (PS IX.A.1)."), "reason"))
    return problems + independent_choice_problems(
        member=member, reason=reason, on=on, pregnant=pregnant, parent=parent, married=married)


def independent_choice_problems(*, member: Member, reason: str, on: date,
                                pregnant: bool = False, parent: bool = False,
                                married: bool = False) -> list[str]:
    """Independent choice (PS IX.A.8) is open only to a member who is 18 or older, pregnant,
    a parent or married."""
    age = age_on(member.date_of_birth, on)
    if reason == RemovalReason.INDEPENDENT_CHOICE and not (
            age >= INDEPENDENT_CHOICE_AGE or pregnant or parent or married):
        return [FieldProblem(_("Independent choice (PS IX.A.8) is open only to a member who "
                               "is 18 or older, pregnant, a parent or married; the member is "
                               "%(age)d.") % {"age": age}, "reason")]
    return []


def turns_21_before_removal(member: Member, reason: str, planned: date | None) -> list[str]:
    """PS IX.A.1, VI.C.5: a member who will be 21 by the planned termination date leaves as
    'no longer eligible', whatever the reason when removal began."""
    if planned and reason != RemovalReason.NO_LONGER_ELIGIBLE \
            and age_on(member.date_of_birth, planned) >= MAX_AGE:
        return [FieldProblem(_("The member is 21 on the planned termination date (%(date)s): "
                               "removal must give the reason 'no longer eligible' (PS IX.A.1).")
                             % {"date": planned.isoformat()}, "reason")]
    return []


@transaction.atomic
def removal_initiate(*, episode: Episode, initiated_on: date, reason: str,
                     planned_termination_date: date, member_is_pregnant: bool = False,
                     member_is_parent: bool = False, member_is_married: bool = False,
                     actor: User | None = None) -> Removal:
    lock(episode)
    problems: list[str] = []
    if episode.status != EpisodeStatus.ENROLLED:
        problems.append(_("Only an enrolled member's assignment can be removed; this episode "
                          "is %(status)s.") % {"status": episode.get_status_display().lower()})
    elif initiated_on < episode.effective_date:
        problems.append(FieldProblem(
            _("Removal cannot start before the enrollment effective date."), "initiated_on"))
    not_future(initiated_on, _("The date removal was initiated"), problems, "initiated_on")
    if planned_termination_date < initiated_on:
        problems.append(FieldProblem(
            _("The termination date cannot be before removal was initiated."),
            "planned_termination_date"))
    problems.extend(removal_reason_problems(
        member=episode.member, reason=reason, on=initiated_on, pregnant=member_is_pregnant,
        parent=member_is_parent, married=member_is_married))
    if not problems:
        problems.extend(turns_21_before_removal(episode.member, reason,
                                                planned_termination_date))
    refuse(problems)
    removal = Removal(
        episode=episode, initiated_on=initiated_on, reason=reason,
        planned_termination_date=planned_termination_date,
        member_is_pregnant=member_is_pregnant, member_is_parent=member_is_parent,
        member_is_married=member_is_married)
    removal.full_clean()
    removal.save()
    audit_change(action=Action.CREATE, obj=removal, member=episode.member_id, actor=actor)
    move(episode, EpisodeStatus.REMOVAL_INITIATED, on=initiated_on, actor=actor)
    return removal


@transaction.atomic
def aftercare_update(*, removal: Removal, completed_on: date | None = None,
                     actor: User | None = None, **fields) -> Removal:
    """Record the aftercare/transition plan (PS IX.B). When all five elements are present it
    is complete as of ``completed_on`` (default today); editing it later keeps that date."""
    lock(removal.episode)
    if removal.episode.status != EpisodeStatus.REMOVAL_INITIATED:
        raise Refusal(_("The aftercare plan is edited only while removal is under way."))
    unknown = set(fields) - set(AFTERCARE_FIELDS)
    if unknown:
        raise ValueError(f"not aftercare fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(removal, name, value.strip() if isinstance(value, str) else value)
    problems: list[str] = []
    if removal.consent_signed_on:
        not_future(removal.consent_signed_on, _("The consent signature date"), problems)
    if removal.planned_termination_date < removal.initiated_on:
        problems.append(_("The termination date cannot be before removal was initiated."))
    problems.extend(turns_21_before_removal(removal.episode.member, removal.reason,
                                            removal.planned_termination_date))
    refuse(problems)
    if removal.plan_complete and removal.plan_completed_on is None:
        removal.plan_completed_on = completed_on or timezone.localdate()
    elif not removal.plan_complete:
        removal.plan_completed_on = None
    removal.full_clean()
    changed = changed_fields(removal)
    removal.save()
    audit_change(action=Action.UPDATE, obj=removal, member=removal.episode.member_id,
                 actor=actor, fields=changed)
    if {"plan_completed_on", "planned_termination_date"} & set(changed):  # aftercare_plan due
        facts_changed(removal.episode.member_id)
    return removal


def aftercare_missing_reasons(removal: Removal) -> list[str]:
    """Termination's reason for refusing while the aftercare/transition plan lacks elements
    (``Removal.missing_items``)."""
    missing = removal.missing_elements()
    return [_("The aftercare/transition plan is missing: %(missing)s.")
            % {"missing": "; ".join(missing)}] if missing else []


@transaction.atomic
def termination_complete(*, episode: Episode, termination_date: date,
                         actor: User | None = None) -> Episode:
    """End the assignment: only with signed consent and a complete aftercare plan (PS IX.B).
    Once it commits, the termination letter is drafted (PS IX.C, through
    ``cares.base.events.letter_owed``)."""
    lock(episode)
    if episode.status != EpisodeStatus.REMOVAL_INITIATED:
        refuse([_("Start the removal of assignment first; this episode is %(status)s.")
                % {"status": episode.get_status_display().lower()}])
    removal = episode.removal
    problems: list[str] = aftercare_missing_reasons(removal)
    if termination_date < removal.initiated_on:
        problems.append(FieldProblem(
            _("The termination date cannot be before removal was initiated."),
            "termination_date"))
    not_future(termination_date, _("The termination date"), problems, "termination_date")
    problems.extend(removal_reason_problems(
        member=episode.member, reason=removal.reason, on=removal.initiated_on,
        pregnant=removal.member_is_pregnant, parent=removal.member_is_parent,
        married=removal.member_is_married))
    refuse(problems)
    episode.termination_date = termination_date
    move(episode, EpisodeStatus.TERMINATED, on=termination_date, actor=actor)
    # The care team stays in place: it still owes the termination letter (PS IX.C).
    events.tell(events.letter_owed, episode_id=episode.pk, kind="termination")
    return episode
