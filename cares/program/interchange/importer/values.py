"""Values as the file gives them, read as the models hold them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cares.base.staff.qualifications import CredentialFacts, StaffFacts


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def years(value) -> Decimal:
    return Decimal(str(value or 0))


def staff_facts_of(record: dict) -> StaffFacts:
    """A staff record's qualifications, for the role check of PS IV.B."""
    return StaffFacts(
        education=record.get("education") or "none",
        human_services_degree=bool(record.get("human_services_degree")),
        clinical_experience_years=years(record.get("clinical_experience_years")),
        target_population_years=years(record.get("target_population_years")),
        relevant_experience_years=years(record.get("relevant_experience_years")),
        admin_experience_years=years(record.get("admin_experience_years")),
        caregiver_of_special_needs_youth=bool(record.get("caregiver_of_special_needs_youth")),
        certified_chw=bool(record.get("certified_chw")),
        credentials=tuple(CredentialFacts(c["type"], (c.get("state") or "MA").upper(),
                                          day(c["expires"]))
                          for c in record.get("credentials") or []),
    )
