"""What a complete assessment and a complete ICP contain (PS VI.A.1.a-c): pure functions over
records already loaded, no queries. Each missing element comes with the spec section that
asks for it, so the page that refuses can say why."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careplans.models import (
    ASSESSMENT_SECTIONS,
    FAMILY_PARTICIPANTS,
    HRSN_SCREENS,
    AssessmentKind,
    GoalKind,
    GoalTerm,
    ParticipantKind,
    SourceKind,
    TeamRole,
)
from members.models import ADULT_AGE


@dataclass(frozen=True)
class Missing:
    key: str  # stable name of the element (tests refer to it)
    text: str
    citation: str
    # Where it is fixed (an ICP element; empty for an assessment's): the section of the plan
    # it belongs to (a key of ``PLAN_SECTION_TITLES``), the page that edits it when that is
    # another section's, and the field or list of rows (``PLAN_ROWS`` name) on that page.
    section: str = ""
    field: str = ""
    page: str = ""

    @property
    def edit_page(self) -> str:
        return self.page or self.section

    def __str__(self) -> str:
        return f"{self.text} ({self.citation})"


def _blank(value) -> bool:
    return not (value or "").strip() if isinstance(value, str | type(None)) else not value


def _short(text: str, length: int = 40) -> str:
    text = " ".join((text or "").split())
    return f"“{text[:length]}…”" if len(text) > length else f"“{text}”"


# --- Assessment ----------------------------------------------------------------------------------

def assessment_missing(assessment, sources: Sequence, *, has_earlier: bool,
                       completed_on: date | None = None) -> list[Missing]:
    """Everything a completed assessment of its kind needs and ``assessment`` lacks.

    ``sources`` are its information sources; ``has_earlier`` says whether the member has a
    completed assessment before this one (a reassessment follows one); ``completed_on`` is the
    intended completion date (sources cannot be dated after it).
    """
    missing: list[Missing] = []
    kind = assessment.kind
    if kind in (AssessmentKind.INITIAL, AssessmentKind.ANNUAL,
                AssessmentKind.SIGNIFICANT_CHANGE):
        for field, label, cite in ASSESSMENT_SECTIONS:
            if _blank(getattr(assessment, field)):
                missing.append(Missing(field, _("the section: %(section)s")
                                       % {"section": label}, cite))
        for field, _notes, label in HRSN_SCREENS:
            if _blank(getattr(assessment, field)):
                missing.append(Missing(field, _("the health-related social needs screen "
                                                "for %(domain)s") % {"domain": str(label).lower()},
                                       "PS VI.A.1.c.5.b.iv"))
        for field, label in (("snap", "SNAP"), ("wic", "WIC")):
            if _blank(getattr(assessment, field)):
                missing.append(Missing(field, _("whether the family receives %(benefit)s")
                                       % {"benefit": label}, "PS VI.A.1.c.5.b.iv"))
    if kind != AssessmentKind.INITIAL:
        if not has_earlier:
            missing.append(Missing("earlier_assessment", _(
                "an earlier completed comprehensive assessment: a reassessment follows one "
                "(record this one as the initial assessment)"), "PS VI.A.1.b.1"))
        if assessment.continues_eligible is None:
            missing.append(Missing("continues_eligible", _(
                "whether the member continues to meet the eligibility requirements"),
                "PS VI.A.1.b.1"))
    if kind == AssessmentKind.SIGNIFICANT_CHANGE and _blank(assessment.change_summary):
        missing.append(Missing("change_summary", _("what changed significantly"),
                               "PS VI.A.1.b.2"))
    if kind == AssessmentKind.ABBREVIATED:
        if _blank(assessment.current_status):
            missing.append(Missing("current_status", _("the member's current status"),
                                   "PS VI.A.1.b.4"))
        if _blank(assessment.risk_rescreen):
            missing.append(Missing("risk_rescreen", _("the rescreen for risk factors"),
                                   "PS VI.A.1.b.4"))
    if not sources:
        missing.append(Missing("sources", _("the information sources consulted, with dates"),
                               "PS VI.A.1.a.3"))
    if not any(s.kind in (SourceKind.MEMBER, SourceKind.PARENT_GUARDIAN) for s in sources):
        missing.append(Missing("family_source", _(
            "the member or their parent/guardian among the sources consulted"),
            "PS VI.A.1.a.3, VI.A.1.b.3"))
    if completed_on is not None:
        late = [s.name for s in sources if s.consulted_on and s.consulted_on > completed_on]
        if late:
            missing.append(Missing("source_dates", _(
                "sources consulted on or before the completion date (after it: %(names)s)")
                % {"names": ", ".join(late)}, "PS VI.A.1.a.3"))
    return missing


# --- ICP ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanContent:
    """An ICP version with its parts, as loaded by ``careplans.selectors.plan_content``."""

    plan: object
    participants: Sequence
    team: Sequence
    goals: Sequence  # each with .steps_list
    medications: Sequence
    allergies: Sequence
    member_birth: date
    has_completed_assessment: bool
    # The member's guardians, proxies and other legal decision-makers on record (any legal
    # authority but "none"), each described as "name (authority)".
    legal_decision_makers: Sequence[str] = ()


HEALTH_SUMMARY = (
    ("medical_history", gettext_lazy("the medical history")),
    ("behavioral_history", gettext_lazy("the behavioral history")),
    ("personal_circumstances", gettext_lazy("the personal circumstances")),
    ("educational_circumstances", gettext_lazy("the educational circumstances")),
    ("behavioral_circumstances", gettext_lazy("the behavioral circumstances")),
    ("social_circumstances", gettext_lazy("the social circumstances")),
)
EDUCATION = (
    ("iep", gettext_lazy("whether the member has an IEP")),
    ("plan_504", gettext_lazy("whether the member has a 504 plan")),
    ("school_services", gettext_lazy("the school-based related services (or 'None')")),
    ("educational_needs", gettext_lazy("the supports the member needs to be successful in school")),
)
HRSN = (
    ("hrsn_housing", gettext_lazy("housing supports (or 'None needed')")),
    ("hrsn_nutrition", gettext_lazy("nutrition supports such as SNAP or WIC (or 'None needed')")),
    ("hrsn_utilities", gettext_lazy("utility assistance (or 'None needed')")),
    ("hrsn_transportation", gettext_lazy("transportation supports (or 'None needed')")),
)
EMERGENCY_TEXT = (
    ("diagnoses", gettext_lazy("the diagnoses")),
    ("baseline_status", gettext_lazy("the member's baseline status")),
    ("accommodations", gettext_lazy("the accommodations needed (or 'None')")),
)
GOAL_KINDS = (GoalKind.CLINICAL, GoalKind.FUNCTIONAL, GoalKind.DEVELOPMENTAL, GoalKind.SOCIAL,
              GoalKind.ASPIRATIONAL)
# What finalizing needs, as the pages mark it: the plan's own fields ``plan_missing`` requires
# and the lists of rows (``PLAN_ROWS`` names) that must have entries.
FINALIZE_FIELDS = ("meeting_on", *(name for name, _text in HEALTH_SUMMARY), "current_services",
                   *(name for name, _text in EDUCATION), *(name for name, _text in HRSN),
                   "upcoming_transitions", "continuity_strategies",
                   *(name for name, _text in EMERGENCY_TEXT))
FINALIZE_ROWS = ("participants", "team", "goals", "steps")


def _names(items: Iterable, describe) -> str:
    return ", ".join(describe(i) for i in items)


# The sections of an ICP, each edited on its own page (``careplans:plan_<section>``; the
# assessment it rests on is listed on the care plan overview), in the order of the plan.
PLAN_SECTION_TITLES = {
    "assessment": gettext_lazy("Comprehensive assessment"),
    "meeting": gettext_lazy("Care planning meeting and participants"),
    "team": gettext_lazy("Care managers and care team"),
    "summary": gettext_lazy("Health summary, educational needs and HRSN supports"),
    "goals": gettext_lazy("Goals"),
    "steps": gettext_lazy("Action steps"),
    "transitions": gettext_lazy("Transitions and continuity of care"),
    "emergency": gettext_lazy("Emergency plan"),
}


class Checklist(list):
    """The elements found missing so far, in the order they were checked; ``section`` is the
    part of the plan being checked."""

    section = ""

    def need(self, key: str, ok: bool, text: str, citation: str, *, field: str | None = None,
             page: str = "") -> None:
        """``field``: the input (or list of rows) that supplies it, ``key`` by default."""
        if not ok:
            self.append(Missing(key, text, citation, self.section,
                                key if field is None else field, page))


def missing_reasons(missing: Sequence[Missing]) -> list[str]:
    """A refusal's reason for each missing element."""
    return [_("Missing: %(element)s") % {"element": m} for m in missing]


