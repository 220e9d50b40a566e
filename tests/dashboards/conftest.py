"""A synthetic program for the dashboard tests: ``seed_demo_members`` (the same generator as
``seed_demo --members N``), so the numbers come from varied, realistic histories."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from cares.base.staff.models import Role, StaffProfile
from cares.program.demo.program import seed_demo_members


def seed(n: int) -> list[int]:
    with override_settings(DEBUG=True):
        return seed_demo_members(n, today=timezone.localdate())


@pytest.fixture
def program(db):
    """Sixty synthetic members with whole histories, and their stored deadlines."""
    seed(60)


def coordinators() -> list[StaffProfile]:
    return list(StaffProfile.objects.filter(roles__role=Role.CARE_COORDINATOR)
                .select_related("user").order_by("pk"))
