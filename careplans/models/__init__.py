"""Comprehensive assessments and Individual Care Plans (PS VI.A).

The core records the deadline engine reads: assessments with their kind and completion date,
ICP versions with their finalization date, and each delivery of an ICP copy to the family.
Around them: the assessment's sections and information sources (PS VI.A.1.a-b), the ICP's
five required parts (PS VI.A.1.c.5 a-e) with its goals and action steps, the care planning
meeting, sharing with the PCP, the copies in English and the family's language, and the
responders' access link to the emergency plan.

A completed assessment and a finalized (or superseded) ICP never change: the services refuse
and so does ``save()`` here (``FrozenRecordError``), for the plan and for every part of it.

The records live in one module per topic: ``assessment``, ``plan`` (versions and their
parts), ``emergency`` (the emergency plan's rows and the responders' link) and ``sharing``
(shares, copies, deliveries). Every name is re-exported here, so callers import
``careplans.models``.
"""

from careplans.models.assessment import (
    ASSESSMENT_SECTIONS,
    FULL_KINDS,
    HRSN_SCREENS,
    Assessment,
    AssessmentKind,
    AssessmentSource,
    BenefitStatus,
    FrozenRecordError,
    ScreenAnswer,
    SourceKind,
)
from careplans.models.emergency import (
    Allergy,
    EmergencyAccessLink,
    EmergencyAccessUse,
    EmergencyMedication,
    LinkUseOutcome,
)
from careplans.models.outcomes import GoalAchievement, GoalOutcome
from careplans.models.plan import (
    FAMILY_PARTICIPANTS,
    ActionStep,
    CarePlan,
    CarePlanParticipant,
    CarePlanQuerySet,
    CarePlanStatus,
    CareTeamEntry,
    Goal,
    GoalKind,
    GoalQuerySet,
    GoalTerm,
    ParticipantKind,
    PlanPart,
    SchoolPlan,
    TeamRole,
    refuse_if_frozen,
)
from careplans.models.sharing import (
    TREATMENT_RECIPIENTS,
    CarePlanCopy,
    CarePlanDelivery,
    CarePlanShare,
    CopySource,
    DeliveryMedium,
    ShareRecipient,
)

__all__ = [
    "ASSESSMENT_SECTIONS",
    "ActionStep",
    "GoalAchievement",
    "GoalOutcome",
    "Allergy",
    "Assessment",
    "AssessmentKind",
    "AssessmentSource",
    "BenefitStatus",
    "CarePlan",
    "CarePlanCopy",
    "CarePlanDelivery",
    "CarePlanParticipant",
    "CarePlanQuerySet",
    "CarePlanShare",
    "CarePlanStatus",
    "CareTeamEntry",
    "CopySource",
    "DeliveryMedium",
    "EmergencyAccessLink",
    "EmergencyAccessUse",
    "EmergencyMedication",
    "FAMILY_PARTICIPANTS",
    "FULL_KINDS",
    "FrozenRecordError",
    "Goal",
    "GoalKind",
    "GoalQuerySet",
    "GoalTerm",
    "HRSN_SCREENS",
    "LinkUseOutcome",
    "ParticipantKind",
    "PlanPart",
    "SchoolPlan",
    "ScreenAnswer",
    "ShareRecipient",
    "SourceKind",
    "TREATMENT_RECIPIENTS",
    "TeamRole",
    "refuse_if_frozen",
]