def plan_missing(content: PlanContent) -> list[Missing]:
    """Every required element of PS VI.A.1.c the ICP version lacks, in the order of the plan.
    Empty means it may be finalized."""
    check = Checklist()
    for section in (_meeting_missing, _team_missing, _summary_missing, _steps_missing,
                    _transitions_missing, _emergency_missing):
        section(content, check)
    return list(check)


def _meeting_missing(content: PlanContent, check: Checklist) -> None:
    """The assessment it rests on, and the care planning meeting with the member and family
    (PS VI.A.1, VI.A.1.c.1)."""
    plan = content.plan
    check.section = "assessment"
    check.need("assessment", content.has_completed_assessment,
               _("a completed comprehensive assessment of the member"), "PS VI.A.1, VIII",
               field="")
    check.section = "meeting"
    kinds = {p.kind for p in content.participants}
    check.need("meeting_date", plan.meeting_on is not None,
               _("the date of the care planning meeting"), "PS VI.A.1", field="meeting_on")
    check.need("meeting_member", ParticipantKind.MEMBER in kinds,
               _("the member among the participants of the care planning meeting"),
               "PS VI.A.1, VI.A.1.c.1", field="participants")
    # Under 18 a parent, guardian or authorized health-care decision-maker always takes part in
    # the care planning meeting; from 18 too whenever the record shows a legal decision-maker
    # (PS VI.A.1, VI.A.1.c.1). Age alone never removes the requirement.
    adult = plan.meeting_on is not None and \
        plan.meeting_on >= content.member_birth + relativedelta(years=ADULT_AGE)
    deciders = list(content.legal_decision_makers)
    family_required = not adult or bool(deciders)
    if adult:
        why = _(" (the record shows a legal decision-maker for the member: %(names)s)") % {
            "names": "; ".join(deciders)}
    else:
        why = _(" (the member was under 18 on the day of the meeting)") \
            if plan.meeting_on is not None else ""
    check.need("meeting_guardian",
               not family_required or bool(kinds & set(FAMILY_PARTICIPANTS)),
               _("a parent, guardian or authorized health care decision-maker among the "
                 "participants of the care planning meeting") + why, "PS VI.A.1, VI.A.1.c.1",
               field="participants")


