"""Contacts and hospital stays as Encounter, and the ICP and emergency plan PDFs as
DocumentReference: clinical resources, for readers who may see the whole record."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cares.base.languages import language_name
from cares.program.fhir import codes, refs
from cares.program.fhir.codes import coding, concept
from cares.program.fhir.record import MemberRecord

WITH_LABELS = (("with_member", "member"), ("with_guardian", "parent or guardian"),
               ("with_provider", "provider"), ("with_school", "school"),
               ("with_agency", "agency"))


def _instant(moment) -> str:
    """An instant in the program's time zone, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def contact_encounter(record: MemberRecord, contact) -> dict:
    """A care coordination contact (PS VI.C): how, with whom, how long, by whom."""
    code, display = codes.CONTACT_CLASS[contact.contact_mode]
    with_whom = [label for name, label in WITH_LABELS if getattr(contact, name)]
    period = {"start": _instant(contact.contact_at)}
    if contact.duration_minutes:
        period["end"] = _instant(contact.contact_at + timedelta(minutes=contact.duration_minutes))
    return {
        "resourceType": "Encounter", "id": refs.rid("contact", contact.pk),
        "status": "finished", "class": coding(codes.V3_ACT_CODE, code, display),
        "type": [concept(f"Care coordination contact ({contact.get_contact_mode_display()})")]
        + ([concept("With " + ", ".join(with_whom))] if with_whom else [])
        + ([concept("Interpreter used" + (f" ({language_name(contact.interpreter_language)})"
                                          if contact.interpreter_language else ""))]
           if contact.interpreter_used else []),
        "subject": refs.patient(record.member),
        **({"participant": [{"individual": refs.staff(contact.staff)}]}
           if contact.staff_id else {}),
        "period": period,
        **({"length": {"value": contact.duration_minutes, "unit": "min", "system": codes.UCUM,
                       "code": "min"}} if contact.duration_minutes else {}),
    }


def stay_encounter(record: MemberRecord, stay) -> dict:
    """A hospital stay or emergency department visit (PS VI.D.3)."""
    code, display = codes.STAY_CLASS[stay.setting]
    return {
        "resourceType": "Encounter", "id": refs.rid("stay", stay.pk),
        "status": "finished" if stay.discharged_on else "in-progress",
        "class": coding(codes.V3_ACT_CODE, code, display),
        "type": [concept(stay.get_setting_display())],
        "subject": refs.patient(record.member),
        "period": {"start": stay.admitted_on.isoformat(),
                   **({"end": stay.discharged_on.isoformat()} if stay.discharged_on else {})},
        **({"reasonCode": [concept(stay.reason)]} if stay.reason else {}),
        **({"serviceProvider": refs.provider_organization(stay.facility)}
           if stay.facility_id else {}),
    }


def document_reference(record: MemberRecord, document, copy, site_url: str) -> dict:
    """A stored ICP copy or emergency plan, pointing at its audited download on this site."""
    plan = copy.care_plan if copy is not None else None
    return {
        "resourceType": "DocumentReference", "id": refs.rid("document", document.pk),
        "status": "current",
        "type": concept("Individual Care Plan" if document.kind.startswith("care_plan")
                        else "Emergency plan"),
        "subject": refs.patient(record.member), "date": _instant(document.created_at),
        "description": document.title,
        "content": [{"attachment": {
            "contentType": document.content_type or "application/pdf",
            **({"language": copy.language} if copy is not None and copy.language else {}),
            "url": f"{site_url}/members/{record.member.pk}/documents/{document.pk}/",
            **({"size": document.size} if document.size else {}),
            "title": document.title,
        }}],
        **({"context": {"related": [refs.ref("CarePlan", refs.rid("careplan", plan.pk))]}}
           if plan is not None else {}),
    }
