"""CarePlan per ICP version (PS VI.A.1.c), its Goal resources, and the needs it addresses as
Condition (health concerns, clinical readers only)."""

from __future__ import annotations

from careplans.models import CarePlan
from cares.program.fhir import codes, refs
from cares.program.fhir.codes import coding, concept
from cares.program.fhir.record import MemberRecord, plan_author

NEED_LABELS = {"hrsn_housing": "Housing", "hrsn_nutrition": "Nutrition",
               "hrsn_utilities": "Utilities", "hrsn_transportation": "Transportation",
               "educational_needs": "Educational needs"}


def _next_versions(plans: list[CarePlan]) -> dict[int, CarePlan]:
    return {p.previous_id: p for p in plans if p.previous_id}


def plan_resources(record: MemberRecord) -> list[dict]:
    """Every version's CarePlan, then its goals and (clinical) needs, in version order."""
    following = _next_versions(record.plans)
    referrals_by_goal: dict[int, list] = {}
    for referral in record.referrals:  # which goal a referral serves is clinical (its page)
        if referral.goal_id and record.clinical:
            referrals_by_goal.setdefault(referral.goal_id, []).append(referral)
    resources = []
    for plan in record.plans:
        needs = needs_of(record, plan) if record.clinical else []
        resources.append(care_plan(record, plan, following.get(plan.pk), needs,
                                   referrals_by_goal))
        resources += [goal(record, plan, g) for g in plan.goals.all()]
        resources += needs
    return resources


def care_plan(record: MemberRecord, plan: CarePlan, following: CarePlan | None,
              needs: list[dict], referrals_by_goal: dict[int, list]) -> dict:
    goals = list(plan.goals.all())
    period = {"start": plan.finalized_on.isoformat()} if plan.finalized_on else {}
    if following is not None and following.finalized_on:
        period["end"] = following.finalized_on.isoformat()
    author = plan_author(plan)
    activities = [_step_activity(plan, step) for step in plan.action_steps.all()]
    activities += [{"reference": refs.ref("ServiceRequest", refs.rid("referral", r.pk),
                                          r.service)}
                   for g in goals for r in referrals_by_goal.get(g.pk, [])]
    return {
        "resourceType": "CarePlan", "id": refs.rid("careplan", plan.pk),
        "identifier": [{"value": f"ICP v{plan.version}"}],
        "status": codes.CAREPLAN_STATUS[plan.status], "intent": "plan",
        "category": [concept("Individual Care Plan (ICP)",
                             coding(codes.US_CORE_CAREPLAN_CATEGORY, "assess-plan"))],
        "title": f"Individual Care Plan, version {plan.version}",
        "subject": refs.patient(record.member), "period": period,
        "created": (plan.finalized_on or plan.created_at.date()).isoformat(),
        **({"author": refs.staff(author)} if author else {}),
        **({"replaces": [refs.ref("CarePlan", refs.rid("careplan", plan.previous_id))]}
           if plan.previous_id else {}),
        "careTeam": [refs.ref("CareTeam", refs.rid("careteam", record.member.pk))],
        "addresses": [refs.ref("Condition", n["id"]) for n in needs],
        "goal": [refs.ref("Goal", refs.rid("goal", g.pk)) for g in goals],
        "activity": activities,
    }


def _step_activity(plan: CarePlan, step) -> dict:
    detail = {
        "status": codes.ACTIVITY_STATUS[plan.status], "description": step.description,
        **({"goal": [refs.ref("Goal", refs.rid("goal", step.goal_id))]}
           if step.goal_id else {}),
        **({"scheduledPeriod": {"end": step.due_on.isoformat()}} if step.due_on else {}),
        **({"performer": [{"display": step.responsible.name}]}
           if step.responsible_id and step.responsible.name else {}),
    }
    return {"detail": detail}


def goal(record: MemberRecord, plan: CarePlan, g) -> dict:
    outcome = getattr(g, "outcome", None)
    if outcome is not None:
        lifecycle, achievement = codes.GOAL_OUTCOME[outcome.achievement]
    else:
        lifecycle, achievement = codes.GOAL_LIFECYCLE[plan.status], None
    return {
        "resourceType": "Goal", "id": refs.rid("goal", g.pk), "lifecycleStatus": lifecycle,
        **({"achievementStatus": concept(outcome.get_achievement_display(),
                                         coding(codes.GOAL_ACHIEVEMENT, achievement))}
           if achievement else {}),
        "category": [concept(g.get_kind_display()), concept(g.get_term_display())],
        "description": {"text": g.description}, "subject": refs.patient(record.member),
        **({"startDate": plan.finalized_on.isoformat()} if plan.finalized_on else {}),
        **({"target": [{"dueDate": g.target_date.isoformat()}]} if g.target_date else {}),
        **({"statusDate": outcome.assessed_on.isoformat()}
           if outcome is not None and outcome.assessed_on else {}),
        **({"note": [{"text": outcome.note}]}
           if outcome is not None and outcome.note and record.clinical else {}),
    }


def needs_of(record: MemberRecord, plan: CarePlan) -> list[dict]:
    """The needs the version records (health-related social needs, educational needs) as
    health concerns; active for the version in force, historical for a superseded one."""
    conditions = []
    for name, label in NEED_LABELS.items():
        text = (getattr(plan, name) or "").strip()
        if not text:
            continue
        domain = codes.NEED_DOMAINS.get(name)
        category = [concept("Health concern", coding(codes.US_CORE_CONDITION_CATEGORY,
                                                     "health-concern"))]
        if domain:
            category.append(concept(label, coding(codes.SDOHCC_CODES, domain)))
        current = plan.status != "superseded"
        conditions.append({
            "resourceType": "Condition",
            "id": refs.rid(f"need-{name.removeprefix('hrsn_').replace('_', '-')}", plan.pk),
            **({"clinicalStatus": concept("Active", coding(codes.CONDITION_CLINICAL,
                                                            "active"))} if current else {}),
            "category": category, "code": concept(f"{label}: {text}"),
            "subject": refs.patient(record.member),
            **({"recordedDate": plan.finalized_on.isoformat()} if plan.finalized_on else {}),
            **({} if current else {"note": [{"text": f"Recorded in ICP version "
                                                     f"{plan.version}, since superseded."}]}),
        })
    return conditions
