"""The letter window, defined once (PS VIII, IX.C).

The deadline engine's rule book (``cares.deadlines.rules``) reads it from here for the
``enrollment_letter`` and ``termination_letter`` deadlines; ``draft_missing_letters`` reads it
to know which terminated episodes still owe their enrollment letter.
"""

from __future__ import annotations

from datetime import timedelta

# PS VIII: the enrollment letter within 30 days of the enrollment effective date; PS IX.C: the
# termination letter within 30 days of the termination date.
LETTER_DAYS = timedelta(days=30)
