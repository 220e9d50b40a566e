"""The one mechanism by which lower floors tell upper ones (cares.base.events): every event
and every question has its receivers connected once the apps are ready, and a question has
exactly one answer."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

from cares.base import events


@pytest.mark.parametrize("name", sorted(events.EVENTS))
def test_every_event_has_a_receiver(name):
    assert events.EVENTS[name].has_listeners(), f"nothing is connected to {name}"


@pytest.mark.parametrize("name", sorted(events.QUESTIONS))
def test_every_question_has_exactly_one_answer(name):
    question = events.QUESTIONS[name]
    assert len(question.receivers) == 1, name


def test_a_question_nobody_answers_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="0 receivers"):
        events.ask(Signal())


def test_a_muted_event_reaches_no_receiver_until_the_block_ends():
    """``events.muted``: for a caller that does the receivers' work once itself (the import
    recomputes every staff member it saved at its end)."""
    heard = []
    event, other = Signal(), Signal()

    def hear(sender, **kwargs):
        heard.append(kwargs["n"])

    event.connect(hear, weak=False)
    other.connect(hear, weak=False)
    with events.muted(event):
        events.tell(event, n=1)
        events.tell(other, n=2)  # only the named events are muted
        with events.muted(other):
            events.tell(event, n=3)
            events.tell(other, n=4)
        events.tell(other, n=5)
    events.tell(event, n=6)
    assert heard == [2, 5, 6]
