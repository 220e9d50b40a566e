"""The aftercare/transition plan (``members.services.removal``, PS IX.B)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from members import services
from members.models import Removal, RemovalReason
from tests.members.lifecycle_support import (
    ALL_ELEMENTS,
    COMPLETE_PLAN,
    refused,
    removal_under_way,
    tomorrow,
)

pytestmark = pytest.mark.django_db


# --- the aftercare/transition plan (PS IX.B) ----------------------------------------------------

def test_a_new_removal_misses_every_element_with_its_citation(coordinator):
    removal = removal_under_way(coordinator)
    missing = removal.missing_elements()
    assert len(missing) == 5
    for text, cite in zip(missing, ALL_ELEMENTS, strict=True):
        assert text.endswith(f"({cite})")
    assert removal.plan_completed_on is None and not removal.plan_complete


@pytest.mark.parametrize("blank", ["consent_signed_on", "consent_signed_by", "recommendations",
                                   "referrals", "services_in_place", "medications"])
def test_missing_elements_lists_exactly_the_missing_one(coordinator, blank):
    removal = removal_under_way(coordinator)
    value = None if blank == "consent_signed_on" else "   "
    services.aftercare_update(removal=removal, **{**COMPLETE_PLAN, blank: value})
    cite = {"consent_signed_on": "PS IX.B.1", "consent_signed_by": "PS IX.B.1",
            "recommendations": "PS IX.B.2", "referrals": "PS IX.B.3",
            "services_in_place": "PS IX.B.4", "medications": "PS IX.B.5"}[blank]
    missing = Removal.objects.get(pk=removal.pk).missing_elements()
    assert len(missing) == 1 and missing[0].endswith(f"({cite})")
    assert Removal.objects.get(pk=removal.pk).plan_completed_on is None


def test_plan_completed_on_is_set_when_complete_kept_on_edits_and_cleared_when_blanked(
        coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 10),
                              **{**COMPLETE_PLAN, "medications": ""})
    assert Removal.objects.get(pk=removal.pk).plan_completed_on is None
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 12),
                              medications=COMPLETE_PLAN["medications"])
    assert Removal.objects.get(pk=removal.pk).plan_completed_on == date(2026, 6, 12)
    # A later edit keeps the completion date.
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 20),
                              referrals="None needed")
    stored = Removal.objects.get(pk=removal.pk)
    assert (stored.plan_completed_on, stored.referrals) == (date(2026, 6, 12), "None needed")
    # Blanking an element clears it.
    services.aftercare_update(removal=removal, services_in_place="  ")
    stored = Removal.objects.get(pk=removal.pk)
    assert stored.plan_completed_on is None
    assert stored.missing_elements() == [
        "services in place after removal and their providers (PS IX.B.4)"]


def test_plan_completed_on_defaults_to_today(coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **COMPLETE_PLAN)
    assert Removal.objects.get(pk=removal.pk).plan_completed_on == timezone.localdate()


def test_aftercare_refusals_write_nothing(coordinator):
    removal = removal_under_way(coordinator)
    with refused("The consent signature date cannot be in the future"):
        services.aftercare_update(removal=removal, **{**COMPLETE_PLAN,
                                                      "consent_signed_on": tomorrow()})
    with refused("The termination date cannot be before removal was initiated"):
        services.aftercare_update(removal=Removal.objects.get(pk=removal.pk),
                                  planned_termination_date=date(2026, 5, 1))
    stored = Removal.objects.get(pk=removal.pk)
    assert stored.recommendations == "" and stored.plan_completed_on is None
    with pytest.raises(ValueError, match="not aftercare fields"):
        services.aftercare_update(removal=stored, reason=RemovalReason.GOALS_MET)
