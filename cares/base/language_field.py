"""The one language widget: a language picked from the program's list by its name, stored as
its IETF tag (members, guardians, contacts' interpreter, ICP deliveries and translations)."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cares.base.languages import LANGUAGES, language_label, language_tag


class LanguageInput(forms.TextInput):
    """A language picked from the program's list by its name ("Spanish — Español"), with
    search as you type (an ``<input list>`` and its ``<datalist>``); a stored tag is shown by
    its name. ``LanguageField`` turns the name back into the tag."""

    def format_value(self, value):
        return language_label(value) if value else super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-languages"
        attrs.update({"list": list_id, "autocomplete": "off", "spellcheck": "false"})
        html = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}"></option>',
                                   ((language_label(tag),) for tag, _name in LANGUAGES))
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)


class LanguageField(forms.CharField):
    """A language, entered by its name from the list or by its IETF tag; cleans to the tag
    (``es``, ``pt-BR``). A name not on the list (a typo) is refused."""

    widget = LanguageInput

    def __init__(self, *, max_length=35, **kwargs):
        kwargs["help_text"] = _("Type a few letters of its name and pick it from the list.")
        super().__init__(max_length=max_length, **kwargs)

    def widget_attrs(self, widget):
        # The names are longer than the tags they stand for.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        text = super().to_python(value)
        tag = language_tag(text)
        if tag is None:
            raise forms.ValidationError(
                _("“%(value)s” is not a language on the list, and is not a language tag such "
                  "as en, es or pt-BR. Pick the language from the list."),
                code="language", params={"value": text})
        return tag
