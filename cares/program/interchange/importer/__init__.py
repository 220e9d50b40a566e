"""``import_caseload``: load a whole caseload (``shared/spec/interchange.md``) in one
transaction. All of it, or nothing and every error with the JSON path of the bad value.
Importing the same file twice changes nothing (records are matched by key, or by their
natural identity where the file has no key).

In three steps, each a module: the file's shape (``shape``: JSON Schema and what it cannot
say), what the file must hold together (``checks``), and writing (``staff_records``,
``member_records`` and its ``coordination_records``, over ``writing``) through the
services' own rules: ``staff_save`` for the staff; for the members, the rules ``member_save``
holds and the intake and enrollment checks of ``members.services``, called on rows built in
memory from what ``stored`` read up front, then written in bulk (``bulk``) with their
history."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_record
from cares.base.ops.memory import gc_paused
from cares.base.staff.models import Program
from cares.deadlines.services import refresh_deadlines
from cares.program.interchange.importer.bulk import Writes
from cares.program.interchange.importer.checks import semantic_errors
from cares.program.interchange.importer.errors import CaseloadImportError, json_path
from cares.program.interchange.importer.member_records import import_member
from cares.program.interchange.importer.shape import SCHEMA_PATH, schema_errors, shape_errors
from cares.program.interchange.importer.staff_records import import_staff
from cares.program.interchange.importer.stored import Stored
from cares.program.interchange.importer.writing import PROGRAM_FIELDS, Counts, Work, save

__all__ = ["SCHEMA_PATH", "CaseloadImportError", "Counts", "import_caseload", "json_path",
           "schema_errors", "semantic_errors", "shape_errors"]


def import_caseload(data, *, dry_run: bool = False, today: date | None = None) -> Counts:
    """Validate and load ``data``; raises CaseloadImportError listing every problem."""
    with gc_paused():
        return _import(data, dry_run, today)


def _import(data, dry_run: bool, today: date | None) -> Counts:
    today = today or timezone.localdate()
    errors = shape_errors(data)
    if errors:
        raise CaseloadImportError(errors)
    errors = schema_errors(data)
    if errors:
        raise CaseloadImportError(errors)
    errors = semantic_errors(data, today)
    if errors:
        raise CaseloadImportError(errors)
    counts = Counts()
    errors: list[str] = []
    try:
        with transaction.atomic():
            write(data, counts, errors, dry_run)
    except ValidationError as exc:  # a model refusal not tied to one record of the file
        raise CaseloadImportError([f"(file): {m}" for m in exc.messages]) from exc
    return counts


def _program(data: dict, counts: Counts, errors: list[str]) -> None:
    program = data.get("program")
    if not program:
        return
    obj = Program.objects.filter(pk=1).first() or Program(pk=1)
    try:
        save(obj, {"name": program["name"], "phone": program.get("phone") or "",
                   "address": program.get("address") or ""}, counts, "program", "program",
             PROGRAM_FIELDS)
    except CaseloadImportError as exc:
        errors.extend(exc.errors)


def write(data: dict, counts: Counts, errors: list[str], dry_run: bool) -> None:
    """Write everything inside the caller's transaction; if any record is refused, raise
    CaseloadImportError with every refusal (the caller's transaction then rolls back)."""
    _program(data, counts, errors)
    staff_ids = []
    with events.muted(events.staff_facts_changed):  # recomputed once, below
        for i, record in enumerate(data["staff"]):
            try:
                staff_ids.append(import_staff(record, counts, f"staff[{i}]").pk)
            except CaseloadImportError as exc:
                errors.extend(exc.errors)
    work = Work(counts, errors, Writes(), Stored(data["members"]))
    members = []
    for i, record in enumerate(data["members"]):
        try:
            members.append(import_member(record, work, f"members[{i}]"))
        except CaseloadImportError as exc:
            errors.extend(exc.errors)
    work.writes.flush(counts, errors)  # raises with every refusal, if any
    member_ids = [member.pk for member in members]
    if counts.changed:
        refresh_deadlines(member_ids=member_ids)  # and every staff member's
        audit_record(action=Action.UPDATE, detail={
            "import": "caseload", "members": len(member_ids), "dry_run": dry_run,
            "created": dict(counts.created), "updated": dict(counts.updated),
            "deleted": dict(counts.deleted)})
    elif staff_ids:  # no record counted as changed, yet a training or credential may have
        refresh_deadlines(member_ids=[], staff_ids=staff_ids)
    if dry_run:
        transaction.set_rollback(True)
