"""Enrollment and the care team (PS VIII, VI.B.1.a): a consented member is enrolled with a
designated primary contact and a care team, which can be changed later with its history
kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import Role, StaffProfile, User
from cares.base.staff.qualifications import StaffFacts, check_role
from cares.base.toolkit import FieldProblem, not_future, refuse
from members.models import MAX_AGE, CareTeamMember, Episode, EpisodeStatus, Member, age_on
from members.services.common import PRIMARY_CONTACT_ROLES, lock, move


def primary_contact_roles_held(staff: StaffProfile) -> list[str]:
    """The roles (not backup ones) in which ``staff`` may be a primary contact."""
    held = [r.role for r in staff.roles.all() if not r.is_backup]
    return [r for r in PRIMARY_CONTACT_ROLES if r in held]


def primary_contact_role_problems(staff: StaffProfile) -> list[str]:
    """Only a care coordinator or a senior care manager is a designated primary contact
    (PS VI.B.1.a)."""
    if primary_contact_roles_held(staff):
        return []
    return [_("%(name)s is neither a care coordinator nor a senior care manager, so cannot "
              "be the designated primary contact (PS VI.B.1.a).") % {"name": staff}]


def primary_contact_problems(staff: StaffProfile, on: date) -> list[str]:
    """A designated primary contact is an active care coordinator or senior care manager who
    passes that role's check (PS VI.B.1.a, IV.B)."""
    if not staff.active:
        return [_("%(name)s is not active.") % {"name": staff}]
    problems = primary_contact_role_problems(staff)
    if problems:
        return problems
    facts = StaffFacts.of(staff)
    failed = [check_role(r, facts, on) for r in primary_contact_roles_held(staff)]
    if any(not p for p in failed):
        return []
    return [_("%(name)s cannot be the primary contact: %(why)s")
            % {"name": staff, "why": "; ".join(failed[0])}]


def primary_contact_role(staff: StaffProfile, on: date) -> str:
    """The primary role (not a backup one) in which ``staff`` qualifies as primary contact
    on ``on``; the first one held when none qualifies (a record imported as it was)."""
    held = primary_contact_roles_held(staff)
    facts = StaffFacts.of(staff)
    return next((r for r in held if not check_role(r, facts, on)), held[0])


def team_problems(team: Sequence[tuple[StaffProfile, str]]) -> list[str]:
    """Each member of the care team is active and holds the role they are on it in."""
    problems = []
    for staff, role in team:
        if not staff.active:
            problems.append(_("%(name)s is not active.") % {"name": staff})
        elif not staff.roles.filter(role=role).exists():
            problems.append(_("%(name)s does not hold the %(role)s role.")
                            % {"name": staff, "role": Role(role).label.lower()})
    return problems


def _enrollment_problems(episode: Episode, effective_date: date) -> list[str]:
    """Enrollment follows a positive evaluation and consent, while the member is under 21."""
    problems: list[str] = []
    if episode.status != EpisodeStatus.CONSENTED:
        missing = {
            EpisodeStatus.REFERRED: _("no eligibility evaluation yet"),
            EpisodeStatus.ELIGIBLE: _("no consent to receive services yet"),
            EpisodeStatus.INELIGIBLE: _("the evaluation found the member not eligible"),
            EpisodeStatus.CLOSED_UNENROLLED: _("the episode was closed before enrollment"),
        }.get(episode.status)
        if missing:
            problems.append(_("Enrollment needs a positive eligibility evaluation and consent: "
                              "%(missing)s.") % {"missing": missing})
        else:
            problems.append(_("This episode is already %(status)s.")
                            % {"status": episode.get_status_display().lower()})
    else:
        consent_on = episode.engagement.consent_on
        if effective_date < consent_on:
            problems.append(FieldProblem(
                _("The effective date is before consent was given (%(date)s).")
                % {"date": consent_on.isoformat()}, "effective_date"))
    if age_on(episode.member.date_of_birth, effective_date) >= MAX_AGE:
        problems.append(FieldProblem(_("The member is 21 or older on the effective date."),
                                     "effective_date"))
    return problems


