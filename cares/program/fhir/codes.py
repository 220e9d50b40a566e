"""Code systems and the mappings of CARES statuses to FHIR R4 codes, as data.

Each mapping names what it maps and why; ``VALUE_SETS`` lists the codes FHIR R4 (4.0.1) allows
for every status element we fill, so a test can hold every mapping inside its value set.
"""

from __future__ import annotations

# --- Code systems ---------------------------------------------------------------------------------
BCP47 = "urn:ietf:bcp:47"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
US_CORE_CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"
US_CORE_CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
# HL7 SDOH Clinical Care ("Gravity") temporary codes: the SDOH domain of a health concern.
SDOHCC_CODES = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


def coding(system: str, code: str, display: str = "") -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(text: str, *codings: dict) -> dict:
    """A CodeableConcept: its codings (if any) and the words a reader sees."""
    return {**({"coding": list(codings)} if codings else {}), "text": str(text)}


# --- Mappings -------------------------------------------------------------------------------------

# ICP version status -> CarePlan.status. A superseded version was replaced by the next one
# ("revoked: terminated prior to reaching completion, though it may have been replaced").
CAREPLAN_STATUS = {"draft": "draft", "finalized": "active", "superseded": "revoked"}

# Action steps carry no completion of their own: they follow their version.
ACTIVITY_STATUS = {"draft": "not-started", "finalized": "in-progress", "superseded": "stopped"}

# A goal without a recorded outcome follows its version; a superseded version's goal is
# cancelled there (its copy in the next version carries it on).
GOAL_LIFECYCLE = {"draft": "proposed", "finalized": "active", "superseded": "cancelled"}

# GoalOutcome.achievement -> (Goal.lifecycleStatus, Goal.achievementStatus code).
GOAL_OUTCOME = {
    "met": ("completed", "achieved"),
    "partly_met": ("completed", "not-achieved"),  # the target was not fully reached
    "not_met": ("completed", "not-achieved"),
    "no_longer_relevant": ("cancelled", "not-attainable"),
}

# The ICP's health-related social needs (PS VI.A.1.c) -> the Gravity SDOH domain.
NEED_DOMAINS = {
    "hrsn_housing": "housing-instability",
    "hrsn_nutrition": "food-insecurity",
    "hrsn_utilities": "utility-insecurity",
    "hrsn_transportation": "transportation-insecurity",
}

# Guardian.legal_authority -> RelatedPerson.relationship coding (HL7 v3 RoleCode).
LEGAL_AUTHORITY_CODES = {
    "parent": ("PRN", "parent"),
    "guardian": ("GUARD", "guardian"),
    "health_care_proxy": ("HPOWATT", "healthcare power of attorney"),
    "authorized_representative": ("POWATT", "power of attorney"),
}

# Contact.contact_mode -> Encounter.class (HL7 v3 ActCode).
CONTACT_CLASS = {
    "in_person": ("AMB", "ambulatory"),
    "telehealth": ("VR", "virtual"),
    "phone": ("VR", "virtual"),
    "message": ("VR", "virtual"),
}
# HospitalStay.setting -> Encounter.class.
STAY_CLASS = {"inpatient": ("IMP", "inpatient encounter"), "emergency": ("EMER", "emergency")}

# ReleaseOfInformation.status_on() -> Consent.status, and the state named in words.
CONSENT_STATUS = {"in_force": "active", "not_yet": "proposed", "expired": "inactive",
                  "revoked": "inactive"}
RELEASE_STATE_EXTENSION = "release-state"  # under the export's base: .../StructureDefinition/


def service_request_status(status: str, closure_reason: str) -> str:
    """ServiceRequest.status of a referral: active while the loop is open; a closed loop is
    completed when services were received, revoked otherwise."""
    if status != "closed":
        return "active"
    return "completed" if closure_reason == "services_received" else "revoked"


# Codes FHIR R4 allows for the status elements we fill (required bindings).
VALUE_SETS = {
    "CarePlan.status": {"draft", "active", "on-hold", "revoked", "completed",
                        "entered-in-error", "unknown"},
    "CarePlan.activity.detail.status": {"not-started", "scheduled", "in-progress", "on-hold",
                                        "completed", "cancelled", "stopped", "unknown",
                                        "entered-in-error"},
    "Goal.lifecycleStatus": {"proposed", "planned", "accepted", "active", "on-hold",
                             "completed", "cancelled", "entered-in-error", "rejected"},
    "Goal.achievementStatus": {"in-progress", "improving", "worsening", "no-change",
                               "achieved", "sustaining", "not-achieved", "no-progress",
                               "not-attainable"},
    "ServiceRequest.status": {"draft", "active", "on-hold", "revoked", "completed",
                              "entered-in-error", "unknown"},
    "Task.status": {"draft", "requested", "received", "accepted", "rejected", "ready",
                    "cancelled", "in-progress", "on-hold", "failed", "completed",
                    "entered-in-error"},
    "Consent.status": {"draft", "proposed", "active", "rejected", "inactive",
                       "entered-in-error"},
    "Encounter.status": {"planned", "arrived", "triaged", "in-progress", "onleave",
                         "finished", "cancelled", "entered-in-error", "unknown"},
    "CareTeam.status": {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    "DocumentReference.status": {"current", "superseded", "entered-in-error"},
}
