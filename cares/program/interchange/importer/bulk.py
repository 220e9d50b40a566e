"""The import's writes, gathered while the file is read and made at the end in bulk: per model,
one ``bulk_create`` of the new rows and one ``bulk_update`` of the changed ones, in dependency
order (members, episodes, then the dated records), each with its historical rows
(``simple_history``: "+" for a created record, "~" for a changed one, as a ``save`` writes).

What the models guard in their own ``save`` or ``delete`` (a finalized ICP version, a completed
assessment, a sent letter; protected rows) still goes through them, one row at a time: stored
rows the file changes or no longer lists, which a second import of the same file never has."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from simple_history.utils import bulk_update_with_history

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from cares.base import bulk_insert
from cares.base.audit.models import Action, AuditEvent
from cares.base.audit.services import acting_user
from cares.program.interchange.importer.errors import CaseloadImportError
from cares.program.interchange.importer.writing import Counts, model_errors
from members.models import (
    CareTeamMember,
    Contact,
    Episode,
    EpisodeStatusChange,
    Guardian,
    HospitalStay,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    Removal,
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter

# Parents before the rows that refer to them.
ORDER = (Member, Episode, EpisodeStatusChange, CareTeamMember, Guardian, Letter, Assessment,
         CarePlan, CarePlanDelivery, MonitoringReview, ServiceReferral, ReferralFollowUp,
         TransitionPlan, Contact, HospitalStay, Removal)
# Models whose ``save`` refuses some changes to a stored row: those changes are saved one by
# one so the model's own refusal is reported (with the record's path).
GUARDED = (Assessment, CarePlan, Letter)
BATCH = 1000


def _has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


class Writes:
    def __init__(self):
        self.created: dict = defaultdict(list)
        self.updated: dict = defaultdict(dict)  # model -> {id(obj): (obj, fields)}
        self.one_by_one: list = []  # (obj, path)
        self.deleted: list = []  # (obj, path, label)
        self.member_audits: list = []  # (member, created, changed fields)

    def create(self, obj) -> None:
        self.created[type(obj)].append(obj)

    def update(self, obj, fields, at: str) -> None:
        if isinstance(obj, GUARDED):
            self.one_by_one.append((obj, at))
            return
        _, known = self.updated[type(obj)].get(id(obj), (obj, set()))
        self.updated[type(obj)][id(obj)] = (obj, known | set(fields))

    def delete(self, obj, at: str, label: str) -> None:
        self.deleted.append((obj, at, label))

    def audit_member(self, member: Member, created: bool, fields) -> None:
        self.member_audits.append((member, created, sorted(fields)))

    def flush(self, counts: Counts, errors: list[str]) -> None:
        """Deletions and guarded changes first (each may be refused: every refusal is
        reported), then, if nothing was refused, the bulk writes."""
        self._one_at_a_time(counts, errors)
        if errors:
            raise CaseloadImportError(list(dict.fromkeys(errors)))
        try:
            for model in ORDER:
                self._write(model)
        except IntegrityError as exc:  # another change of the same records at the same time
            raise CaseloadImportError([
                "(file): the stored records changed while the file was imported; nothing "
                "was imported. Try again."]) from exc
        self._audit()

    def _one_at_a_time(self, counts: Counts, errors: list[str]) -> None:
        for obj, at, label in self.deleted:
            try:
                obj.delete()
            except ValidationError as exc:
                errors.extend(model_errors(exc, at, {}))
                continue
            except ProtectedError:
                errors.append(f"{at}: a stored record the file no longer lists cannot be "
                              "removed: other records refer to it")
                continue
            counts.deleted[label] += 1
        for obj, at in self.one_by_one:
            try:
                obj.save()
            except ValidationError as exc:
                errors.extend(model_errors(exc, at, {}))

    def _write(self, model) -> None:
        new = self.created.get(model) or []
        if model is Member:
            for member in new:
                member.fold_names()
        bulk_insert.create(model, new)
        if _has_history(model):
            bulk_insert.create_history(model, new)
        changed = list(self.updated.get(model, {}).values())
        if not changed:
            return
        fields = set().union(*(names for _, names in changed))
        objs = [obj for obj, _ in changed]
        if model is Member:
            for member in objs:
                member.fold_names()
            fields.add("search_name")
        bulk_update_with_history(objs, model, sorted(fields), batch_size=BATCH)

    def _audit(self) -> None:
        """What ``member_save`` records of each member it creates or changes."""
        actor = acting_user(None)
        bulk_insert.create(AuditEvent, [
            AuditEvent(actor=actor, action=Action.CREATE if created else Action.UPDATE,
                       member_id=member.pk, object_type=Member._meta.label,
                       object_id=str(member.pk), detail={"fields": fields} if fields else {})
            for member, created, fields in self.member_audits])
