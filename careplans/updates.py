"""ICP updates (PS VI.A.1.b.3, VI.D.1.c; deadlines.md reading 15).

A monitoring review or a reassessment that records that the ICP must be updated is answered
by the first ICP version finalized on or after its day, which is what satisfies its
``icp_update`` deadline. The answer is linked on the request (``new_care_plan``): when the
version is finalized, every request of the member still waiting and dated on or before the
finalization gets it; a request recorded after a version already answering it gets that
version at once. Both run inside the caller's transaction with the member's row locked
(``members.services.lock_member``), so a request and a finalization recorded at the same time
are served one after the other and no request is left unlinked.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from careplans.models import Assessment, AssessmentKind, CarePlan
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import User
from members.models import MonitoringReview

# The kinds of assessment that may ask for an ICP update: the reassessments (PS VI.A.1.b.3).
REASSESSMENT_KINDS = (AssessmentKind.ANNUAL, AssessmentKind.SIGNIFICANT_CHANGE,
                      AssessmentKind.ABBREVIATED)


def initial_refusal(kind: str, icp_update_needed: bool) -> list[str]:
    """The reason an initial assessment cannot ask for an ICP update (none otherwise)."""
    if icp_update_needed and kind not in REASSESSMENT_KINDS:
        return [_("Only a reassessment can find that the ICP must be updated (PS "
                  "VI.A.1.b.3); the initial assessment is what the first ICP is built on.")]
    return []


def answering_plan(member_id: int, on: date) -> CarePlan | None:
    """The first ICP version finalized on or after ``on``: the one that answers a request for
    an update made that day."""
    return CarePlan.objects.filter(member_id=member_id, finalized_on__gte=on) \
        .order_by("finalized_on", "version").first()


def link_answered_requests(plan: CarePlan, *, actor: User | None = None) -> int:
    """Link ``plan``, just finalized, to every request of its member still waiting and dated
    on or before its finalization (rows locked; a request already linked is left as it is,
    so running it twice links nothing more). Returns how many were linked."""
    reviews = MonitoringReview.objects.select_for_update().filter(
        member_id=plan.member_id, icp_update_needed=True, new_care_plan__isnull=True,
        reviewed_on__lte=plan.finalized_on).order_by("reviewed_on", "pk")
    assessments = Assessment.objects.select_for_update().filter(
        member_id=plan.member_id, icp_update_needed=True, new_care_plan__isnull=True,
        kind__in=REASSESSMENT_KINDS, completed_on__lte=plan.finalized_on) \
        .order_by("completed_on", "pk")
    linked = 0
    for request in [*reviews, *assessments]:
        request.new_care_plan = plan
        request.save(update_fields=["new_care_plan"])
        audit_change(action=Action.UPDATE, obj=request, member=plan.member_id, actor=actor,
                     fields=["new_care_plan"], detail={"care_plan_version": plan.version})
        linked += 1
    return linked
