"""Simple record saves for the member pages: guardians, care-team contacts and the directory.

Unlike the lifecycle steps in ``members.services`` these have no preconditions beyond the
model's own validation: each validates in full (constraints included) and saves, or raises
``ValidationError`` and writes nothing.
"""

from __future__ import annotations

from django.db import transaction

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from members.models import Guardian, MemberContact, Provider


@transaction.atomic
def guardian_save(*, guardian: Guardian, actor=None) -> Guardian:
    """Add or change a parent, guardian or authorized representative."""
    guardian.full_clean()
    created = guardian.pk is None
    guardian.save()
    audit_change(action=Action.CREATE if created else Action.UPDATE, obj=guardian,
                 member=guardian.member_id, actor=actor)
    return guardian


@transaction.atomic
def member_contact_save(*, contact: MemberContact, actor=None) -> MemberContact:
    """Link a directory entry to the member's care team with its role for this member."""
    contact.full_clean()  # includes the member/provider/role uniqueness constraint
    created = contact.pk is None
    contact.save()
    audit_change(action=Action.CREATE if created else Action.UPDATE, obj=contact,
                 member=contact.member_id, actor=actor)
    return contact


@transaction.atomic
def member_contact_remove(*, contact: MemberContact, actor=None) -> None:
    """Take a directory entry off the member's care team (the history keeps the link)."""
    audit_change(action=Action.DELETE, obj=contact, member=contact.member_id, actor=actor)
    contact.delete()


@transaction.atomic
def provider_save(*, provider: Provider, actor=None) -> Provider:
    """Add or change a provider or agency in the shared directory."""
    provider.full_clean()
    created = provider.pk is None
    provider.save()
    audit_change(action=Action.CREATE if created else Action.UPDATE, obj=provider, actor=actor)
    return provider
