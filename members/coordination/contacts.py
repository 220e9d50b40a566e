"""Reads about regular contact (PS VI.B.1.a) for the member page: the family's chosen mode,
the last contact that counts as regular contact, and when the next one is due.

The due date is what the rule book says (``member_contact``, deadlines.md reading 13), read
from the member's stored deadlines asked through ``cares.base.events`` (``member_deadlines``),
so the member page and the compliance report never disagree; nothing is imported from the
deadline engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from cares.base import events
from members.coordination.models import QUALIFYING_MODES, Contact
from members.coordination.selectors import Deadline

RULE = "member_contact"
PENDING = ("open", "overdue")


@dataclass(frozen=True)
class ContactSummary:
    preference: str  # the family's chosen mode, in words
    chosen: bool  # whether the family has chosen one
    last: Contact | None  # the last contact that counts as regular contact
    next_due: Deadline | None  # the open or overdue member_contact deadline, if any
    overdue: bool


def qualifying(contacts: Iterable[Contact]) -> list[Contact]:
    """The contacts that count as regular contact (``Contact.qualifies``)."""
    return [c for c in contacts if c.qualifies]


def last_qualifying_contact(member) -> Contact | None:
    """The member's latest regular contact (one query)."""
    return (member.contact_records.filter(contact_mode__in=QUALIFYING_MODES)
            .filter(Q(with_member=True) | Q(with_guardian=True))
            .select_related("staff__user").order_by("-contact_at", "-pk").first())


def contact_summary(member, today: date, *, contacts: Iterable[Contact] | None = None,
                    deadlines: Iterable[Deadline] | None = None) -> ContactSummary:
    """What the member page shows about regular contact on ``today``. Pass the member's
    contacts and deadlines when the page has loaded them already (no query then); otherwise
    one query each."""
    if contacts is None:
        last = last_qualifying_contact(member)
    else:
        last = max(qualifying(contacts), key=lambda c: (c.contact_at, c.pk), default=None)
    if deadlines is None:
        deadlines = events.ask(events.member_deadlines, member=member)
    pending = [d for d in deadlines if d.rule == RULE and d.status in PENDING]
    next_due = min(pending, key=lambda d: d.due, default=None)
    return ContactSummary(
        preference=(member.get_contact_preference_display() if member.contact_preference
                    else _("not chosen yet")),
        chosen=bool(member.contact_preference), last=last, next_due=next_due,
        overdue=next_due is not None and (next_due.status == "overdue" or next_due.due < today))