@transaction.atomic
def enrollment_create(*, episode: Episode, effective_date: date, primary_contact: StaffProfile,
                      team: Sequence[tuple[StaffProfile, str]] = (),
                      actor: User | None = None) -> Episode:
    """Enroll a consented member, designate their primary contact and assign the care team.
    Once it commits, the enrollment letter is drafted (PS VIII, through
    ``cares.base.events.letter_owed``)."""
    lock(episode)
    problems = _enrollment_problems(episode, effective_date)
    problems.extend(primary_contact_problems(primary_contact, effective_date))
    problems.extend(team_problems(team))
    refuse(problems)
    episode.effective_date = effective_date
    episode.primary_contact = primary_contact
    move(episode, EpisodeStatus.ENROLLED, on=effective_date, actor=actor)
    primary_role = primary_contact_role(primary_contact, effective_date)
    care_team_set(member=episode.member, on=effective_date,
                  team=[(primary_contact, primary_role), *team], actor=actor)
    events.tell(events.letter_owed, episode_id=episode.pk, kind="enrollment")
    return episode


@transaction.atomic
def care_team_change(*, episode: Episode, on: date, primary_contact: StaffProfile,
                     team: Sequence[tuple[StaffProfile, str]] = (),
                     actor: User | None = None) -> Episode:
    """Reassign an enrolled member's designated primary contact and care team from ``on``
    (PS VI.B.1.a): the new primary contact passes the same check as at enrollment; the staff
    who leave the team leave it that day, and the history of who was on it is kept."""
    lock(episode)
    problems: list[str] = []
    if episode.status not in (EpisodeStatus.ENROLLED, EpisodeStatus.REMOVAL_INITIATED):
        problems.append(_("Only an enrolled member's care team can be changed; this episode is "
                          "%(status)s.") % {"status": episode.get_status_display().lower()})
    elif on < episode.effective_date:
        problems.append(_("The change cannot take effect before the enrollment effective date "
                          "(%(date)s).") % {"date": episode.effective_date.isoformat()})
    not_future(on, _("The date the change takes effect"), problems)
    problems.extend(primary_contact_problems(primary_contact, on))
    problems.extend(team_problems(team))
    refuse(problems)
    if episode.primary_contact_id != primary_contact.pk:
        episode.primary_contact = primary_contact
        episode.save(update_fields=["primary_contact"])
        audit_change(action=Action.UPDATE, obj=episode, member=episode.member_id, actor=actor,
                     fields=["primary_contact"])
    care_team_set(member=episode.member, on=on,
                  team=[(primary_contact, primary_contact_role(primary_contact, on)), *team],
                  actor=actor)
    return episode


@transaction.atomic
def care_team_set(*, member: Member, on: date, team: Sequence[tuple[StaffProfile, str]],
                  actor: User | None = None) -> None:
    """Make ``team`` the member's current care team from ``on``; others leave it that day."""
    wanted = {}
    for staff, role in team:
        wanted.setdefault(staff.pk, (staff, role))
    current = {m.staff_id: m for m in member.care_team.filter(until__isnull=True)}
    for staff_id, membership in current.items():
        if staff_id not in wanted or wanted[staff_id][1] != membership.role:
            membership.until = on
            membership.save()
            audit_change(action=Action.UPDATE, obj=membership, member=member, actor=actor,
                         fields=["until"])
    for staff_id, (staff, role) in wanted.items():
        kept = current.get(staff_id)
        if kept is None or kept.role != role:
            joined = CareTeamMember.objects.create(member=member, staff=staff, role=role,
                                                   since=on)
            audit_change(action=Action.CREATE, obj=joined, member=member, actor=actor)
