"""``get_FOO_display()`` without translating every label of the field on each call.

Django's ``Model._get_FIELD_display`` builds ``dict(make_hashable(field.flatchoices))``, which
hashes each (value, label) pair and so translates each lazy label: a page that shows a status
on 100 rows translated every status label 100 times (issue 20: a fifth of the member page).
``fast_display`` gives the same answer from a dict keyed by the values only, translating the
one label shown. ``install_fast_display`` puts it in place of the methods Django generated
(never of one a model defines itself), once every model is loaded."""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _labels(field) -> dict:
    """The field's labels by value, built once per field (the labels stay lazy: each is
    translated when shown, in the language of the moment)."""
    labels = field.__dict__.get("_cares_labels")
    if labels is None:
        labels = field._cares_labels = {make_hashable(choice): label
                                        for choice, label in field.flatchoices}
    return labels


def fast_display(self, field):
    value = getattr(self, field.attname)
    labels = _labels(field)
    # force_str() to coerce lazy strings, as Django does
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def install_fast_display() -> int:
    """Replace each generated ``get_FOO_display``; the number replaced."""
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and \
                    method.func is Model._get_FIELD_display:
                setattr(model, name, partialmethod(fast_display, field=field))
                replaced += 1
    return replaced
