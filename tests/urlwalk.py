"""Walking the URL resolver, so that access tests cover every view, including views added
after the tests were written.

``walk`` yields each URL pattern as a string (``members/<int:pk>/edit/``); ``routes`` yields
the same patterns with their namespaced names and parameter names; ``concrete`` and
``fill`` turn a pattern into a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001",
          "path": "x"}

ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def walk(resolver: URLResolver | None = None, prefix: str = ""):
    """Every URL pattern, as the string it was declared with (prefixes included)."""
    for route in routes(resolver, prefix):
        yield route.pattern


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "members/<int:pk>/guardians/<int:guardian_id>/edit/"
    name: str  # namespaced, e.g. "members:guardian_edit"; "" for an unnamed pattern
    params: tuple[str, ...]  # parameter names, in order

    @property
    def key(self) -> str:
        """How tables refer to the pattern: its name, or the pattern for an unnamed one."""
        return self.name or self.pattern

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    def __str__(self) -> str:
        return self.key


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """Every URL pattern with its namespaced name and its parameter names."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry, pattern, inner)
        elif isinstance(entry, URLPattern):
            params = tuple(m.group(2) for m in ROUTE_PARAM.finditer(pattern)) or tuple(
                REGEX_PARAM.findall(pattern))
            yield Route(pattern, f"{namespace}{entry.name}" if entry.name else "", params)


def concrete(pattern: str) -> str:
    """A URL that matches ``pattern``, with sample values for its parameters."""
    if pattern.startswith("^") or "(?P" in pattern or "\\" in pattern:
        pattern = REGEX_PARAM.sub("1", pattern)
        pattern = pattern.replace("^", "").replace("$", "").replace("\\", "")
        pattern = re.sub(r"\(\?:[^)]*\)\??", "", pattern)
    pattern = ROUTE_PARAM.sub(lambda m: SAMPLE[m.group(1) or "str"], pattern)
    return "/" + pattern.replace("//", "/")


def fill(route: Route, values: dict[str, object]) -> str:
    """The URL of ``route`` with each parameter taken from ``values`` (objects give their
    primary key). A parameter missing from ``values`` is a KeyError: say what it is."""

    def value(name: str) -> str:
        given = values[name]
        return str(getattr(given, "pk", given))

    if route.pattern.startswith("^") or "(?P" in route.pattern:
        url = REGEX_PARAM.sub(lambda m: value(m.group(1)), route.pattern)
        url = url.replace("^", "").replace("$", "").replace("\\", "")
        url = re.sub(r"\(\?:[^)]*\)\??", "", url)
    else:
        url = ROUTE_PARAM.sub(lambda m: value(m.group(2)), route.pattern)
    return "/" + url.replace("//", "/")
