"""Answers to the questions the base asks through ``cares.base.events`` about coverage
records, connected in ``members.apps``."""

from __future__ import annotations

from django.dispatch import receiver

from cares.base.events import staff_medical_trainings
from members.coverage.models import MedicalTrainingSession


@receiver(staff_medical_trainings, dispatch_uid="members.coverage.staff_medical_trainings")
def _staff_medical_trainings(sender, *, staff_id: int, **kwargs) -> list[tuple]:
    """The ongoing medical training sessions (PS IV.B.2.b.6) ``staff_id`` attended, newest
    first: one query."""
    return list(MedicalTrainingSession.objects.filter(attendees=staff_id)
                .order_by("-held_on", "-pk").values_list("held_on", "topic")[:50])
