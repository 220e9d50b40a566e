"""Each page runs a fixed number of queries whatever the size of the program: pinned with
``django_assert_max_num_queries``, and the same count for a program four times larger."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.dashboards.conftest import coordinators, seed
from tests.factories import make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db

# Page -> the most queries it may run (session, user, permissions and second factor included).
BUDGETS = {
    # the caseload read once, the three deadline sections in one query (issue 20)
    "/worklist/": 15,  # with the renewals (PS VI.B.1.h) and hospital stays sections
    # /dashboard/: + the around-the-clock program checks (issue 17: number on file 1, roster,
    # consultation hours and supervision 5) and the on-call line by month (target + 1 query);
    # PS VII (issue 18): review requests 2, grievances 3 (targets, counts, open list), surveys
    # 1-2 (2 when a round overlaps the period), outcomes 4 (episodes, stays, goals, contacts).
    "/dashboard/": 39,
    "/dashboard/?period=year": 39,
    "/dashboard/deadlines/?status=overdue": 13,
    "/dashboard/members/?state=enrolled": 12,
    "/dashboard/?export=compliance": 11,
    "/dashboard/?export=staff": 14,
    "/worklist/?export=deadlines": 12,
    "/dashboard/deadlines/?export=1": 11,
}


def clients() -> dict[str, Client]:
    director = sign_in(Client(), make_director().user)
    coordinator = sign_in(Client(), coordinators()[0].user)
    return {"/worklist/": coordinator, "/worklist/?export=deadlines": coordinator,
            "default": director}


def counts(by: dict[str, Client]) -> dict[str, int]:
    out = {}
    for url in BUDGETS:
        client = by.get(url, by["default"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        out[url] = len(queries)
    return out


def test_pages_stay_within_their_query_budgets(program, django_assert_max_num_queries):
    by = clients()
    for url, budget in BUDGETS.items():
        with django_assert_max_num_queries(budget):
            by.get(url, by["default"]).get(url)


def test_query_counts_do_not_grow_with_the_program(db):
    seed(20)
    make_staff("senior_care_manager")  # caseload rows grow with staff, not members
    by = clients()
    small = counts(by)
    seed(80)  # four times the members (and more coordinators)
    large = counts(by)
    assert large == small
