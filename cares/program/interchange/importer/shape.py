"""The file's shape: JSON Schema (``schemas/caseload.schema.json``) errors in plain words, and
what the schema cannot say safely (numbers that are not finite, nesting far too deep)."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from functools import cache
from pathlib import Path

import jsonschema_rs
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from jsonschema import Draft202012Validator, FormatChecker

from cares.base.languages import validate_language_tag
from cares.program.interchange.importer.errors import json_path

SCHEMA_PATH = Path(__file__).parents[1] / "schemas" / "caseload.schema.json"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_DEPTH = 12  # the format nests six levels; anything far deeper is not a caseload

format_checker = FormatChecker(formats=())


@format_checker.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    if not _ISO_DATE.match(value):
        raise ValueError("not a date")
    date.fromisoformat(value)
    return True


@format_checker.checks("email")
def _is_email(value) -> bool:
    """An address Django's EmailField accepts too, so the model never refuses it later."""
    if not isinstance(value, str):
        return True
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@format_checker.checks("language-tag")
def _is_language(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        validate_language_tag(value)
    except Exception:
        return False
    return True


FORMAT_WORDS = {"date": "not a date", "email": "not an e-mail address",
                "language-tag": "not a language tag (e.g. en, es, pt-BR, zh-Hant)"}


def _words(error, path: list) -> str:
    """The plain words for one JSON Schema error (after ``_message``'s special cases)."""
    if error.validator == "format":
        return FORMAT_WORDS.get(error.validator_value, f"not a valid {error.validator_value}")
    if error.validator == "enum":
        return "must be one of " + ", ".join(map(str, error.validator_value))
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        if "date" in str(error.schema.get("format", "")):
            return "not a date"
        return f"must be {expected}"
    if error.validator == "pattern" and path and path[-1] == "masshealth_id":
        return "not a MassHealth ID (12 digits)"
    if error.validator in ("minimum", "maximum"):
        return f"out of range ({error.message})"
    if error.validator == "minLength":
        if error.validator_value == 1:
            return "empty"
        return f"too short (at least {error.validator_value} characters)"
    if error.validator == "maxLength":
        return f"too long (at most {error.validator_value} characters)"
    return error.message


def _message(error) -> tuple[str, str]:
    """(path, message) in plain words for one JSON Schema error."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties") or ())
        unknown = sorted(k for k in error.instance if k not in known) \
            if isinstance(error.instance, dict) else []
        return json_path([*path, unknown[0] if unknown else "?"]), \
            "unknown key (not in the caseload format; check its spelling)"
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return json_path([*path, missing.group(1) if missing else "?"]), "missing"
    return json_path(path), _words(error, path)


def shape_errors(data) -> list[str]:
    """What the JSON Schema cannot say safely: numbers that are not finite (``NaN``,
    ``Infinity``: Python's JSON reader accepts them) and nesting far deeper than the format
    (walked without recursion, so a hostile file cannot exhaust the stack)."""
    found: list[str] = []
    stack: list[tuple[object, tuple, int]] = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            found.append(f"{json_path(path)}: not a number")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                found.append(f"{json_path(path)}: nested too deeply (not the caseload format)")
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((v, (*path, k), depth + 1) for k, v in items)
    return sorted(set(found))


def _inlined(node, defs: dict):
    """``node`` with each plain ``{"$ref": "#/$defs/NAME"}`` replaced by that definition: the
    same schema, without a reference lookup for every value of a large file."""
    if isinstance(node, list):
        return [_inlined(value, defs) for value in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/") \
            and ref.removeprefix("#/$defs/") in defs:
        return _inlined(defs[ref.removeprefix("#/$defs/")], defs)
    return {key: value if key == "$defs" else _inlined(value, defs)
            for key, value in node.items()}


@cache
def _inlined_schema() -> dict:
    schema = json.loads(SCHEMA_PATH.read_text())
    return _inlined(schema, schema.get("$defs") or {})


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_inlined_schema(), format_checker=format_checker)


def _passes(check, value) -> bool:
    try:
        return bool(check(value))
    except ValueError:
        return False


@cache
def _valid():
    """The quick yes (issue 20): jsonschema-rs, a compiled Draft 2020-12 validator, with the
    same format checks; only a yes is taken from it (when it says no, jsonschema gives every
    error in its own words, as before)."""
    return jsonschema_rs.Draft202012Validator(
        _inlined_schema(), validate_formats=True,
        formats={name: (lambda value, check=check: _passes(check, value))
                 for name, check in (("date", _is_date), ("email", _is_email),
                                     ("language-tag", _is_language))}).is_valid


def schema_errors(data) -> list[str]:
    if _valid()(data):
        return []
    validator = _validator()
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str,
                                                                             e.absolute_path))):
        path, message = _message(error)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties") or ())
            at = list(error.absolute_path)
            found.extend(f"{json_path([*at, k])}: {message}"
                         for k in sorted(error.instance) if k not in known)
            continue
        found.append(f"{path}: {message}")
    return list(dict.fromkeys(found))
