"""Every number of the dashboard links to the list behind it, and the list has exactly that
many rows (the count the paginator reports, and the CSV export's rows)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from cares.deadlines.statuses import AGES, COLUMNS
from members.models import CareTeamMember
from tests.factories import make_director, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def director_client(program):
    return sign_in(Client(), make_director().user)


def listed(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def exported(client: Client, url: str) -> int:
    path, query = url.split("?", 1) if "?" in url else (url, "")
    response = client.get(f"{path}?{query}&export=1")
    assert response["Content-Type"].startswith("text/csv")
    return len(list(csv.reader(io.StringIO(response.content.decode())))) - 1


def test_every_number_of_the_compliance_table_matches_its_list(director_client):
    for query in ("", "period=year", "period=custom&start=2024-01-01&end=2028-12-31"):
        context = director_client.get(f"/dashboard/?{query}").context
        assert context["rules"], query
        for row, links in context["rules"]:
            assert listed(director_client, links["total"]) == row.counts.total
            for status in COLUMNS:
                assert listed(director_client, links[status]) == getattr(row.counts, status), (
                    row.rule, status)
        for status in ("total", *COLUMNS):
            assert listed(director_client, context["total_links"][status]) == \
                getattr(context["total"], status)


def test_overdue_by_rule_and_age_matches_its_lists(director_client):
    context = director_client.get("/dashboard/").context
    assert context["overdue_total"] > 0
    for row, cells, link in context["overdue"]:
        assert listed(director_client, link) == row.total
        assert sum(n for _age, n, _url in cells) == row.total
        for age, n, url in cells:
            assert age in AGES
            assert listed(director_client, url) == n, (row.rule, age)
    assert exported(director_client, "/dashboard/deadlines/?status=overdue") == \
        context["overdue_total"]


def test_the_chart_links_match_the_trend_numbers(director_client):
    context = director_client.get("/dashboard/?period=year").context
    chart = context["chart"]
    for status in COLUMNS:
        for i, url in enumerate(chart["links"][status]):
            if chart["series"][status][i]:
                assert listed(director_client, url) == chart["series"][status][i]


def test_caseload_numbers_match_the_member_lists(director_client):
    context = director_client.get("/dashboard/").context
    assert sum(row.total for row, *_ in context["caseloads"]) > 0
    for row, cells, all_link, overdue_link in context["caseloads"]:
        assert listed(director_client, all_link) == row.total
        assert listed(director_client, overdue_link) == row.overdue
        for n, url in cells:
            if n:
                assert listed(director_client, url) == n, url
            else:
                assert url == ""  # a zero is shown without a link


def test_letter_numbers_match_their_lists(director_client):
    context = director_client.get("/dashboard/?period=year").context
    assert any(row.sent for row, *_ in context["letters"])
    for row, waiting, sent, late in context["letters"]:
        assert listed(director_client, waiting) == row.waiting
        assert listed(director_client, sent) == row.sent
        assert listed(director_client, late) == row.overdue
        assert parse_qs(urlsplit(late).query)["rule"] == [row.rule]


def test_the_overdue_list_filters_by_coordinator_rule_and_age(director_client):
    context = director_client.get("/dashboard/").context
    row, _cells, _all, overdue_link = next(c for c in context["caseloads"] if c[0].overdue)
    staff = row.staff.pk
    response = director_client.get(f"/dashboard/deadlines/?status=overdue&staff={staff}")
    deadlines = list(response.context["page"])
    team = set(CareTeamMember.objects.filter(staff_id=staff, until__isnull=True)
               .values_list("member_id", flat=True))
    today = timezone.localdate()
    assert deadlines and all(d.member_id in team and d.due < today for d in deadlines)
    rule = deadlines[0].rule
    narrowed = director_client.get(
        f"/dashboard/deadlines/?status=overdue&staff={staff}&rule={rule}&age=91%2B").context
    assert all(d.rule == rule and (today - d.due).days >= 91 for d in narrowed["page"])
    # The page shows the member and links to the member page.
    body = response.content.decode()
    assert f'href="/members/{deadlines[0].member_id}/"' in body
