"""Issue 15: the rules of readings 13-15 (regular contact, follow-up after a discharge, ICP
update) show on the dashboard like the others: a row of the per-rule table with their title
and citation, their list behind each number (the drill-down filtered by rule), and their
months of the trend."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careplans.models import CarePlan, CarePlanStatus
from cares.deadlines.models import Deadline
from cares.deadlines.rules import RULES
from cares.deadlines.services import refresh_deadlines
from cares.deadlines.statuses import LABELS
from cares.program.dashboards.periods import Period
from cares.program.dashboards.selectors import trend_by_month
from members.models import Contact, HospitalStay, MonitoringReview
from tests.factories import enrolled_member, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db

# (rule, its status today, title and citation of the rule book)
EXPECTED = (("member_contact", "overdue", "Regular contact", "PS VI.B.1.a"),
            ("discharge_follow_up", "open", "Follow-up after a hospital or ED discharge",
             "PS VI.B.1.i"),
            ("icp_update", "met", "ICP update", "PS VI.A.1.b.3, VI.D.1.c"))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def member(today):
    """Enrolled 60 days ago: no visit yet (a phone call does not count), discharged from the
    emergency department two days ago with no follow-up yet, and a monitoring review that
    asked for an ICP update, made ten days later."""
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=60))
    Contact.objects.create(
        member=member, contact_mode="phone", with_guardian=True, staff=coordinator,
        contact_at=timezone.make_aware(datetime.combine(today - timedelta(days=20), time(10))))
    HospitalStay.objects.create(member=member, setting="emergency",
                                admitted_on=today - timedelta(days=3),
                                discharged_on=today - timedelta(days=2))
    first = CarePlan.objects.create(member=member, version=1, finalized_on=today - timedelta(
        days=40), status=CarePlanStatus.SUPERSEDED)
    second = CarePlan.objects.create(member=member, version=2, previous=first,
                                     finalized_on=today - timedelta(days=10),
                                     status=CarePlanStatus.FINALIZED)
    MonitoringReview.objects.create(member=member, reviewed_on=today - timedelta(days=20),
                                    services_per_icp=True, services_adequate=True,
                                    changes_reflected=False, icp_update_needed=True,
                                    new_care_plan=second)
    refresh_deadlines(as_of=today, member_ids=[member.pk])
    return member


@pytest.fixture
def director():
    return sign_in(Client(), make_director().user)


def window(today) -> dict[str, str]:
    return {"period": "custom", "start": (today - timedelta(days=90)).isoformat(),
            "end": (today + timedelta(days=90)).isoformat()}


def test_the_stored_deadlines_are_the_ones_the_dashboard_shows(member, today):
    stored = {d.rule: (d.status, d.due) for d in Deadline.objects.filter(member=member)}
    assert stored["member_contact"] == ("overdue", today - timedelta(days=30))
    assert stored["discharge_follow_up"] == ("open", today + timedelta(days=5))
    assert stored["icp_update"] == ("met", today + timedelta(days=10))


def test_the_per_rule_table_has_a_row_with_title_and_citation(member, director, today):
    response = director.get(reverse("dashboards:program"), window(today))
    rows = {row.rule: (row, links) for row, links in response.context["rules"]}
    html = response.content.decode()
    for rule, status, title, citation in EXPECTED:
        row, links = rows[rule]
        assert (row.title, row.citation) == (title, citation) == (RULES[rule].title,
                                                                 RULES[rule].citation)
        assert getattr(row.counts, status) == row.counts.total == 1, rule
        assert f'<tr data-rule="{rule}">' in html
        assert f"{title} <span class=\"citation\">{citation}</span>" in html
        # The number links to its list: the drill-down filtered by the rule and status.
        listed = director.get(links[status])
        assert [d.rule for d in listed.context["page"]] == [rule]
    # Their rule's number for another status is zero and lists nothing.
    row, links = rows["icp_update"]
    assert row.counts.overdue == 0
    assert not director.get(links["overdue"]).context["page"].paginator.count


def test_the_drill_down_filtered_by_rule_lists_them(member, director, today):
    for rule, status, title, citation in EXPECTED:
        response = director.get(reverse("dashboards:deadlines"), {"rule": rule})
        page = response.context["page"]
        assert [(d.rule, d.member_id, d.status_today) for d in page] == [
            (rule, member.pk, status)]
        assert response.context["rule_title"] == title
        html = response.content.decode()
        assert f'data-rule="{rule}" data-status="{status}"' in html
        assert f"{title} <span class=\"citation\">{citation}</span>" in html
        assert str(LABELS[status]) in html
        # The rule is a choice of the filter.
        assert f'<option value="{rule}" selected>{title}</option>' in html


def test_the_trend_counts_them_in_the_month_they_fall_due(member, today):
    period = Period("custom", today - timedelta(days=90), today + timedelta(days=90))
    with_them = {r.month: r.counts for r in trend_by_month(period, today)}
    mine = Deadline.objects.filter(member=member, rule__in=[e[0] for e in EXPECTED])
    due = {d.rule: d.due for d in mine}
    mine.delete()
    without = {r.month: r.counts for r in trend_by_month(period, today)}
    for rule, status, _title, _citation in EXPECTED:
        month = due[rule].replace(day=1)
        added = sum(1 for r, s, _t, _c in EXPECTED
                    if due[r].replace(day=1) == month and s == status)
        assert getattr(with_them[month], status) - getattr(without[month], status) == added
    assert sum(c.total for c in with_them.values()) - \
        sum(c.total for c in without.values()) == len(EXPECTED)


def test_the_trend_on_the_page_includes_them(member, director, today):
    context = director.get(reverse("dashboards:program"), window(today)).context
    by_month = {r.month: r.counts for r in context["trend"]}
    overdue_month = (today - timedelta(days=30)).replace(day=1)
    assert by_month[overdue_month].overdue >= 1
    chart = context["chart"]
    label = f"{overdue_month:%Y-%m}"
    index = chart["labels"].index(label)
    assert chart["series"]["overdue"][index] == by_month[overdue_month].overdue
    # The chart's link for that month lists the overdue regular contact.
    listed = director.get(chart["links"]["overdue"][index]).context["page"]
    assert "member_contact" in {d.rule for d in listed}
