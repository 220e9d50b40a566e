"""The supervision log at program scale (some 450 care coordinators at 20,000 members): one
row per coordinator and a column per week, fifty a page, "missing a week" and a search by
name; the fifty most recent sessions unless a coordinator is chosen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.staff.models import Role
from members.coverage.models import Supervision
from members.coverage.supervision import weeks_before
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

LOG = reverse("coverage:supervision")


def coordinator(**fields):
    return make_staff(Role.CARE_COORDINATOR, **fields)


def rows(response) -> list[int]:
    return [row.coordinator.pk for row in response.context["page"]]


def supervised_every_week(person, scm):
    for week in weeks_before(timezone.localdate(), 8, include_current=True):
        Supervision.objects.create(coordinator=person, supervisor=scm,
                                   held_on=min(week.monday + timedelta(days=1),
                                               timezone.localdate()))


def test_fifty_coordinators_a_page_each_a_row_of_eight_weeks(django_assert_max_num_queries):
    scm = make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))
    for _ in range(55):
        coordinator()
    client = sign_in(Client(), scm.user)
    with django_assert_max_num_queries(16):
        first = client.get(LOG)
    html = first.content.decode()
    assert len(rows(first)) == 50 and len(rows(client.get(LOG + "?page=2"))) == 5
    grid = html[html.index('id="supervision-grid"'):html.index("</table>")]
    assert grid.count("<tr>") == 51  # the weeks' heading row and fifty coordinators
    shown = rows(first)[0]
    assert grid.count(f'data-coordinator="{shown}"') == 8  # one cell a week, in one row
    assert "Showing 1 to 50 of 55 care coordinators." in html and "Page 1 of 2" in html


def test_missing_a_week_and_a_search_by_name():
    scm = make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))
    kept_up = coordinator(hire_date=timezone.localdate() - timedelta(days=400))
    supervised_every_week(kept_up, scm)
    behind = coordinator(hire_date=timezone.localdate() - timedelta(days=400))
    behind.user.last_name = "Quasimodo-Lee"
    behind.user.save()
    client = sign_in(Client(), scm.user)
    missing = client.get(LOG + "?show=missing")
    assert behind.pk in rows(missing) and kept_up.pk not in rows(missing)
    assert "Missing a week (1)" in missing.content.decode()
    assert rows(client.get(LOG + "?q=quasimodo")) == [behind.pk]
    nothing = client.get(LOG + "?q=nobody-at-all&show=bogus")
    assert nothing.status_code == 200 and rows(nothing) == []
    assert "No care coordinator matches." in nothing.content.decode()


def test_the_fifty_most_recent_sessions_unless_a_coordinator_is_chosen():
    scm = make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))
    people = [coordinator(hire_date=timezone.localdate() - timedelta(days=400))
              for _ in range(7)]
    for person in people:
        supervised_every_week(person, scm)  # 7 x 8 = 56 sessions
    client = sign_in(Client(), scm.user)
    everyone = client.get(LOG)
    assert len(everyone.context["sessions"]) == 50
    assert "The 50 most recent sessions" in everyone.content.decode()
    held = [row["session"].held_on for row in everyone.context["sessions"]]
    assert held == sorted(held, reverse=True)
    one = client.get(LOG + f"?coordinator={people[0].pk}")
    assert len(one.context["sessions"]) == 8 and not one.context["more_sessions"]


def test_a_coordinator_sees_their_own_row_and_no_filters():
    person = coordinator()
    coordinator()
    page = sign_in(Client(), person.user).get(LOG)
    assert rows(page) == [person.pk]
    assert 'id="supervision-filter"' not in page.content.decode()
