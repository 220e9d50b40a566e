"""``make bench`` times each page beside one hand-written SQL query that must give the same
numbers (``cares.program.demo.bench``): on a synthetic program they agree."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from cares.base.access import VIEW_WORKLIST
from cares.base.audit.models import Action, AuditEvent
from cares.base.staff.models import Role
from cares.program.dashboards.periods import period_of
from cares.program.demo import bench, bench_must_do
from cares.program.demo.bench_pages import list_pages
from tests.dashboards.conftest import coordinators
from tests.factories import make_director, make_staff, sign_in

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


def test_the_must_do_page_replays_the_worklists_permission_audit_rows_and_bytes(settings):
    """``make bench`` times what the worklist must do whatever it shows (bench_must_do): the
    replay writes as many audit rows, for the same members, and sends the same bytes; it
    refuses a user without the page's permission, and the site itself has no such page."""
    coordinator = max(coordinators(), key=lambda c: c.care_teams.count())
    client = sign_in(Client(), coordinator.user)
    replay = bench_must_do.record(client, "/worklist/", VIEW_WORKLIST)
    # the same page but for the masked CSRF token of the sign-out form
    assert replay.listed and len(replay.body) == len(client.get("/worklist/").content)
    bench_must_do.REPLAYS["worklist"] = replay
    assert client.get("/bench/must-do/worklist/").status_code == 404  # the site's URLconf
    settings.ROOT_URLCONF = bench_must_do.URLCONF
    before = AuditEvent.objects.count()
    response = client.get("/bench/must-do/worklist/")
    assert response.status_code == 200 and response.content == replay.body
    written = AuditEvent.objects.order_by("-pk")[:len(replay.listed)]
    assert AuditEvent.objects.count() - before == len(replay.listed)
    assert sorted(e.member_id for e in written) == sorted(replay.listed)
    assert {e.actor_id for e in written} == {coordinator.user.pk}
    family_support = make_staff(Role.FAMILY_SUPPORT).user
    assert sign_in(Client(), family_support).get("/bench/must-do/worklist/").status_code == 403
    assert not AuditEvent.objects.filter(actor=family_support, action=Action.LIST).exists()
