"""The audited FHIR export: the views and the ``export_fhir`` command call it."""

from __future__ import annotations

from cares.base.audit.models import Action
from cares.base.audit.services import audit_record
from cares.program.fhir.bundle import FHIR_RELEASE, Export, member_bundle
from members.models import Member


def export_member(member: Member, *, clinical: bool, base_url: str, actor=None,
                  request=None, via: str) -> Export:
    """The member's bundle, recorded as an export (who, which member, what was included, how
    it left: ``via``). Nothing is recorded when the bundle could not be made."""
    made = member_bundle(member, clinical=clinical, base_url=base_url)
    audit_record(action=Action.EXPORT, actor=actor, member=member, obj=member, request=request,
                 detail={"format": f"FHIR {FHIR_RELEASE} Bundle", "via": via,
                         "clinical": clinical, "resources": made.resources})
    return made
