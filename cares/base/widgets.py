"""Widgets for choosing among hundreds: ``PickList`` (several) and ``QuickSelect`` (one).

A program of 20,000 members has some 600 active staff. As Django's ``CheckboxSelectMultiple``
rendered through crispy's template for each option, the care team on the enrollment form was
600 unsorted checkboxes, 176 KB and 150-250 ms. ``PickList`` renders the same checkboxes in
one pass in Python, grouped (staff by role), the ticked ones first, in a box that scrolls, with
a filter box that ``static/js/cares.js`` shows and works (without script every checkbox is
there; the form posts the same values either way). ``QuickSelect`` is Django's ``Select``
written in one pass rather than a template per option (the 450 care coordinators and senior
care managers offered as primary contact).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


class PickList(forms.SelectMultiple):
    """Checkboxes for a ``ModelMultipleChoiceField``: ``group_of(instance)`` gives each choice
    its group as (order, heading); the choices already ticked come first, under "Chosen"."""

    input_type = "checkbox"

    def __init__(self, attrs=None, *, group_of: Callable[[object], tuple] | None = None):
        super().__init__(attrs)
        self.group_of = group_of

    def use_required_attribute(self, initial) -> bool:
        return False  # a box need not be ticked; the field says whether one is needed

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # nothing ticked posts nothing: that is a choice, not an omission

    def id_for_label(self, id_, index=None) -> str:
        return ""  # the label names the group; each box has its own label

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        box_id = attrs.get("id") or f"id_{name}"
        ticked = {str(v) for v in (value or ())}
        chosen, groups = [], []
        for choice_value, label in self.choices:
            if choice_value == "":
                continue
            key = str(choice_value)
            instance = getattr(choice_value, "instance", None)
            group = self.group_of(instance) if self.group_of and instance is not None \
                else (0, "")
            box = (f'<div class="form-check" data-filter-item><input class="form-check-input" '
                   f'type="checkbox" name="{escape(name)}" value="{escape(key)}" '
                   f'id="{escape(box_id)}_{escape(key)}"{" checked" if key in ticked else ""}>'
                   f'<label class="form-check-label" for="{escape(box_id)}_{escape(key)}">'
                   f'{escape(label)}</label></div>')
            (chosen if key in ticked else groups).append((group, box))
        parts = []
        if chosen:
            parts.append(self._group(_("Chosen"), [box for _g, box in chosen]))
        groups.sort(key=lambda item: item[0])  # stable: the queryset's order within a group
        for (_order, heading), items in groupby(groups, key=lambda item: item[0]):
            parts.append(self._group(heading, [box for _g, box in items]))
        # crispy gives a Select "form-select" (a drop-down's look): only the error mark stays.
        invalid = " is-invalid" if "is-invalid" in attrs.get("class", "").split() else ""
        described = attrs.get("aria-describedby")
        return format_html(
            '<div class="pick-list{}" id="{}" role="group" data-filter-list{}>'
            '<input type="search" class="form-control form-control-sm mb-1 no-print" '
            'id="{}_filter" aria-label="{}" placeholder="{}" aria-controls="{}_options" '
            'data-filter-box hidden>'
            '<p class="small text-secondary mb-1" aria-live="polite" data-filter-count '
            'data-shown="{}"></p>'
            '<div class="pick-list-options border rounded px-2 py-1" id="{}_options">{}</div>'
            '</div>',
            invalid, box_id,
            format_html(' aria-describedby="{}"', described) if described else "",
            box_id, _("Filter by name or role"), _("Type a name or a role"), box_id,
            # "%(shown)s of %(total)s shown": the script fills in the numbers as one types.
            _("%(shown)s of %(total)s shown"), box_id,
            mark_safe("".join(parts)))  # noqa: S308 (names and values escaped above)

    @staticmethod
    def _group(heading: str, boxes: list[str]) -> str:
        legend = format_html('<legend class="small fw-semibold text-secondary mb-1">{}</legend>',
                             heading) if heading else ""
        return f'<fieldset class="mb-2" data-filter-group>{legend}{"".join(boxes)}</fieldset>'


class QuickSelect(forms.Select):
    """``forms.Select`` with the same markup, its options written in one pass."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if key in chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in ((str(v), label) for v, label in self.choices))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs),
                           mark_safe(options))  # noqa: S308 (values and labels escaped)
