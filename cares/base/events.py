"""The one mechanism by which a lower floor tells (or asks) an upper one (issue 14).

The floors import downward only (``pyproject.toml``, ``[tool.importlinter]``). When a
service in ``members``, ``careplans`` or the base must have the deadline engine or ``notices``
act, it sends one of the signals below; the upper floor connects its receivers in its
``AppConfig.ready`` (``cares.deadlines.apps``, ``notices.apps``, ``careplans.apps``).
``tests/test_events.py`` checks that every signal here has its receivers connected.

Events are sent inside the sender's transaction, so what they cause commits or rolls back
with it (the deadline rows stay in step with the facts); a receiver that must act only after
the commit (queueing a worker) uses ``transaction.on_commit`` itself.

Questions are signals with exactly one receiver whose answer the sender uses: a member-level
page that shows what the rule book says (the follow-up due on a referral) asks through
``ask`` rather than importing the engine.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

# --- Events: "this changed" -------------------------------------------------------------------

# The facts the rule book reads about one member changed (an episode, an assessment, an ICP,
# a referral, a letter, ...). Keyword: ``member_id``. The deadline engine refreshes that
# member's stored deadlines.
member_facts_changed = Signal()

# A staff member's hire date, roles or trainings changed. Keyword: ``staff_id``. The deadline
# engine refreshes that staff member's training deadlines.
staff_facts_changed = Signal()

# An episode now owes a letter (PS VIII enrollment, PS IX.C termination). Keywords:
# ``episode_id``, ``kind`` ("enrollment" or "termination"). ``notices`` drafts it in a worker
# once the transaction commits (the nightly sweep drafts any that were missed).
letter_owed = Signal()

# The program director changed one of the program's own lengths (staff.Program: transition
# plan, contact interval, discharge follow-up, ICP update window). No keywords. The deadline
# engine queues a full recomputation once the change commits.
program_lengths_changed = Signal()

EVENTS = {"member_facts_changed": member_facts_changed,
          "staff_facts_changed": staff_facts_changed, "letter_owed": letter_owed,
          "program_lengths_changed": program_lengths_changed}


# --- Questions: "what does the rule book say about this?" --------------------------------------

# Keyword: ``member``. Answer: the member's stored deadlines as the member page shows them.
member_deadlines = Signal()

# Keywords: ``referral``, ``on``. Answer: the referral's follow-up, closure-notice and
# inquiry-response deadlines on that day (CLR; PS VI.D.2.b).
referral_deadlines = Signal()

# Keywords: ``consult``, ``on``. Answer: the consultation's response deadline (PS IV.A.2).
consult_deadline = Signal()

# Keyword: ``member_id``. Answer: the aftercare/transition plan's starting values (PS IX.B,
# issue 16 item 7) that ``careplans`` knows, as {field: {"value": text, "source": where it
# came from}}: medications, allergies and DME from the ICP in force (or the latest completed
# assessment), services in place from its care team (or the member's providers).
aftercare_starting_values = Signal()

# Keyword: ``staff_id``. Answer: the ongoing medical training sessions (PS IV.B.2.b.6) the staff
# member attended, newest first, as (held_on, topic) pairs; ``members.coverage`` keeps them.
staff_medical_trainings = Signal()

QUESTIONS = {"member_deadlines": member_deadlines, "referral_deadlines": referral_deadlines,
             "consult_deadline": consult_deadline,
             "aftercare_starting_values": aftercare_starting_values,
             "staff_medical_trainings": staff_medical_trainings}


_muted: ContextVar[frozenset] = ContextVar("cares_events_muted", default=frozenset())


def tell(event: Signal, **kwargs) -> None:
    """Send ``event`` to its receivers (an error in one propagates: the sender's transaction
    rolls back rather than leaving stored deadlines out of step)."""
    if event in _muted.get():
        return
    event.send(sender=None, **kwargs)


@contextmanager
def muted(*muted_events: Signal):
    """Within the block, ``tell`` of these events reaches no receiver. Only for a caller that
    then does, once, what the receivers would each have done: the caseload import recomputes
    the deadlines of every staff member it saved at its end, not once per staff record."""
    token = _muted.set(_muted.get() | frozenset(muted_events))
    try:
        yield
    finally:
        _muted.reset(token)


def ask(question: Signal, **kwargs):
    """The answer of the one receiver of ``question``."""
    answers = question.send(sender=None, **kwargs)
    if len(answers) != 1:
        raise ImproperlyConfigured(
            f"{len(answers)} receivers answer {_name(question)}; exactly one must")
    return answers[0][1]


def _name(signal: Signal) -> str:
    return next((n for n, s in (EVENTS | QUESTIONS).items() if s is signal), repr(signal))
