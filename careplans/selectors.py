"""Reads of assessments and care plans, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from careplans.models import (
    ActionStep,
    Assessment,
    CarePlan,
    CarePlanCopy,
    CarePlanDelivery,
    CarePlanStatus,
    CopySource,
    DeliveryMedium,
    EmergencyAccessUse,
)
from careplans.rules import PlanContent
from cares.base.languages import is_english, language_name, same_language
from members.models import LegalAuthority


def latest_assessment(member) -> Assessment | None:
    """The latest completed assessment, or else the latest draft."""
    completed = member.assessments.filter(completed_on__isnull=False) \
        .order_by("-completed_on", "-pk").first()
    return completed or member.assessments.order_by("-created_at", "-pk").first()


def current_plan(member) -> CarePlan | None:
    """The member's finalized ICP version in force (the latest one finalized)."""
    return member.care_plans.filter(status=CarePlanStatus.FINALIZED) \
        .order_by("-version").first()


def member_plan(member, plan_id: int) -> CarePlan | None:
    return member.care_plans.select_related("finalized_by", "created_by", "previous",
                                            "assessment").filter(pk=plan_id).first()


def legal_decision_makers(member) -> list[str]:
    """The member's court-appointed guardians, health-care proxies and authorized
    representatives on record, each as "name (authority)" (1 query). A parent's legal custody
    ends at 18, so "parent with legal custody" is no legal authority over an adult: under 18
    a parent or guardian takes part by age alone (PS VI.A.1, VI.A.1.c.1), and from 18 only a
    decision-maker the record shows counts. "Contact only" never does."""
    return [f"{g.name} ({g.get_legal_authority_display().lower()})"
            for g in member.guardians.exclude(
                legal_authority__in=(LegalAuthority.NONE, LegalAuthority.PARENT))]


def plan_content(plan: CarePlan, *, as_of: date | None = None) -> PlanContent:
    """The plan with every part (7 queries). ``has_completed_assessment`` counts assessments
    completed on or before ``as_of`` (any date when None)."""
    goals = list(plan.goals.select_related("outcome").prefetch_related(Prefetch(
        "steps", queryset=ActionStep.objects.select_related("responsible")
        .order_by("order", "pk"))))
    for goal in goals:
        goal.steps_list = list(goal.steps.all())
    completed = plan.member.assessments.filter(completed_on__isnull=False)
    if as_of is not None:
        completed = completed.filter(completed_on__lte=as_of)
    return PlanContent(
        plan=plan, participants=list(plan.participants.all()), team=list(plan.team.all()),
        goals=goals, medications=list(plan.medications.all()),
        allergies=list(plan.allergies.all()), member_birth=plan.member.date_of_birth,
        has_completed_assessment=completed.exists(),
        legal_decision_makers=legal_decision_makers(plan.member))


@dataclass(frozen=True)
class RequiredCopy:
    """One of the copies PS VIII requires: paper and electronic, in English and in the
    primary language (deadlines.md reading 3)."""

    language: str
    language_label: str
    medium: str
    medium_label: str
    delivered_on: date | None


def required_copies(member, deliveries: list[CarePlanDelivery]) -> list[RequiredCopy]:
    languages = ["en"] if is_english(member.primary_language) else \
        ["en", member.primary_language]
    rows = []
    for language in languages:
        for medium in DeliveryMedium:
            dates = [d.delivered_on for d in deliveries
                     if same_language(d.language, language) and d.medium == medium]
            rows.append(RequiredCopy(language, language_name(language), medium, medium.label,
                                     min(dates) if dates else None))
    return rows


def copy_languages(member) -> list[str]:
    """The languages a copy is made in: English, the primary language and the preferred
    written language (each once)."""
    out: list[str] = []
    for tag in ("en", member.primary_language, member.preferred_written_language):
        if tag and not any(same_language(tag, t) for t in out):
            out.append(tag)
    return out


def family_copy_language(member) -> str:
    """The language a copy for the family defaults to: their preferred written language,
    else their primary language (as listed by ``copy_languages``), else English."""
    languages = copy_languages(member)
    for tag in (member.preferred_written_language, member.primary_language):
        match = next((t for t in languages if tag and same_language(tag, t)), None)
        if match:
            return match
    return "en"


def plan_detail(plan: CarePlan) -> dict:
    """The plan page: the plan with its parts, sharing, copies and deliveries."""
    content = plan_content(plan)
    copies = list(plan.copies.select_related("document", "created_by"))
    deliveries = list(plan.deliveries.select_related("copy", "recorded_by"))
    current: dict[str, CarePlanCopy] = {}
    for copy in copies:  # a translation counts as its language's copy; else the latest made
        known = current.get(copy.language.lower())
        if known is None or (copy.source == CopySource.TRANSLATION
                             and known.source != CopySource.TRANSLATION):
            current[copy.language.lower()] = copy
    finalized = plan.finalized_on is not None  # a draft answers no request yet
    return {
        "content": content,
        # The requests for an ICP update this version answers (careplans.updates).
        "answered_reviews": list(plan.monitoring_reviews.order_by("reviewed_on", "pk"))
        if finalized else [],
        "answered_assessments": list(plan.assessments_answered.order_by("completed_on", "pk"))
        if finalized else [],
        "shares": list(plan.shares.select_related("release", "recorded_by")),
        "copies": copies,
        "current_copies": current,
        "deliveries": deliveries,
        "required_copies": required_copies(plan.member, deliveries)
        if plan.status != CarePlanStatus.DRAFT else [],
    }


def care_plan_overview(member) -> dict:
    """Assessments, ICP versions and responder links of a member (5 queries)."""
    links = list(member.emergency_links.select_related("created_by", "revoked_by", "card"))
    return {
        "assessments": list(member.assessments.select_related("completed_by__user")
                            .order_by("-created_at", "-pk")),
        "plans": list(member.care_plans.select_related("finalized_by", "created_by")
                      .prefetch_related("next_versions").order_by("-version")),
        "links": links,
        "uses": list(EmergencyAccessUse.objects.filter(link__member=member)
                     .order_by("-at", "-pk")[:50]) if links else [],
    }
