"""Interdisciplinary case review meetings (PS III)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.staff.models import User
from cares.base.toolkit import not_future, save_and_audit
from members.coordination.models import CaseReview
from members.coordination.services.checks import required, text
from members.models import Member


@transaction.atomic
def case_review_record(*, member: Member, held_on: date, meeting_mode: str, attendees: str,
                       member_attended: bool, guardian_attended: bool, decisions: str,
                       absence_reason: str = "", actor: User | None = None) -> CaseReview:
    """An interdisciplinary case review meeting (PS III). It includes the member and their
    parent/guardian; when neither attended, the reason is recorded."""
    problems: list[str] = []
    not_future(held_on, _("The meeting date"), problems)
    required(attendees, _("who attended"), problems)
    required(decisions, _("the decisions"), problems)
    if not (member_attended or guardian_attended) and not text(absence_reason):
        problems.append(_("Case reviews include the member and their parent/guardian (PS III): "
                          "record why neither attended."))
    review = CaseReview(member=member, held_on=held_on, meeting_mode=meeting_mode,
                        attendees=text(attendees), member_attended=member_attended,
                        guardian_attended=guardian_attended,
                        absence_reason=text(absence_reason), decisions=text(decisions),
                        recorded_by=actor)
    return save_and_audit(review, member=member.pk, actor=actor, problems=problems)
