"""What the lifecycle services share: the roles and ages they check, the row locks that
serialise two people taking one step at once, and the one way an episode's status moves
(``move``: along ``Episode.PIPELINE``, with its status-change row)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import Role, User
from cares.base.toolkit import Refusal
from members.models import (
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Member,
)

PRIMARY_CONTACT_ROLES = (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER)  # PS VI.B.1.a
EVALUATOR_ROLES = (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER, Role.PROGRAM_DIRECTOR,
                   Role.SENIOR_MEDICAL_PROFESSIONAL)


def lock(episode: Episode) -> Episode:
    """Lock the episode's row until the transaction ends and re-read it, so that two people
    (or two workers) taking the same step at once are served one after the other: the second
    sees the first one's result and gets the ordinary refusal, never a duplicate or a 500.
    Returns the same instance, refreshed."""
    if episode.pk is not None:
        episode.refresh_from_db(
            from_queryset=Episode.objects.select_for_update(of=("self",)))
    return episode


def lock_member(member: Member) -> None:
    """Serialise the steps that start an episode for one member (no two open episodes)."""
    if member.pk is not None:
        list(Member.objects.select_for_update(of=("self",)).filter(pk=member.pk)
             .values_list("pk", flat=True))


def facts_changed(member_id: int) -> None:
    """Keep the member's stored deadlines in step with what just changed (the deadline engine
    hears it through ``cares.base.events``)."""
    events.tell(events.member_facts_changed, member_id=member_id)


def move(episode: Episode, to: str, *, on: date, actor: User | None) -> None:
    """Move the episode's status to ``to`` (refused off ``Episode.PIPELINE``), with its
    status-change row and audit event."""
    if not episode.can_move_to(to):
        raise Refusal(
            _("A %(current)s episode cannot become %(new)s.")
            % {"current": episode.get_status_display().lower(),
               "new": EpisodeStatus(to).label.lower()}
        )
    EpisodeStatusChange.objects.create(
        episode=episode, from_status=episode.status, to_status=to, on=on, changed_by=actor
    )
    audit_change(action=Action.UPDATE, obj=episode, member=episode.member_id, actor=actor,
                 fields=["status"], detail={"from": episode.status, "to": to})
    episode.status = to
    episode.save()
    facts_changed(episode.member_id)


def current_episode(member: Member) -> Episode | None:
    return member.episodes.order_by("-referral_date", "-pk").first()
