"""Calls to the 24/7 on-call line and how they were triaged (PS VI.B.1.b)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.staff.models import StaffProfile, User
from cares.base.toolkit import FieldProblem, not_future, save_and_audit
from members.coordination.models import OnCallCall
from members.coordination.services.checks import required, text
from members.models import Member


@transaction.atomic
def on_call_record(*, member: Member, called_at: datetime, caller: str, call_category: str,
                   summary: str, triage_decision: str, triage_notes: str = "",
                   follow_up: str = "", handled_by: StaffProfile | None = None,
                   answered_live: bool = False, first_callback_at: datetime | None = None,
                   actor: User | None = None) -> OnCallCall:
    """A call to the 24/7 on-call line, how it was triaged and how fast the caller was reached
    (PS VI.B.1.b): answered live, or the time of the first call back."""
    problems: list[str] = []
    not_future(called_at, _("The call time"), problems)
    problems += callback_problems(called_at, answered_live, first_callback_at)
    required(caller, _("who called"), problems)
    required(summary, _("what the caller needed"), problems)
    if triage_decision == "other" and not text(triage_notes):
        problems.append(_("Explain the 'other' triage decision in the triage notes."))
    call = OnCallCall(member=member, called_at=called_at, caller=text(caller),
                      call_category=call_category, summary=text(summary),
                      triage_decision=triage_decision, triage_notes=text(triage_notes),
                      follow_up=text(follow_up), handled_by=handled_by, recorded_by=actor,
                      answered_live=answered_live,
                      first_callback_at=None if answered_live else first_callback_at)
    return save_and_audit(call, member=member.pk, actor=actor, problems=problems)


def callback_problems(called_at: datetime | None, answered_live: bool,
                      first_callback_at: datetime | None) -> list[str]:
    """The first call back: required unless the call was answered live; not before the call
    and not in the future."""
    problems: list[str] = []
    if answered_live:
        return problems
    if first_callback_at is None:
        problems.append(FieldProblem(_(
            "Enter when the caller was first called back, or tick \"answered live\"."),
            "first_callback_at"))
        return problems
    not_future(first_callback_at, _("The first call back"), problems, "first_callback_at")
    if called_at is not None and first_callback_at < called_at:
        problems.append(FieldProblem(_("The first call back cannot be before the call."),
                                     "first_callback_at"))
    return problems
