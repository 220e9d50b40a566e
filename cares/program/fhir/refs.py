"""Resource ids and references. Ids are stable: the kind of record and its primary key
(``member-12``, ``careplan-5``), so a second export of the same record names the same
resources; references are relative (``Patient/member-12``) and resolve against the Bundle's
base (``fullUrl``)."""

from __future__ import annotations


def rid(kind: str, pk) -> str:
    return f"{kind}-{pk}"


def ref(resource_type: str, resource_id: str, display: str = "") -> dict:
    return {"reference": f"{resource_type}/{resource_id}",
            **({"display": str(display)} if display else {})}


def patient(member) -> dict:
    return ref("Patient", rid("member", member.pk))


def staff(profile) -> dict:
    return ref("Practitioner", rid("staff", profile.pk), profile.user.get_full_name())


def program(program) -> dict:
    return ref("Organization", rid("program", program.pk), program.name)


def provider(provider) -> dict:
    """The directory entry as the one who acts: its person when named, else the organization."""
    if provider.person:
        return ref("Practitioner", rid("provider-person", provider.pk), provider.person)
    return ref("Organization", rid("provider", provider.pk), provider.organization)


def provider_organization(provider) -> dict:
    return ref("Organization", rid("provider", provider.pk), provider.organization)
