"""Calls to the 24/7 on-call line and how they were triaged (PS VI.B.1.b)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.staff.models import StaffProfile, User
from cares.base.toolkit import not_future, save_and_audit
from members.coordination.models import OnCallCall
from members.coordination.services.checks import required, text
from members.models import Member


@transaction.atomic
def on_call_record(*, member: Member, called_at: datetime, caller: str, call_category: str,
                   summary: str, triage_decision: str, triage_notes: str = "",
                   follow_up: str = "", handled_by: StaffProfile | None = None,
                   actor: User | None = None) -> OnCallCall:
    """A call to the 24/7 on-call line and how it was triaged (PS VI.B.1.b)."""
    problems: list[str] = []
    not_future(called_at, _("The call time"), problems)
    required(caller, _("who called"), problems)
    required(summary, _("what the caller needed"), problems)
    if triage_decision == "other" and not text(triage_notes):
        problems.append(_("Explain the 'other' triage decision in the triage notes."))
    call = OnCallCall(member=member, called_at=called_at, caller=text(caller),
                      call_category=call_category, summary=text(summary),
                      triage_decision=triage_decision, triage_notes=text(triage_notes),
                      follow_up=text(follow_up), handled_by=handled_by, recorded_by=actor)
    return save_and_audit(call, member=member.pk, actor=actor, problems=problems)
