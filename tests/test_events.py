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
