"""``get_FOO_display`` (``cares.base.choices``): the same label as Django's own, for every
field with choices of every model, translated only once per call."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from cares.base.choices import fast_display
from members.models import Episode


def _fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.fields:
            if field.choices is not None:
                yield model, field


def test_every_generated_display_method_is_replaced():
    generated = [(m, f) for m, f in _fields_with_choices()
                 if isinstance(m.__dict__.get(f"get_{f.name}_display"), partialmethod)]
    assert generated
    for model, field in generated:
        assert model.__dict__[f"get_{field.name}_display"].func is fast_display, (model, field)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_labels_are_djangos(language):
    with translation.override(language):
        for model, field in _fields_with_choices():
            for value in [c for c, _label in field.flatchoices] + ["no-such-value", None]:
                instance = model.__new__(model)
                instance.__dict__[field.attname] = value
                assert fast_display(instance, field) == \
                    Model._get_FIELD_display(instance, field), (model, field, value)


def test_a_status_label():
    episode = Episode(status="enrolled")
    assert episode.get_status_display() == "Enrolled"
