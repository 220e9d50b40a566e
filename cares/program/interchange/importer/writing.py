"""Writing the file's records: each one set, validated by its model and written only when
something differs (so a second import of the same file changes nothing), every refusal named
by the JSON path its value came from. The members' records are gathered for the bulk writes
(``bulk.Writes``) rather than saved one at a time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from cares.program.interchange.importer.errors import CaseloadImportError


@dataclass
class Counts:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        return [f"{k}: {self.created[k]} created, {self.updated[k]} updated, "
                f"{self.deleted[k]} deleted" for k in kinds] or ["nothing changed"]

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or any(
            self.deleted.values())


# Where a model field's value came from in the file: model field -> JSON key relative to the
# record's path ("" is the record's path itself). Fields not named here are reported with the
# record's path and the model field's name.
PROGRAM_FIELDS = {"name": "name", "phone": "phone", "address": "address"}
USER_FIELDS = {"email": "email", "first_name": "first_name", "last_name": "last_name"}
PROFILE_FIELDS = {name: name for name in (
    "key", "education", "human_services_degree", "clinical_experience_years",
    "target_population_years", "relevant_experience_years", "admin_experience_years",
    "caregiver_of_special_needs_youth", "certified_chw", "hire_date")}
STAFF_FIELDS = USER_FIELDS | PROFILE_FIELDS
CREDENTIAL_FIELDS = {"type": "type", "license_number": "license_number", "state": "state",
                     "expires": "expires"}
ROLE_FIELDS = {"role": ""}
TRAINING_FIELDS = {"topic": "topic", "completed": "completed"}
MEMBER_FIELDS = {"key": "key", "legal_first_name": "first_name",
                 "legal_last_name": "last_name", "date_of_birth": "date_of_birth",
                 "masshealth_id": "masshealth_id", "primary_language": "primary_language",
                 "preferred_written_language": "primary_language"}
EPISODE_FIELDS = {"referral_date": "referral_date", "effective_date": "enrollment.effective_date",
                  "primary_contact": "primary_contact", "termination_date": "termination.date",
                  "closed_on": "closed_before_enrollment.date",
                  "closure_reason": "closed_before_enrollment.reason"}
GUARDIAN_FIELDS = {name: name for name in ("name", "relationship", "phone", "email", "address")}
LETTER_FIELDS = {"sent_on": "letter_sent"}
ASSESSMENT_FIELDS = {"kind": "kind", "completed_on": "completed",
                     "icp_update_needed": "icp_update_needed"}
CARE_PLAN_FIELDS = {"finalized_on": "finalized"}
DELIVERY_FIELDS = {"language": "language", "medium": "medium", "delivered_on": "date"}
MONITORING_FIELDS = {"reviewed_on": "date", "icp_update_needed": "icp_update_needed"}
CONTACT_FIELDS = {"contact_at": "date", "contact_mode": "mode"}
STAY_FIELDS = {"key": "key", "setting": "setting", "admitted_on": "admitted",
               "discharged_on": "discharged", "follow_up_on": "follow_up"}
REFERRAL_FIELDS = {"key": "key", "service": "service", "referred_on": "referred",
                   "scheduled_on": "scheduled", "exception_reason": "exception_reason"}
DATE_FIELD = {"followed_up_on": "", "recorded_on": ""}
REMOVAL_FIELDS = {"initiated_on": "date", "planned_termination_date": "date",
                  "reason": "reason", "plan_completed_on": "aftercare_plan"}


def model_errors(exc: ValidationError, at: str, fields: dict) -> list[str]:
    """A model's (or a service's) ValidationError as ``path: message`` lines, one per
    message."""
    if not hasattr(exc, "error_dict"):
        return [f"{at}: {message}" for message in exc.messages]
    found = []
    for name, messages in exc.message_dict.items():
        for message in messages:
            if name == NON_FIELD_ERRORS:
                found.append(f"{at}: {message}")
            elif name in fields:
                path = f"{at}.{fields[name]}" if fields[name] else at
                found.append(f"{path}: {message}")
            else:
                found.append(f"{at}: {name}: {message}")
    return list(dict.fromkeys(found))


def problem_errors(problems: list[str], at: str, fields: dict) -> list[str]:
    """A service's refusal reasons as ``path: message`` lines: a reason about one input
    (``FieldProblem``) at the path of the file's key for it."""
    found = []
    for problem in problems:
        name = getattr(problem, "field", None)
        path = f"{at}.{fields[name]}" if name in fields and fields[name] else at
        found.append(f"{path}: {problem}")
    return found


