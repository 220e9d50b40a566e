"""Closed-loop referrals as ServiceRequest + Task (HL7 SDOH Clinical Care, "Gravity":
TaskForReferralManagement; Task.status from ``members.coordination.rules.fhir_task_status``),
and releases of information as Consent."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from cares.program.fhir import codes, refs
from cares.program.fhir.codes import coding, concept
from cares.program.fhir.record import MemberRecord
from members.coordination.rules import fhir_task_status


def referral_resources(record: MemberRecord) -> list[dict]:
    resources = []
    for referral in record.referrals:
        resources += [service_request(record, referral), task(record, referral)]
    return resources


def _requester(record: MemberRecord, referral) -> dict | None:
    if referral.referrer_kind == "cares_team":
        return refs.program(record.program) if record.program else None
    if referral.referrer_contact_id:
        return refs.provider(referral.referrer_contact)
    return {"display": referral.referrer_name} if referral.referrer_name else None


def _performer(referral) -> dict | None:
    if referral.provider_id:
        reference = refs.provider(referral.provider)
        if referral.provider_person and not referral.provider.person:
            reference["display"] = f"{referral.provider_person}, {referral.provider.organization}"
        return reference
    return {"display": referral.provider_person} if referral.provider_person else None


def service_request(record: MemberRecord, referral) -> dict:
    requester, performer = _requester(record, referral), _performer(referral)
    clinical = record.clinical
    return {
        "resourceType": "ServiceRequest", "id": refs.rid("referral", referral.pk),
        "status": codes.service_request_status(referral.status, referral.closure_reason),
        "intent": "order", "code": concept(referral.service),
        "subject": refs.patient(record.member), "authoredOn": referral.referred_on.isoformat(),
        **({"occurrenceDateTime": referral.scheduled_on.isoformat()}
           if referral.scheduled_on else {}),
        **({"requester": requester} if requester else {}),
        **({"performer": [performer]} if performer else {}),
        **({"supportingInfo": [refs.ref("Goal", refs.rid("goal", referral.goal_id))]}
           if clinical and referral.goal_id else {}),
        "note": [{"text": t} for t in (
            (referral.icp_goal and f"ICP goal: {referral.icp_goal}"),
            (referral.exception_reason and
             f"{referral.get_exception_kind_display() or 'Exception'}: "
             f"{referral.exception_reason}")) if t and clinical],
    }


def _business_status(referral) -> str:
    label = referral.get_status_display()
    if referral.status == "closed" and referral.closure_reason:
        return f"{label} ({referral.get_closure_reason_display()})"
    return label


def task(record: MemberRecord, referral) -> dict:
    follow_ups = list(referral.follow_ups.all())
    started = any(f.services_received for f in follow_ups)
    reason = (referral.get_decline_reason_display() if referral.status == "declined"
              else referral.get_closure_reason_display() if referral.status == "closed"
              else "")
    requester, performer = _requester(record, referral), _performer(referral)
    end = referral.closed_on
    return {
        "resourceType": "Task", "id": refs.rid("referral-task", referral.pk),
        **({"identifier": [{"value": referral.key}]} if referral.key else {}),
        "status": fhir_task_status(referral.status, referral.closure_reason,
                                   services_started=started),
        "businessStatus": concept(_business_status(referral)),
        **({"statusReason": concept(reason)} if reason else {}),
        "intent": "order",
        "code": concept("Fulfill the service request", coding(codes.TASK_CODE, "fulfill")),
        "focus": refs.ref("ServiceRequest", refs.rid("referral", referral.pk)),
        "for": refs.patient(record.member),
        "executionPeriod": {"start": referral.referred_on.isoformat(),
                            **({"end": end.isoformat()} if end else {})},
        "authoredOn": referral.referred_on.isoformat(),
        "lastModified": (referral.status_changed_on or referral.referred_on).isoformat(),
        **({"requester": requester} if requester else {}),
        **({"owner": performer} if performer and "reference" in performer else {}),
        "output": [_follow_up_output(record, f) for f in follow_ups],
    }


def _follow_up_output(record: MemberRecord, f) -> dict:
    """A follow-up (PS VI.D.2.b) as the Task's output: when, with whom, and what it found."""
    whom = ", ".join(w for w in (f.get_with_kind_display(), f.with_whom) if w)
    words = [f"Follow-up on {f.followed_up_on.isoformat()}" + (f" with {whom}" if whom else ""),
             "services received" if f.services_received else "services not received",
             "need met" if f.met_need else "need not met"]
    if record.clinical and f.notes:
        words.append(f.notes)
    return {"type": concept("Referral follow-up"), "valueString": "; ".join(words)}


def consent(record: MemberRecord, release, on: date) -> dict:
    """A release of information (authorization to share PHI) as a Consent: in force is
    active, expired and revoked are inactive (the state is named in an extension, and the
    provision ends on the day it stopped)."""
    state = release.status_on(on)
    end = release.revoked_on if state == "revoked" else release.expires_on
    recipient = (refs.provider_organization(release.provider) if release.provider_id
                 else {"display": release.party})
    base = settings.CARES_FHIR_BASE_URL.rstrip("/")
    return {
        "resourceType": "Consent", "id": refs.rid("release", release.pk),
        "extension": [{"url": f"{base}/StructureDefinition/{codes.RELEASE_STATE_EXTENSION}",
                       "valueCode": state.replace("_", "-")}],
        "status": codes.CONSENT_STATUS[state],
        "scope": concept("Privacy consent", coding(codes.CONSENT_SCOPE, "patient-privacy")),
        "category": [concept("Release of information consent", coding(codes.LOINC, "64292-6"))],
        "patient": refs.patient(record.member), "dateTime": release.signed_on.isoformat(),
        **({"performer": [{"display": release.signed_by}]} if release.signed_by else {}),
        **({"organization": [refs.program(record.program)]} if record.program else {}),
        "policyRule": concept("Opt in", coding(codes.V3_ACT_CODE, "OPTIN")),
        "provision": {
            "type": "permit",
            "period": {"start": release.signed_on.isoformat(),
                       **({"end": end.isoformat()} if end else {})},
            "actor": [{"role": concept("Information recipient",
                                       coding(codes.V3_PARTICIPATION, "IRCP")),
                       "reference": recipient}],
            **({"purpose": [{"display": release.purpose}]} if release.purpose else {}),
            **({"code": [concept(release.scope)]} if release.scope else {}),
        },
    }