def _team_missing(content: PlanContent, check: Checklist) -> None:
    """(a) Care managers and care team, with contact details."""
    team = list(content.team)
    check.section = "team"
    check.need("care_manager",
               any(t.role == TeamRole.CARE_MANAGER and t.has_contact for t in team),
               _("a care manager with contact details"), "PS VI.A.1.c.5.a", field="team")
    check.need("pcp", any(t.role == TeamRole.PCP and t.has_contact for t in team),
               _("the PCP or PCP designee with contact details"), "PS VI.A.1.c.5.a",
               field="team")
    no_contact = [t for t in team if not t.has_contact]
    check.need("team_contacts", not no_contact,
               _("contact details (phone or e-mail) for %(names)s")
               % {"names": _names(no_contact, lambda t: t.name)}, "PS VI.A.1.c.5.a",
               field="team")


def _summary_missing(content: PlanContent, check: Checklist) -> None:
    """(b) Health summary: history and circumstances, current services, goals, educational
    needs and health-related social needs supports."""
    plan = content.plan
    check.section = "summary"
    for field, text in HEALTH_SUMMARY:
        check.need(field, not _blank(getattr(plan, field)), str(text), "PS VI.A.1.c.5.b")
    check.need("current_services", not _blank(plan.current_services),
               _("the list of current services"), "PS VI.A.1.c.5.b.i")
    _goals_missing(list(content.goals), check)
    check.section = "summary"
    for field, text in EDUCATION:
        check.need(field, not _blank(getattr(plan, field)), str(text), "PS VI.A.1.c.5.b.iii")
    for field, text in HRSN:
        check.need(field, not _blank(getattr(plan, field)), str(text), "PS VI.A.1.c.5.b.iv")


