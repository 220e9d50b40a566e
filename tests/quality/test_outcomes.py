"""Outcomes beside timeliness (PS VII.B): enrolled member-months, ED visits and inpatient
admissions per 100 member-months, ICP goals met at their target date, members with a
qualifying contact every interval; the dashboard section, its CSV export and the three lists
behind it (access, audit, export, query budgets)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careplans.models import CarePlan, Goal, GoalOutcome
from cares.base.audit.models import Action, AuditEvent
from cares.deadlines.models import Deadline
from cares.program.dashboards.outcomes import (
    member_months,
    months_between,
    outcomes_summary,
    outcomes_table,
)
from cares.program.dashboards.periods import Period, period_of
from members.models import Episode, HospitalStay
from tests.factories import MemberFactory, ProviderFactory, make_staff, sign_in

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
Q1 = period_of("quarter", date(2025, 1, 1))
JAN = period_of("month", date(2025, 1, 1))


def enrolled(effective: date | None, terminated: date | None = None, member=None):
    member = member or MemberFactory()
    Episode.objects.create(member=member, referral_date=effective or date(2024, 1, 1),
                           referral_source="pcp", effective_date=effective,
                           termination_date=terminated,
                           status="terminated" if terminated else "enrolled"
                           if effective else "referred")
    return member


def stay(member, setting: str, admitted: date):
    return HospitalStay.objects.create(member=member, setting=setting, admitted_on=admitted,
                                       facility=ProviderFactory())


# --- Member-months ------------------------------------------------------------------------------

def test_a_whole_month_is_one_member_month_and_partial_months_are_fractions():
    assert months_between(date(2025, 2, 1), date(2025, 2, 28)) == pytest.approx(1)
    assert months_between(date(2025, 1, 16), date(2025, 2, 14)) == pytest.approx(
        16 / 31 + 14 / 28)
    assert months_between(date(2025, 2, 1), date(2025, 1, 31)) == 0


def test_member_months_clip_enrollment_and_termination_to_the_period():
    enrolled(date(2024, 5, 1))  # the whole quarter: 3
    enrolled(date(2025, 1, 16))  # enrollment starts mid-period: 16/31 + 1 + 1
    enrolled(date(2024, 1, 1), terminated=date(2025, 2, 14))  # 1 + 14/28 (the day included)
    enrolled(date(2025, 4, 1))  # after the period
    enrolled(date(2023, 1, 1), terminated=date(2024, 12, 31))  # before it
    enrolled(None)  # referred, never enrolled
    assert member_months(Q1, TODAY) == pytest.approx(3 + 16 / 31 + 2 + 1 + 14 / 28)


def test_a_member_counts_once_a_day_and_days_after_today_are_not_counted():
    member = enrolled(date(2024, 1, 1), terminated=date(2025, 1, 20))
    enrolled(date(2025, 1, 10), member=member)  # overlapping re-enrollment
    assert member_months(JAN, TODAY) == pytest.approx(1)
    june = period_of("month", TODAY)
    assert member_months(june, TODAY) == pytest.approx(15 / 30)  # up to the 15th


def test_custom_period_with_partial_months():
    enrolled(date(2024, 1, 1))
    period = Period("custom", date(2025, 1, 16), date(2025, 2, 14))
    assert member_months(period, TODAY) == pytest.approx(16 / 31 + 14 / 28)


# --- Hospital stays -----------------------------------------------------------------------------

def test_ed_and_inpatient_rates_count_stays_admitted_while_enrolled():
    member = enrolled(date(2025, 1, 1), terminated=date(2025, 2, 28))  # 2 member-months
    stay(member, "emergency", date(2025, 1, 5))
    stay(member, "emergency", date(2025, 2, 28))  # the termination day: still enrolled
    stay(member, "emergency", date(2025, 3, 2))  # after termination
    stay(member, "inpatient", date(2025, 2, 1))
    stay(member, "emergency", date(2024, 12, 31))  # before the period (and enrollment)
    other = enrolled(date(2025, 3, 1))  # 1 member-month
    stay(other, "inpatient", date(2025, 2, 20))  # before its enrollment
    summary = outcomes_summary(Q1, TODAY)
    assert summary.member_months == pytest.approx(3)
    assert (summary.emergency, summary.inpatient) == (2, 1)
    assert summary.emergency_rate == pytest.approx(66.7)
    assert summary.inpatient_rate == pytest.approx(33.3)


def test_no_enrolled_member_months_is_said_not_divided(director_client):
    stay(MemberFactory(), "emergency", date(2025, 1, 5))
    summary = outcomes_summary(Q1, TODAY)
    assert summary.member_months == 0
    assert summary.emergency_rate is None and summary.inpatient_rate is None
    page = director_client.get("/dashboard/?period=quarter&on=2025-01-01").content.decode()
    assert "No enrolled member-months" in page


# --- Goals --------------------------------------------------------------------------------------

def plan(member, version: int, finalized: date | None, goals: list[date],
         status: str = "finalized") -> list[Goal]:
    icp = CarePlan.objects.create(member=member, version=version)
    made = [Goal.objects.create(plan=icp, kind="functional", description=f"Goal {version}-{i}",
                                target_date=target) for i, target in enumerate(goals)]
    if finalized:
        CarePlan.objects.filter(pk=icp.pk).update(status=status, finalized_on=finalized)
    return made


def outcome(goal, achievement: str, achieved_on: date | None = None):
    return GoalOutcome.objects.create(goal=goal, achievement=achievement,
                                      achieved_on=achieved_on,
                                      assessed_on=achieved_on or goal.target_date)


def test_a_goal_copied_into_several_versions_counts_once():
    member = enrolled(date(2024, 6, 1))
    early, late = date(2025, 1, 20), date(2025, 3, 31)
    v1 = plan(member, 1, date(2025, 1, 10), [early, late], status="superseded")
    v2 = plan(member, 2, date(2025, 2, 1), [early, late])
    plan(member, 3, None, [early, late])  # a draft counts for nothing
    outcome(v2[1], "met", date(2025, 3, 20))
    outcome(v1[1], "not_met")  # the old copy, not in force on its target date
    summary = outcomes_summary(Q1, TODAY)
    # Jan 20: version 1 was in force (v2 came later); Mar 31: version 2.
    assert (summary.goals_counted, summary.goals_met) == (2, 1)
    assert summary.goals_unrecorded == 1  # v1's Jan 20 goal: no outcome recorded
    assert summary.goals_share == 50.0


def test_met_late_is_not_met_and_no_longer_relevant_is_left_out():
    member = enrolled(date(2024, 6, 1))
    target = date(2025, 2, 15)
    on_time, late, gone, partly, none = plan(member, 1, date(2025, 1, 2), [target] * 5)
    outcome(on_time, "met", target)
    outcome(late, "met", target + timedelta(days=1))
    outcome(gone, "no_longer_relevant")
    outcome(partly, "partly_met")
    summary = outcomes_summary(Q1, TODAY)
    assert (summary.goals_met, summary.goals_counted, summary.goals_left_out,
            summary.goals_unrecorded) == (1, 4, 1, 1)
    assert summary.goals_share == 25.0


def test_target_dates_still_to_come_are_not_counted_yet():
    member = enrolled(date(2024, 6, 1))
    plan(member, 1, date(2026, 6, 1), [TODAY, TODAY + timedelta(days=1)])
    summary = outcomes_summary(period_of("month", TODAY), TODAY)
    assert summary.goals_counted == 1


# --- Regular contact ----------------------------------------------------------------------------

def cycle(member, n: int, due: date, status: str):
    return Deadline.objects.create(member=member, subject_key=f"m{member.pk}",
                                   rule="member_contact", cycle_key=f"e1/{n}", start=due,
                                   due=due, status=status, computed_on=TODAY)


def test_share_of_members_with_every_contact_interval_met():
    every = enrolled(date(2024, 6, 1))
    cycle(every, 0, date(2025, 1, 10), "met")
    cycle(every, 1, date(2025, 2, 10), "met")
    cycle(every, 2, date(2025, 5, 10), "late")  # due after the period
    one_late = enrolled(date(2024, 6, 1))
    cycle(one_late, 0, date(2025, 1, 10), "met")
    cycle(one_late, 1, date(2025, 2, 10), "late")
    overdue = enrolled(date(2024, 6, 1))
    cycle(overdue, 0, date(2025, 3, 1), "open")  # past due: overdue today
    excepted = enrolled(date(2024, 6, 1))
    cycle(excepted, 0, date(2025, 3, 1), "excepted")  # released: not counted
    other_rule = enrolled(date(2024, 6, 1))
    Deadline.objects.create(member=other_rule, subject_key="x", rule="monitoring",
                            cycle_key="e1/0", start=date(2025, 1, 1), due=date(2025, 1, 5),
                            status="late", computed_on=TODAY)
    summary = outcomes_summary(Q1, TODAY)
    assert (summary.contact_all_met, summary.contact_members) == (1, 3)
    assert summary.contact_share == pytest.approx(33.3)


def test_an_interval_not_due_yet_is_not_decided():
    member = enrolled(date(2024, 6, 1))
    cycle(member, 0, TODAY + timedelta(days=5), "open")
    summary = outcomes_summary(period_of("month", TODAY), TODAY)
    assert summary.contact_members == 0 and summary.contact_share is None


# --- Query count --------------------------------------------------------------------------------

def a_member_with_everything(i: int):
    member = enrolled(date(2024, 6, 1))
    enrolled(date(2024, 1, 1), terminated=date(2024, 3, 1), member=member)
    stay(member, "emergency" if i % 2 else "inpatient", date(2025, 2, 3))
    goals = plan(member, 1, date(2025, 1, 2), [date(2025, 3, 1), date(2025, 3, 2)])
    outcome(goals[0], "met", date(2025, 2, 1))
    cycle(member, 0, date(2025, 1, 10), "met")


def test_the_section_runs_four_queries_whatever_the_number_of_members(
        django_assert_num_queries):
    for i in range(3):
        a_member_with_everything(i)
    with django_assert_num_queries(4):
        few = outcomes_summary(Q1, TODAY)
    for i in range(12):
        a_member_with_everything(i)
    with django_assert_num_queries(4):
        many = outcomes_summary(Q1, TODAY)
    assert (few.goals_counted, many.goals_counted) == (6, 30)
    assert many.member_months == pytest.approx(45)
    assert (many.emergency + many.inpatient, many.contact_members) == (15, 15)


def test_the_section_on_the_dashboard_and_its_export(director_client):
    a_member_with_everything(1)
    page = director_client.get("/dashboard/?period=quarter&on=2025-01-01")
    text = page.content.decode()
    assert page.context["outcomes"].emergency == 1
    for name in ("outcome_stays", "outcome_goals", "outcome_contacts"):
        assert reverse(f"dashboards:{name}") in text
    assert "export=outcomes" in text
    response = director_client.get("/dashboard/?period=quarter&on=2025-01-01&export=outcomes")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    figures = {r[3]: r[4:] for r in rows[1:]}
    assert figures["ed_visits_per_100_member_months"] == ["1", "3.00", "33.3"]
    assert figures["icp_goals_met_at_target_percent"] == ["1", "2", "50.0"]
    assert AuditEvent.objects.filter(action=Action.EXPORT,
                                     detail__table="dashboard-outcomes").exists()
    header, table, ids = outcomes_table(outcomes_summary(Q1, TODAY))
    assert len(table) == 7 and ids == []


# --- The lists behind the numbers ---------------------------------------------------------------

QUERY = "period=quarter&on=2025-01-01"


def listed(client, name: str, extra: str = ""):
    response = client.get(f"{reverse(f'dashboards:{name}')}?{QUERY}{extra}")
    assert response.status_code == 200
    return response


def test_each_list_has_as_many_rows_as_its_number(director_client):
    for i in range(3):
        a_member_with_everything(i)
    summary = outcomes_summary(Q1, timezone.localdate())
    assert listed(director_client, "outcome_stays", "&setting=emergency") \
        .context["page"].paginator.count == summary.emergency
    assert listed(director_client, "outcome_stays", "&setting=inpatient") \
        .context["page"].paginator.count == summary.inpatient
    goals = listed(director_client, "outcome_goals")
    assert goals.context["page"].paginator.count == summary.goals_counted
    text = goals.content.decode()
    assert "No outcome recorded" in text and "by the target date" in text
    assert listed(director_client, "outcome_goals", "&result=met") \
        .context["page"].paginator.count == summary.goals_met
    contacts = listed(director_client, "outcome_contacts")
    assert contacts.context["page"].paginator.count == summary.contact_members
    stays = listed(director_client, "outcome_stays").content.decode()
    assert "Emergency department visit" in stays and "Inpatient admission" in stays


def test_each_list_records_one_event_per_member_shown_and_exports(director_client):
    for i in range(3):
        a_member_with_everything(i)
    for name in ("outcome_stays", "outcome_goals", "outcome_contacts"):
        before = AuditEvent.objects.filter(action=Action.LIST).count()
        listed(director_client, name)
        assert AuditEvent.objects.filter(action=Action.LIST).count() == before + 3, name
        response = listed(director_client, name, "&export=1")
        assert response["Content-Type"].startswith("text/csv")
        assert len(list(csv.reader(io.StringIO(response.content.decode())))) > 3
        event = AuditEvent.objects.filter(action=Action.EXPORT).latest("pk")
        assert event.detail["table"].startswith("dashboard-outcomes-")
        assert len(event.detail["member_ids"]) == 3


def test_the_lists_are_for_the_dashboard_roles_and_refuse_a_bad_period(director_client):
    coordinator = sign_in(Client(), make_staff("care_coordinator").user)
    for name in ("outcome_stays", "outcome_goals", "outcome_contacts"):
        assert coordinator.get(reverse(f"dashboards:{name}")).status_code == 403
        bad = director_client.get(f"{reverse(f'dashboards:{name}')}?period=custom&start=x")
        assert bad.status_code == 400
        assert "nothing is listed" in bad.content.decode()


def test_list_queries_do_not_grow_with_the_rows(director_client,
                                                django_assert_max_num_queries):
    a_member_with_everything(1)
    for name in ("outcome_stays", "outcome_goals", "outcome_contacts"):
        listed(director_client, name)
    for i in range(8):
        a_member_with_everything(i)
    for name in ("outcome_stays", "outcome_goals", "outcome_contacts"):
        with django_assert_max_num_queries(14):
            listed(director_client, name)
