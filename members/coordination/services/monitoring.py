"""Monitoring reviews (PS VI.D.1) and the ICP version that carries the update one asked for
(``careplans.CarePlan``, reached through the foreign key: nothing is imported from
``careplans``)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.staff.models import User
from cares.base.toolkit import not_future, save_and_audit
from members.coordination.models import MonitoringReview
from members.coordination.services.checks import required, text
from members.models import Member
from members.services import current_episode, lock_member


def _enrolled_problems(member: Member, on: date, what: str) -> list[str]:
    episode = current_episode(member)
    if episode is None or episode.effective_date is None or not episode.is_open:
        return [_("%(what)s is for an enrolled member.") % {"what": what}]
    if on < episode.effective_date:
        return [_("%(what)s cannot predate the enrollment (%(date)s).")
                % {"what": what, "date": episode.effective_date.isoformat()}]
    return []


@transaction.atomic
def monitoring_review_record(*, member: Member, reviewed_on: date, participants: str,
                             services_per_icp: bool | None, services_adequate: bool | None,
                             changes_reflected: bool | None, icp_update_needed: bool = False,
                             notes: str = "", actor: User | None = None) -> MonitoringReview:
    """At least every six months: are services furnished per the ICP (a), adequate (b), and
    are changes in needs or status reflected in it (c)? If (b) or (c) is no, the ICP must be
    updated (PS VI.D.1, VII.B). An ICP version already finalized on or after the review
    answers that at once (deadlines.md reading 15); a later one is linked when it is
    finalized (``careplans.updates``, under the same member lock)."""
    lock_member(member)
    problems = _enrolled_problems(member, reviewed_on, _("A monitoring review"))
    not_future(reviewed_on, _("The review date"), problems)
    required(participants, _("who took part"), problems)
    for value, label in ((services_per_icp, "VI.D.1.a"), (services_adequate, "VI.D.1.b"),
                         (changes_reflected, "VI.D.1.c")):
        if value is None:
            problems.append(_("Record the determination of PS %(item)s.") % {"item": label})
    if (services_adequate is False or changes_reflected is False) and not icp_update_needed:
        problems.append(_("Services that are not adequate, or changes not reflected in the "
                          "ICP, mean the ICP must be updated (PS VI.D.1.b-c, VII.B)."))
    review = MonitoringReview(
        member=member, reviewed_on=reviewed_on, participants=text(participants),
        services_per_icp=services_per_icp, services_adequate=services_adequate,
        changes_reflected=changes_reflected, icp_update_needed=icp_update_needed,
        notes=text(notes), recorded_by=actor)
    if icp_update_needed and not problems:
        review.new_care_plan = member.care_plans.filter(finalized_on__gte=reviewed_on) \
            .order_by("finalized_on", "version").first()
    save_and_audit(review, member=member.pk, actor=actor, problems=problems)
    events.tell(events.member_facts_changed, member_id=member.pk)
    return review


@transaction.atomic
def monitoring_link_icp(*, review: MonitoringReview, care_plan,
                        actor: User | None = None) -> MonitoringReview:
    """Link the ICP version that carries the update a monitoring review asked for (once: a
    review already answered keeps its version; finalizing links it by itself,
    ``careplans.updates``)."""
    review = MonitoringReview.objects.select_for_update(of=("self",)).select_related(
        "new_care_plan").get(pk=review.pk)
    problems: list[str] = []
    if review.new_care_plan is not None and review.new_care_plan_id != care_plan.pk:
        problems.append(_("This review is already answered by ICP version %(version)d.")
                        % {"version": review.new_care_plan.version})
    if not review.icp_update_needed:
        problems.append(_("This review did not find that the ICP must be updated."))
    if care_plan.member_id != review.member_id:
        problems.append(_("That care plan is another member's."))
    elif care_plan.finalized_on is None or care_plan.finalized_on < review.reviewed_on:
        problems.append(_("Link an ICP version finalized on or after the review (%(date)s).")
                        % {"date": review.reviewed_on.isoformat()})
    review.new_care_plan = care_plan
    return save_and_audit(review, member=review.member_id, actor=actor, problems=problems)