def _goals_missing(goals: Sequence, check: Checklist) -> None:
    """(b.ii) Goals of every kind, short- and long-term, dated (aspirational ones excepted)."""
    present = {g.kind for g in goals}
    check.section = "goals"
    for kind in GOAL_KINDS:
        check.need(f"goal_{kind}", kind in present,
                   _("a goal of kind: %(kind)s") % {"kind": str(kind.label).lower()},
                   "PS VI.A.1.c.5.b.ii", field="goals")
    terms = {g.term for g in goals if g.kind != GoalKind.ASPIRATIONAL}
    check.need("goal_short", GoalTerm.SHORT in terms, _("a short-term goal"),
               "PS VI.A.1.c.5.b.ii", field="goals")
    check.need("goal_long", GoalTerm.LONG in terms, _("a long-term goal"), "PS VI.A.1.c.5.b.ii",
               field="goals")
    undated = [g for g in goals if g.kind != GoalKind.ASPIRATIONAL and g.target_date is None]
    check.need("goal_dates", not undated,
               _("a target date for each goal other than aspirational ones; missing for "
                 "%(goals)s") % {"goals": _names(undated, lambda g: _short(g.description))},
               "PS VI.A.1.c.5.b.ii", field="goals")


def _steps_missing(content: PlanContent, check: Checklist) -> None:
    """(c) Action steps for each goal, with who is responsible and accessibility
    requirements."""
    goals = list(content.goals)
    check.section = "steps"
    stepless = [g for g in goals if not g.steps_list]
    check.need("goal_steps", not stepless,
               _("an action step for %(goals)s")
               % {"goals": _names(stepless, lambda g: _short(g.description))},
               "PS VI.A.1.c.5.c", field="steps")
    steps = [s for g in goals for s in g.steps_list]
    unowned = [s for s in steps if s.responsible_id is None]
    check.need("step_responsible", not unowned,
               _("the responsible care team member for %(steps)s")
               % {"steps": _names(unowned, lambda s: _short(s.description))}, "PS VI.A.1.c.5.c",
               field="steps")
    unstated = [s for s in steps if _blank(s.accessibility)]
    check.need("step_accessibility", not unstated,
               _("the accessibility requirements (or 'None') for %(steps)s")
               % {"steps": _names(unstated, lambda s: _short(s.description))},
               "PS VI.A.1.c.5.c", field="steps")


def _transitions_missing(content: PlanContent, check: Checklist) -> None:
    """(d) Transitions."""
    plan = content.plan
    check.section = "transitions"
    check.need("upcoming_transitions", not _blank(plan.upcoming_transitions),
               _("the upcoming medical and social service transitions (or 'None expected')"),
               "PS VI.A.1.c.5.d")
    check.need("continuity_strategies", not _blank(plan.continuity_strategies),
               _("the strategies to support continuity of care during transitions"),
               "PS VI.A.1.c.5.d")


def _emergency_missing(content: PlanContent, check: Checklist) -> None:
    """(e) The emergency plan."""
    plan = content.plan
    check.section = "emergency"
    medications = list(content.medications)
    check.need("medications", bool(medications) != plan.no_medications,
               _("the medications with their doses, or 'takes no medications' (not both)"),
               "PS VI.A.1.c.5.e")
    undosed = [m for m in medications if _blank(m.dose)]
    check.need("medication_doses", not undosed,
               _("the dose of %(names)s") % {"names": _names(undosed, lambda m: m.name)},
               "PS VI.A.1.c.5.e", field="medications")
    check.need("allergies", bool(content.allergies) != plan.no_known_allergies,
               _("the allergies, or 'no known allergies' (not both)"), "PS VI.A.1.c.5.e")
    for field, text in EMERGENCY_TEXT:
        check.need(field, not _blank(getattr(plan, field)), str(text), "PS VI.A.1.c.5.e")
    listed = [t for t in content.team if t.emergency and t.phone.strip()]
    check.need("emergency_providers", any(t.role != TeamRole.FAMILY for t in listed),
               _("a provider most involved in the member's care, with a phone number, on the "
                 "emergency plan"), "PS VI.A.1.c.5.e", field="team", page="team")
    check.need("emergency_guardians", any(t.role == TeamRole.FAMILY for t in listed),
               _("a parent or guardian to call, with a phone number, on the emergency plan"),
               "PS VI.A.1.c.5.e", field="team", page="team")
