"""Contacts with the member, their family or their providers (PS VI.B.1.a)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.staff.models import User
from cares.base.toolkit import not_future, save_and_audit
from members.coordination.models import Contact
from members.coordination.services.checks import required, text
from members.models import Member


@transaction.atomic
def contact_record(*, member: Member, contact_at: datetime, contact_mode: str,
                        participants: str,
                        summary: str, actor: User | None = None) -> Contact:
    problems: list[str] = []
    not_future(contact_at, _("The contact time"), problems)
    required(participants, _("who took part"), problems)
    required(summary, _("what happened"), problems)
    note = Contact(member=member, contact_at=contact_at, contact_mode=contact_mode,
                       participants=text(participants), summary=text(summary),
                       recorded_by=actor)
    return save_and_audit(note, member=member.pk, actor=actor, problems=problems)
