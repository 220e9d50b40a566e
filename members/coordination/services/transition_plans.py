"""The plan for transition to adulthood (PS VI.C), from age 16."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.staff.models import User
from cares.base.toolkit import not_future, save_and_audit
from members.coordination.models import TransitionPlan
from members.coordination.services.checks import text
from members.models import Member, age_on

TRANSITION_FROM_AGE = 16  # PS VI.C
TRANSFER_TIMING_FROM_AGE = 20  # PS VI.C.5: as the member approaches 21

TRANSITION_FIELDS = (
    "goals_actions", "medical_summary", "emergency_plan", "condition_fact_sheet",
    "legal_documents", "adult_clinicians", "insurance_linkages", "community_linkages",
    "guardianship_need", "decision_making_supports", "legal_referrals",
    "adult_care_preparation", "primary_care_transfer_on", "primary_care_transfer",
    "subspecialty_involved", "subspecialty_transfer_on", "subspecialty_transfer",
)


def transition_plan_of(member: Member) -> TransitionPlan | None:
    return member.transition_plans.order_by("-recorded_on", "-pk").first()


@transaction.atomic
def transition_plan_save(*, member: Member, on: date | None = None,
                         actor: User | None = None, **fields) -> TransitionPlan:
    """Record the transition-to-adulthood plan from age 16 (PS VI.C), or update it ("develop
    and regularly update"). It needs the member's goals and prioritized actions, a medical
    summary and an emergency plan (VI.C.1); from age 20 also the timing of the transfer of
    primary care, and of subspecialty care if involved (VI.C.5)."""
    unknown = set(fields) - set(TRANSITION_FIELDS)
    if unknown:
        raise ValueError(f"not transition plan fields: {sorted(unknown)}")
    on = on or timezone.localdate()
    plan = transition_plan_of(member) or TransitionPlan(member=member, recorded_on=on)
    for name, value in fields.items():
        setattr(plan, name, text(value) if isinstance(value, str) else value)
    problems: list[str] = []
    not_future(on, _("The plan date"), problems)
    age = age_on(member.date_of_birth, on)
    if age < TRANSITION_FROM_AGE:
        problems.append(_("Transition planning begins at age 16 (PS VI.C); the member is "
                          "%(age)d.") % {"age": age})
    for name, label in (("goals_actions", _("the member's goals and prioritized actions")),
                        ("medical_summary", _("the medical summary")),
                        ("emergency_plan", _("the emergency care plan"))):
        if not text(getattr(plan, name)):
            problems.append(_("Record %(what)s (PS VI.C.1).") % {"what": label})
    if age >= TRANSFER_TIMING_FROM_AGE:
        if not (text(plan.primary_care_transfer) or plan.primary_care_transfer_on):
            problems.append(_("From age 20, plan the timing of the transfer of primary care "
                              "(PS VI.C.5)."))
        if plan.subspecialty_involved is None:
            problems.append(_("From age 20, say whether subspecialty care is involved "
                              "(PS VI.C.5)."))
        elif plan.subspecialty_involved and not (text(plan.subspecialty_transfer)
                                                 or plan.subspecialty_transfer_on):
            problems.append(_("Subspecialty care is involved: plan the timing of its "
                              "transfer too (PS VI.C.5)."))
    if plan.pk is not None:
        plan.updated_on = on
    plan.recorded_by = plan.recorded_by or actor
    created = plan.pk is None
    save_and_audit(plan, member=member.pk, actor=actor, problems=problems)
    if created:
        events.tell(events.member_facts_changed, member_id=member.pk)
    return plan
