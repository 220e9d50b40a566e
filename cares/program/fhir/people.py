"""Patient, RelatedPerson, the CARES program and the directory as Organization and
Practitioner, staff as Practitioner, and the CareTeam."""

from __future__ import annotations

from django.conf import settings

from cares.base.languages import language_name
from cares.program.fhir import codes, refs
from cares.program.fhir.codes import coding, concept
from cares.program.fhir.record import MemberRecord


def _telecom(phone: str = "", email: str = "", fax: str = "", use: str = "") -> list[dict]:
    used = {"use": use} if use else {}
    return ([{"system": "phone", "value": phone, **used}] if phone else []) + \
        ([{"system": "fax", "value": fax, **used}] if fax else []) + \
        ([{"system": "email", "value": email, **used}] if email else [])


def _language(tag: str, preferred: bool = True) -> dict:
    return {"language": concept(language_name(tag), coding(codes.BCP47, tag)),
            "preferred": preferred}


def patient(record: MemberRecord) -> dict:
    m = record.member
    names = [{"use": "official", "family": m.legal_last_name, "given": [m.legal_first_name]}]
    if m.preferred_name:
        names.append({"use": "usual", "family": m.legal_last_name, "given": [m.preferred_name]})
    communication = [_language(m.primary_language)]
    if m.preferred_written_language and m.preferred_written_language != m.primary_language:
        communication.append(_language(m.preferred_written_language, preferred=False))
    line = [x for x in (m.address_line1, m.address_line2) if x]
    parts = {"city": m.city, "state": m.state, "postalCode": m.postal_code}
    address = {"use": "home", **({"line": line} if line else {}),
               **{k: v for k, v in parts.items() if v}}
    return {
        "resourceType": "Patient", "id": refs.rid("member", m.pk),
        "extension": [{"url": codes.INTERPRETER_REQUIRED,
                       "valueBoolean": bool(m.interpreter_needed)}],
        "identifier": [
            {"use": "official",
             "type": concept("MassHealth member ID",
                             coding(codes.V2_IDENTIFIER_TYPE, "MB", "Member Number")),
             "system": settings.CARES_MASSHEALTH_ID_SYSTEM, "value": m.masshealth_id},
        ],
        "name": names, "birthDate": m.date_of_birth.isoformat(),
        "telecom": _telecom(m.phone, m.email, use="home"),
        "address": [address] if len(address) > 1 else [], "communication": communication,
    }


def related_person(record: MemberRecord, guardian) -> dict:
    relationship = [concept(guardian.relationship)] if guardian.relationship else []
    authority = codes.LEGAL_AUTHORITY_CODES.get(guardian.legal_authority)
    relationship.append(concept(guardian.get_legal_authority_display(),
                                *([coding(codes.V3_ROLE_CODE, *authority)] if authority else [])))
    return {
        "resourceType": "RelatedPerson", "id": refs.rid("guardian", guardian.pk),
        "active": True, "patient": refs.patient(record.member),
        "relationship": relationship, "name": [{"text": guardian.name}],
        "telecom": _telecom(guardian.phone, guardian.email),
        **({"address": [{"text": guardian.address}]} if guardian.address else {}),
        **({"communication": [_language(guardian.preferred_language)]}
           if guardian.preferred_language else {}),
    }


def program_organization(program) -> dict:
    return {"resourceType": "Organization", "id": refs.rid("program", program.pk),
            "active": True, "type": [concept("CARES program (MassHealth targeted case "
                                             "management for children with medical "
                                             "complexity)")],
            "name": program.name, "telecom": _telecom(program.phone, use="work"),
            **({"address": [{"text": program.address}]} if program.address else {})}


def provider_resources(provider) -> list[dict]:
    """A directory entry: its organization, and its person as a Practitioner when named."""
    organization = {
        "resourceType": "Organization", "id": refs.rid("provider", provider.pk),
        "active": bool(provider.active), "type": [concept(provider.get_kind_display())],
        "name": provider.organization or provider.person,
        "telecom": _telecom(provider.phone, provider.email, provider.fax, use="work"),
        **({"address": [{"text": provider.address}]} if provider.address else {}),
    }
    if not provider.person:
        return [organization]
    return [organization, {"resourceType": "Practitioner",
                           "id": refs.rid("provider-person", provider.pk),
                           "active": bool(provider.active), "name": [{"text": provider.person}],
                           "telecom": _telecom(provider.phone, provider.email, provider.fax,
                                               use="work")}]


def staff_practitioner(profile) -> dict:
    user = profile.user
    return {
        "resourceType": "Practitioner", "id": refs.rid("staff", profile.pk),
        "active": bool(profile.active and user.is_active),
        "name": [{"family": user.last_name, "given": [user.first_name]}],
        "telecom": _telecom(profile.phone, user.email, use="work"),
        "qualification": [{
            "identifier": [{"value": c.license_number}],
            "code": concept(c.get_type_display()),
            **({"period": {"end": c.expires.isoformat()}} if c.expires else {}),
        } for c in profile.fhir_credentials],
    }


def care_team(record: MemberRecord) -> dict:
    """The CARES team, the primary contact, and the member's PCP and specialists from the
    directory (PS VI.A.1.c: the ICP names the care team)."""
    participants = [{"role": [concept(m.get_role_display())], "member": refs.staff(m.staff),
                     **({"period": {"start": m.since.isoformat()}} if m.since else {})}
                    for m in record.care_team]
    episode = record.episode
    if episode is not None and episode.primary_contact is not None:
        participants.append({"role": [concept("Primary contact")],
                             "member": refs.staff(episode.primary_contact)})
    participants += [{"role": [concept(c.get_role_display())],
                      "member": refs.provider(c.provider),
                      **({"onBehalfOf": refs.provider_organization(c.provider)}
                         if c.provider.person else {})}
                     for c in record.directory]
    program = record.program
    return {
        "resourceType": "CareTeam", "id": refs.rid("careteam", record.member.pk),
        "status": "active",
        "category": [concept("Longitudinal care-coordination focused care team",
                             coding(codes.LOINC, "LA28865-6"))],
        "name": "CARES care team", "subject": refs.patient(record.member),
        "participant": participants,
        **({"managingOrganization": [refs.program(program)]} if program else {}),
    }
