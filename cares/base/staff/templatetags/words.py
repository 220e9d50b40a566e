"""Template filters that put codes into words for people (``{% load words %}``). In the staff
app only because it is the base floor's app with templates; nothing here is about staff."""

from __future__ import annotations

from django import template

from cares.base.languages import language_label

register = template.Library()


@register.filter
def language(tag: str) -> str:
    """A language tag in words, "Spanish — Español" ("" for none; an unlisted tag as is)."""
    return language_label(tag) if tag else ""
