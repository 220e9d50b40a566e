"""One member's record as a FHIR R4 ``collection`` Bundle, every resource validated by its
``fhir.resources`` R4B model before it leaves.

Minimum necessary (as on the pages): a reader who may not see clinical detail (family support
staff) receives no clinical resources (Condition, Encounter, DocumentReference) and no clinical
narrative in the others (a goal outcome's note, a referral's goal and exception, a follow-up's
notes). Text is in English whatever the reader's language: an exchange format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.utils import timezone, translation
from fhir.resources.R4B import get_fhir_model_class

from cares.program.fhir import encounters, people, plans, referrals
from cares.program.fhir.record import MemberRecord, member_record
from members.models import Member

FHIR_RELEASE = "R4B"  # fhir.resources' R4B models (FHIR 4.3.0), R4-compatible: README
CLINICAL_RESOURCE_TYPES = frozenset({"Condition", "Encounter", "DocumentReference"})


class InvalidResource(ValueError):
    """A built resource its FHIR model refused: a bug, never sent."""


@dataclass(frozen=True)
class Export:
    member: Member
    json: str
    resources: dict[str, int]  # resource type -> how many

    @property
    def total(self) -> int:
        return sum(self.resources.values())


def prune(value):
    """JSON without empty values (FHIR allows no empty strings, arrays or objects)."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in map(prune, value) if v not in (None, "", [], {})]
    return value


def validated(resource: dict):
    """The resource as its R4B model, or ``InvalidResource`` naming what was wrong."""
    model = get_fhir_model_class(resource["resourceType"])
    try:
        return model.model_validate(resource)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise InvalidResource(f"{resource['resourceType']}/{resource.get('id')}: {exc}") from exc


def resources_of(record: MemberRecord, *, site_url: str, on: date) -> list[dict]:
    """Every resource of the record, in a stable order."""
    resources = [people.patient(record)]
    resources += [people.related_person(record, g) for g in record.guardians]
    if record.program is not None:
        resources.append(people.program_organization(record.program))
    resources += [people.staff_practitioner(record.staff[pk]) for pk in sorted(record.staff)]
    providers = {c.provider.pk: c.provider for c in record.directory}
    for referral in record.referrals:
        for provider in (referral.provider, referral.referrer_contact):
            if provider is not None:
                providers.setdefault(provider.pk, provider)
    providers.update({r.provider.pk: r.provider for r in record.releases if r.provider_id})
    providers.update({s.facility.pk: s.facility for s in record.stays if s.facility_id})
    for pk in sorted(providers):
        resources += people.provider_resources(providers[pk])
    resources.append(people.care_team(record))
    resources += plans.plan_resources(record)
    resources += referrals.referral_resources(record)
    resources += [referrals.consent(record, r, on) for r in record.releases]
    resources += [encounters.contact_encounter(record, c) for c in record.contacts]
    resources += [encounters.stay_encounter(record, s) for s in record.stays]
    resources += [encounters.document_reference(record, d, c, site_url)
                  for d, c in record.documents]
    if not record.clinical:
        resources = [r for r in resources if r["resourceType"] not in CLINICAL_RESOURCE_TYPES]
    return resources


def member_bundle(member: Member, *, clinical: bool, base_url: str,
                  on: date | None = None) -> Export:
    """The member's record as a validated ``collection`` Bundle (JSON), as it stands ``on``
    (today by default: whether a release is in force)."""
    base = base_url.rstrip("/")
    site_url = base.removesuffix("/fhir")
    with translation.override("en"):
        record = member_record(member, clinical=clinical)
        resources = [prune(r) for r in resources_of(record, site_url=site_url,
                                                    on=on or timezone.localdate())]
    entries = [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r}
               for r in resources]
    bundle = {"resourceType": "Bundle", "type": "collection",
              "timestamp": timezone.localtime().isoformat(timespec="seconds"),
              "entry": entries}
    # Each resource is validated by its model (a refusal names the resource); the envelope
    # with them. The JSON is written from the validated dicts (the models' own serializer
    # costs as much as the validation and writes the same values).
    get_fhir_model_class("Bundle").model_validate(
        {**bundle, "entry": [{**e, "resource": validated(e["resource"])} for e in entries]})
    counts: dict[str, int] = {}
    for r in resources:
        counts[r["resourceType"]] = counts.get(r["resourceType"], 0) + 1
    return Export(member=member, json=json.dumps(bundle, ensure_ascii=False,
                                                 separators=(",", ":")), resources=counts)
