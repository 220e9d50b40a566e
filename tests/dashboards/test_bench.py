"""``make bench`` times each page beside one hand-written SQL query that must give the same
numbers (``cares.program.demo.bench``): on a synthetic program they agree."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cares.program.dashboards.periods import period_of
from cares.program.demo import bench
from tests.dashboards.conftest import coordinators

pytestmark = pytest.mark.usefixtures("program")


def test_the_dashboards_baseline_gives_the_dashboards_numbers():
    today = timezone.localdate()
    period = period_of("month", today)
    assert bench.dashboard_baseline(period, today) == bench.dashboard_numbers(period, today)


def test_the_worklists_baseline_gives_the_worklists_numbers():
    today = timezone.localdate()
    for coordinator in coordinators():
        assert tuple(bench.worklist_baseline(coordinator.pk, today)) == \
            bench.worklist_numbers(coordinator.user, today)
