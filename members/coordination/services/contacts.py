"""Contacts with the member, their family, their providers, school or agencies (PS VI.B.1.a).

A contact is a first-class record: when, how, with whom, by which staff member, for how long,
with which interpreter, and what happened. Contacts with the member or parent/guardian in
person or by telehealth are the regular contact of PS VI.B.1.a (deadlines.md, reading 13), so
recording one makes the member's stored deadlines refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.access import staff_profile
from cares.base.languages import validate_language_tag
from cares.base.staff.models import StaffProfile, User
from cares.base.toolkit import FieldProblem, not_future, save_and_audit
from members.coordination.models import CONTACT_PARTIES, Contact, ContactMode
from members.coordination.services.checks import text
from members.models import Member
from members.services import facts_changed

PARTY_FIELDS = tuple(name for name, _label in CONTACT_PARTIES)
MAX_DURATION_MINUTES = 24 * 60


def _party_problems(parties: set[str]) -> list[str]:
    if not parties:
        return [FieldProblem(_("Record with whom the contact was (at least one)."), "parties")]
    unknown = sorted(parties - set(PARTY_FIELDS))
    if unknown:
        return [FieldProblem(_("Unknown party: %(names)s.") % {"names": ", ".join(unknown)},
                             "parties")]
    return []


def _duration_problems(minutes: int | None) -> list[str]:
    if minutes is not None and not 1 <= minutes <= MAX_DURATION_MINUTES:
        return [FieldProblem(_("The duration is between 1 and %(max)s minutes (one day).")
                             % {"max": MAX_DURATION_MINUTES}, "duration_minutes")]
    return []


def _interpreter_problems(used: bool, language: str) -> list[str]:
    if not used:
        if language:
            return [FieldProblem(_("An interpreted language is recorded only when an "
                                   "interpreter was used."), "interpreter_language")]
        return []
    if not language:
        return [FieldProblem(_("Record the language the interpreter interpreted."),
                             "interpreter_language")]
    try:
        validate_language_tag(language)
    except ValidationError as exc:
        return [FieldProblem(message, "interpreter_language") for message in exc.messages]
    return []


@transaction.atomic
def contact_record(*, member: Member, contact_at: datetime, contact_mode: str,
                   parties: Iterable[str], summary: str, staff: StaffProfile | None = None,
                   duration_minutes: int | None = None, interpreter_used: bool = False,
                   interpreter_language: str = "", participants: str = "",
                   actor: User | None = None) -> Contact:
    """Record a contact (PS VI.B.1.a). ``parties`` are names of ``CONTACT_PARTIES``;
    ``staff`` defaults to the actor's staff profile. Refused, writing nothing, when it lies in
    the future, its mode or a party is unknown, no party is given, the duration is not 1 to
    1440 minutes, an interpreter was used without a valid language, or nothing says what
    happened."""
    chosen = set(parties or ())
    language = text(interpreter_language)
    problems: list[str] = []
    not_future(contact_at, _("The contact time"), problems, field="contact_at")
    if contact_mode not in ContactMode.values:
        problems.append(FieldProblem(_("Choose how the contact was made."), "contact_mode"))
    problems += _party_problems(chosen)
    problems += _duration_problems(duration_minutes)
    problems += _interpreter_problems(bool(interpreter_used), language)
    if not text(summary):
        problems.append(FieldProblem(_("Record what happened."), "summary"))
    if staff is None and actor is not None:
        staff = staff_profile(actor)
    contact = Contact(
        member=member, contact_at=contact_at, contact_mode=contact_mode,
        **{name: name in chosen for name in PARTY_FIELDS}, participants=text(participants),
        staff=staff, duration_minutes=duration_minutes,
        interpreter_used=bool(interpreter_used), interpreter_language=language,
        summary=text(summary), recorded_by=actor)
    save_and_audit(contact, member=member.pk, actor=actor, problems=problems)
    facts_changed(member.pk)
    return contact
