"""How the deadline engine hears from the floors below it (``cares.base.events``).

Connected in ``DeadlinesConfig.ready``. Events keep the stored deadlines in step with the
facts, inside the sender's transaction; questions answer member-level pages with what the rule
book says, so a page and the compliance report never disagree.
"""

from __future__ import annotations

from django.db import transaction

from cares.base import events
from cares.deadlines.referrals import consult_deadline, referral_deadlines
from cares.deadlines.selectors import member_deadline_rows
from cares.deadlines.services import refresh_member_deadlines, refresh_staff_deadlines
from cares.deadlines.tasks import refresh_deadlines_task


def on_member_facts_changed(sender, *, member_id: int, **kwargs) -> None:
    refresh_member_deadlines(member_id)


def on_staff_facts_changed(sender, *, staff_id: int, **kwargs) -> None:
    refresh_staff_deadlines(staff_id)


def on_program_lengths_changed(sender, **kwargs) -> None:
    """Every stored deadline that uses a program length is recomputed by a worker once the
    change commits (the nightly sweep would catch it too)."""
    transaction.on_commit(refresh_deadlines_task.delay)


def answer_member_deadlines(sender, *, member, **kwargs):
    return member_deadline_rows(member)


def answer_referral_deadlines(sender, *, referral, on, **kwargs):
    return referral_deadlines(referral, on)


def answer_consult_deadline(sender, *, consult, on, **kwargs):
    return consult_deadline(consult, on)


RECEIVERS = [
    (events.member_facts_changed, on_member_facts_changed),
    (events.staff_facts_changed, on_staff_facts_changed),
    (events.program_lengths_changed, on_program_lengths_changed),
    (events.member_deadlines, answer_member_deadlines),
    (events.referral_deadlines, answer_referral_deadlines),
    (events.consult_deadline, answer_consult_deadline),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"cares.deadlines.{receiver.__name__}")
