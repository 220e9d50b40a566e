"""Closing an episode before enrollment (PS VIII; deadlines.md reading 12): found not
eligible, declined, withdrew or could not be reached."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import User
from cares.base.toolkit import FieldProblem, not_future, refuse
from members.models import Episode, EpisodeClosureReason, EpisodeStatus
from members.services.common import lock, move


def close_episode(episode: Episode, *, on: date, reason: str, note: str,
                  actor: User | None) -> None:
    """Close a not-yet-enrolled episode (the caller has locked and checked it): found not
    eligible keeps its own status, every other reason is "closed before enrollment". The stored
    deadlines are refreshed by the move: the 60-day duties not met by ``on`` become excepted."""
    episode.closed_on = on
    episode.closure_reason = reason
    episode.closure_note = note
    to = (EpisodeStatus.INELIGIBLE if reason == EpisodeClosureReason.INELIGIBLE
          else EpisodeStatus.CLOSED_UNENROLLED)
    audit_change(action=Action.UPDATE, obj=episode, member=episode.member_id, actor=actor,
                 fields=["closed_on", "closure_reason", "closure_note"],
                 detail={"reason": reason})
    move(episode, to, on=on, actor=actor)


def _not_closable(episode: Episode) -> str:
    if episode.status in (EpisodeStatus.ENROLLED, EpisodeStatus.REMOVAL_INITIATED):
        return _("This member is enrolled: an enrolled member leaves CARES through removal of "
                 "assignment (PS IX), not by closing the referral.")
    return _("Only a referral that has not led to enrollment can be closed; this episode is "
             "already %(status)s.") % {"status": episode.get_status_display().lower()}


@transaction.atomic
def episode_close(*, episode: Episode, closed_on: date, closing_reason: str,
                  closing_note: str, actor: User | None = None) -> Episode:
    """Close an episode before enrollment (PS VIII: the 60-day assessment, ICP and ICP-copy
    duties arise only "if the member/parent/caregiver consents"): found not eligible, declined,
    withdrew or could not be reached. Open from referred, evaluated eligible or consented;
    an enrolled member leaves through removal of assignment (PS IX) instead."""
    lock(episode)
    if episode.status not in Episode.CLOSABLE_BEFORE_ENROLLMENT:
        refuse([_not_closable(episode)])
    problems: list[str] = []
    if closing_reason not in EpisodeClosureReason.values:
        problems.append(FieldProblem(_("Choose why the referral is closed."),
                                     "closing_reason"))
    if closed_on < episode.referral_date:
        problems.append(FieldProblem(
            _("The closing date is before the referral date (%(date)s).")
            % {"date": episode.referral_date.isoformat()}, "closed_on"))
    else:
        last = episode.status_changes.order_by("-on").values_list("on", flat=True).first()
        if last and closed_on < last:
            problems.append(FieldProblem(
                _("The closing date is before the episode's last step (%(date)s).")
                % {"date": last.isoformat()}, "closed_on"))
    not_future(closed_on, _("The closing date"), problems, "closed_on")
    if not (closing_note or "").strip():
        problems.append(FieldProblem(_("Record what happened."), "closing_note"))
    refuse(problems)
    close_episode(episode, on=closed_on, reason=closing_reason, note=closing_note.strip(),
                  actor=actor)
    return episode
