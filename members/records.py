"""Simple record saves for the member pages: guardians, care-team contacts and the directory.

Unlike the lifecycle steps in ``members.services`` these have no preconditions beyond the
model's own validation: each validates in full (constraints included), saves and audits what
changed (``cares.base.toolkit.save_and_audit``), or raises ``ValidationError`` and writes
nothing.
"""

from __future__ import annotations

from django.db import transaction

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.toolkit import save_and_audit
from members.models import Guardian, MemberContact, Provider


@transaction.atomic
def guardian_save(*, guardian: Guardian, actor=None) -> Guardian:
    """Add or change a parent, guardian or authorized representative."""
    return save_and_audit(guardian, actor=actor, member=guardian.member_id)


@transaction.atomic
def member_contact_save(*, contact: MemberContact, actor=None) -> MemberContact:
    """Link a directory entry to the member's care team with its role for this member.
    (Validation includes the member/provider/role uniqueness constraint.)"""
    return save_and_audit(contact, actor=actor, member=contact.member_id)


@transaction.atomic
def member_contact_remove(*, contact: MemberContact, actor=None) -> None:
    """Take a directory entry off the member's care team (the history keeps the link)."""
    audit_change(action=Action.DELETE, obj=contact, member=contact.member_id, actor=actor)
    contact.delete()


@transaction.atomic
def provider_save(*, provider: Provider, actor=None) -> Provider:
    """Add or change a provider or agency in the shared directory."""
    return save_and_audit(provider, actor=actor)
