"""``make bench`` times each page beside one hand-written SQL query that must give the same
numbers (``cares.program.demo.bench``): on a synthetic program they agree."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from cares.program.dashboards.periods import period_of
from cares.program.demo import bench
from cares.program.demo.bench_pages import list_pages
from tests.dashboards.conftest import coordinators
from tests.factories import make_director, sign_in

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


def test_the_lists_workload_opens_each_page_for_the_director():
    """``make bench``'s lists workload (bench_pages.measure_lists): every page it times is
    there for the synthetic program's director, including the two forms of a member."""
    pages = list_pages()
    assert {name for name, _url in pages} >= {"staff page", "supervision log",
                                             "care team form", "enrollment form"}
    client = sign_in(Client(), make_director().user)
    for name, url in pages:
        assert client.get(url).status_code == 200, name
