"""Consultations with the senior medical professional (PS IV.A.2). The response deadline
belongs to the senior medical professional asked: a change tells the deadline engine that
their facts changed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.staff.models import Role, StaffProfile, User
from cares.base.toolkit import Refusal, not_future, save_and_audit
from members.coordination.models import ConsultationRequest
from members.coordination.services.checks import required, text
from members.models import Member


def consultant_problems(staff: StaffProfile) -> list[str]:
    """The consultant is an active senior medical professional (or their backup)."""
    if not staff.active or not staff.roles.filter(
            role=Role.SENIOR_MEDICAL_PROFESSIONAL).exists():
        return [_("%(name)s is not an active senior medical professional (PS IV.A.2).")
                % {"name": staff}]
    return []


@transaction.atomic
def consult_request(*, member: Member, requested_at: datetime, consultant: StaffProfile,
                    question: str, requested_by: StaffProfile | None = None,
                    actor: User | None = None) -> ConsultationRequest:
    """A care team member asks the senior medical professional; the answer is due within one
    business day (PS IV.A.2; Massachusetts holidays)."""
    problems = consultant_problems(consultant)
    not_future(requested_at, _("The request time"), problems)
    required(question, _("the question"), problems)
    consult = ConsultationRequest(member=member, requested_at=requested_at,
                                  requested_by=requested_by, consultant=consultant,
                                  question=text(question), recorded_by=actor)
    save_and_audit(consult, member=member.pk, actor=actor, problems=problems)
    events.tell(events.staff_facts_changed, staff_id=consultant.pk)
    return consult


@transaction.atomic
def consult_respond(*, consult: ConsultationRequest, responded_at: datetime,
                    response_mode: str, response: str,
                    actor: User | None = None) -> ConsultationRequest:
    stored = ConsultationRequest.objects.get(pk=consult.pk)
    if stored.responded_at:
        raise Refusal(_("This consultation was already answered on %(date)s.")
                      % {"date": timezone.localtime(stored.responded_at)
                         .strftime("%Y-%m-%d %H:%M")})
    problems: list[str] = []
    not_future(responded_at, _("The response time"), problems)
    if responded_at and responded_at < stored.requested_at:
        problems.append(_("The response cannot come before the request."))
    required(response, _("the response"), problems)
    required(response_mode, _("how the senior medical professional answered"), problems)
    consult.responded_at, consult.response_mode = responded_at, response_mode
    consult.response = text(response)
    save_and_audit(consult, member=consult.member_id, actor=actor, problems=problems)
    events.tell(events.staff_facts_changed, staff_id=consult.consultant_id)
    return consult