def check(obj, at: str, fields: dict, exclude=()) -> list[str]:
    """Every model-level problem of ``obj`` (nothing is written)."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        return model_errors(exc, at, fields)
    return []


@cache
def relations(model) -> tuple[str, ...]:
    """The model's foreign keys: the import sets them itself (to rows it read or is about to
    write), so the per-row existence query of their validation is left out."""
    return tuple(f.name for f in model._meta.concrete_fields if f.is_relation)


# Django's own field classes, whose ``clean`` is a function of the value alone (their
# ``to_python``, ``validate`` and validators read nothing else), and the value types kept.
_PURE_FIELDS = frozenset((
    models.CharField, models.TextField, models.EmailField, models.IntegerField,
    models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField,
    models.BigIntegerField, models.BooleanField, models.DateField))
_PURE_VALUES = frozenset((str, int, bool, date, type(None)))
_cleaned: dict = {}  # (id(field), type, value) -> what field.clean gave for it
_CLEANED_MAX = 200_000
_MISSING = object()


@cache
def _cleanable(model) -> tuple:
    """The fields ``_row_clean`` cleans (``clean_fields`` without the foreign keys), each with
    its attribute name, name, ``blank`` and whether its ``clean`` is remembered."""
    exclude = set(relations(model))
    return tuple((f, f.attname, f.name, f.blank, type(f) in _PURE_FIELDS)
                 for f in model._meta.fields if f.name not in exclude and not f.generated)


def _clean_fields(obj) -> None:
    """``Model.clean_fields`` without the foreign keys; each field's ``clean`` of a plain
    value it cleaned before is taken from ``_cleaned``."""
    errors = {}
    for f, attname, name, blank, pure in _cleanable(type(obj)):
        raw = getattr(obj, attname)
        if blank and raw in f.empty_values:
            continue
        if isinstance(raw, models.expressions.DatabaseDefault):
            continue
        key = (id(f), type(raw), raw) if pure and type(raw) in _PURE_VALUES else None
        value = _cleaned.get(key, _MISSING) if key else _MISSING
        if value is _MISSING:
            try:
                value = f.clean(raw, obj)
            except ValidationError as e:
                errors[name] = e.error_list
                continue
            if key:
                if len(_cleaned) >= _CLEANED_MAX:
                    _cleaned.clear()
                _cleaned[key] = value
        setattr(obj, attname, value)
    if errors:
        raise ValidationError(errors)


def _row_clean(obj) -> None:
    """``obj.full_clean(exclude=relations, validate_unique=False,
    validate_constraints=False)``: ``Model.full_clean``'s own steps, unless the model has
    its own."""
    if type(obj).full_clean is not models.Model.full_clean or \
            type(obj).clean_fields is not models.Model.clean_fields:
        obj.full_clean(exclude=relations(type(obj)), validate_unique=False,
                       validate_constraints=False)
        return
    errors: dict = {}
    try:
        _clean_fields(obj)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        obj.clean()
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def check_row(obj, at: str, fields: dict) -> list[str]:
    """The model's own validation of one row without a query (``full_clean`` without the
    uniqueness and constraint checks, which the file-wide checks make for every record at
    once, and without its foreign keys)."""
    try:
        _row_clean(obj)
    except ValidationError as exc:
        return model_errors(exc, at, fields)
    return []


def differs(obj, values: dict) -> bool:
    return obj._state.adding or any(getattr(obj, k) != v for k, v in values.items())


@dataclass
class Work:
    """One import's running state: what it counted, the refusals found so far (each with its
    JSON path), the writes it gathered (``bulk.Writes``) and what was stored (``stored``)."""

    counts: Counts
    errors: list
    writes: object
    stored: object = None


def save(obj, values: dict, counts: Counts, label: str, at: str, fields: dict,
         writes=None) -> bool:
    """Set ``values`` on ``obj`` and save only if something differs: at once, or, with
    ``writes``, gathered for the bulk writes at the end.

    A value the model refuses raises CaseloadImportError naming ``at`` (the record's JSON
    path) and the field's key in the file."""
    created = obj._state.adding
    if not differs(obj, values):
        return False
    changed = [k for k, v in values.items() if created or getattr(obj, k) != v]
    for k, v in values.items():
        setattr(obj, k, v)
    if writes is None:
        try:
            obj.full_clean()
            obj.save()
        except ValidationError as exc:
            raise CaseloadImportError(model_errors(exc, at, fields)) from exc
    else:
        problems = check_row(obj, at, fields)
        if problems:
            raise CaseloadImportError(problems)
        if created:
            writes.create(obj)
        else:
            writes.update(obj, changed, at)
    (counts.created if created else counts.updated)[label] += 1
    return True


@dataclass
class Maker:
    """How ``sync`` makes a new row of a list, and the natural key it matches rows by."""

    new: object
    key_of: object
    # Natural key -> values set on a new row only (what a stored row keeps as recorded, such
    # as an imported contact's time of day).
    fresh: object = None


def sync(existing, wanted: dict, make: Maker, work: Work, label: str, *, at: str,
         fields: dict) -> dict:
    """Keep exactly ``wanted`` (natural key -> (JSON path, field values)) among ``existing``
    rows. Records the model refuses are added to ``work.errors`` and left out of the result;
    ``at`` is the JSON path of the whole list (for rows that cannot be deleted)."""
    by_key: dict = {}
    for obj in existing:
        by_key.setdefault(make.key_of(obj), obj)
    kept = {}
    for key, (path, values) in wanted.items():
        obj = by_key.pop(key, None)
        if obj is None:
            obj = make.new()
            for name, value in (make.fresh(key) if make.fresh else {}).items():
                setattr(obj, name, value)
        try:
            save(obj, values, work.counts, label, path, fields, work.writes)
        except CaseloadImportError as exc:
            work.errors.extend(exc.errors)
            continue
        kept[key] = obj
    for obj in by_key.values():
        work.writes.delete(obj, at, label)
    return kept


def numbered(items, key):
    """Pair items with their occurrence number among equal ones, so duplicates are kept."""
    seen: Counter = Counter()
    for item in items:
        k = key(item)
        yield seen[k], item
        seen[k] += 1


def numbering(key):
    """The natural key of stored rows with their occurrence number (``numbered``'s twin)."""
    seen: Counter = Counter()

    def key_of(obj):
        k = key(obj)
        n = seen[k]
        seen[k] += 1
        return (*k, n) if isinstance(k, tuple) else (k, n)

    return key_of
