"""The nightly sweep recomputes only what can have changed (issue 20), and gives the rows a
full recomputation (``refresh_deadlines --all``) gives, day after day, on a seeded program with
facts dated in the future; its number of queries does not grow with the members."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cares.base.staff.models import Program
from cares.deadlines.computations import wake_on
from cares.deadlines.models import Deadline, MemberComputation
from cares.deadlines.rules import MemberFacts, ReferralFacts
from cares.deadlines.services import nightly_sweep, refresh_deadlines, refresh_member_deadlines
from cares.program.demo.program import seed_demo_members
from members.models import TRANSITION_FROM_AGE, ServiceReferral
from tests.factories import enrolled_member, make_referral, make_staff

pytestmark = pytest.mark.django_db
D = date(2026, 11, 2)
FIELDS = ("subject_key", "rule", "cycle_key", "ref", "start", "due", "status", "satisfied_on",
          "satisfied_ref", "exception_reason", "computed_on")


def rows() -> list[tuple]:
    return sorted(Deadline.objects.values_list(*FIELDS))


def full_recomputation_changes(day: date) -> dict[str, int]:
    """What ``refresh_deadlines --all`` would change on ``day`` (then undone)."""
    with transaction.atomic():
        totals = refresh_deadlines(as_of=day)
        transaction.set_rollback(True)
    return totals


def seed(n: int) -> None:
    with override_settings(DEBUG=True):
        seed_demo_members(n, today=D)


def future_facts() -> tuple[int, int]:
    """A member whose referral is scheduled for D + 5 and one who turns 16 on D + 3, both
    computed on D (as the services do when the record is saved)."""
    coordinator = make_staff("care_coordinator")
    scheduled = enrolled_member(coordinator, referral_date=D - timedelta(days=40))
    referral = make_referral(scheduled, referred_on=D - timedelta(days=3))
    ServiceReferral.objects.filter(pk=referral.pk).update(scheduled_on=D + timedelta(days=5))
    birthday = enrolled_member(
        coordinator, referral_date=D - timedelta(days=40),
        date_of_birth=D + timedelta(days=3) - relativedelta(years=TRANSITION_FROM_AGE))
    for member in (scheduled, birthday):
        refresh_deadlines(as_of=D, member_ids=[member.pk])
    return scheduled.pk, birthday.pk


def test_day_after_day_the_sweep_gives_the_rows_of_a_full_recomputation():
    seed(40)
    scheduled, birthday = future_facts()
    refresh_deadlines(as_of=D)
    for day in (D + timedelta(days=n) for n in (1, 2, 3, 4, 5, 6, 20, 45, 100, 200, 400)):
        nightly_sweep(as_of=day)
        assert full_recomputation_changes(day) == {"created": 0, "updated": 0, "deleted": 0}, day
    assert Deadline.objects.filter(member_id=scheduled, rule="referral_follow_up").exists()
    assert Deadline.objects.filter(member_id=birthday, rule="transition_plan").exists()


def test_a_fact_dated_in_the_future_takes_effect_on_its_day():
    scheduled, _birthday = future_facts()
    assert D < MemberComputation.objects.get(member_id=scheduled).wake_on <= D + timedelta(5)
    nightly_sweep(as_of=D + timedelta(days=4))
    assert not Deadline.objects.filter(member_id=scheduled, rule="referral_follow_up").exists()
    totals = nightly_sweep(as_of=D + timedelta(days=5))
    assert totals["members recomputed"] == 1
    follow_up = Deadline.objects.get(member_id=scheduled, rule="referral_follow_up")
    assert follow_up.start == D + timedelta(days=5) and follow_up.status == "open"


def test_open_deadlines_past_due_become_overdue_in_one_update():
    seed(12)
    refresh_deadlines(as_of=D)
    open_rows = Deadline.objects.filter(status="open")
    due = open_rows.order_by("due").values_list("due", flat=True).first()
    assert due is not None
    totals = nightly_sweep(as_of=due + timedelta(days=1))
    assert totals["overdue"] == Deadline.objects.filter(
        status="overdue", computed_on=due + timedelta(days=1)).count() >= 1
    assert full_recomputation_changes(due + timedelta(days=1))["updated"] == 0


def test_a_change_of_the_programs_lengths_recomputes_everyone():
    seed(8)
    assert nightly_sweep(as_of=D)["members recomputed"] == 0
    program = Program.objects.order_by("pk").first() or Program.objects.create(name="CARES")
    program.contact_interval_days += 10
    program.save()
    assert nightly_sweep(as_of=D)["members recomputed"] == 8
    assert full_recomputation_changes(D) == {"created": 0, "updated": 0, "deleted": 0}


def test_a_sweep_for_an_earlier_day_recomputes_the_members_computed_later():
    seed(6)
    nightly_sweep(as_of=D - timedelta(days=30))
    assert full_recomputation_changes(D - timedelta(days=30)) == {
        "created": 0, "updated": 0, "deleted": 0}


def sweep_queries(day: date) -> int:
    with CaptureQueriesContext(connection) as ctx:
        nightly_sweep(as_of=day)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("change_lengths", [False, True])
def test_the_sweep_runs_as_many_queries_for_forty_members_as_for_ten(change_lengths):
    counts = []
    for n in (10, 40):
        seed(n)
        if change_lengths:  # every member recomputed (one chunk)
            Program.objects.update_or_create(pk=1, defaults={"transition_plan_days": 91 + n})
        counts.append(sweep_queries(D))
    assert counts[0] == counts[1]


def test_wake_on_is_the_first_later_fact_or_the_transition_birthday():
    facts = MemberFacts(date_of_birth=date(2011, 3, 1), referral_date=date(2026, 1, 5),
                        referrals=(ReferralFacts("r1", scheduled=date(2027, 6, 1)),),
                        monitoring_reviews=((date(2026, 12, 10), "x"),))
    assert wake_on([facts], date(2026, 12, 1)) == date(2026, 12, 10)
    assert wake_on([facts], date(2026, 12, 10)) == date(2027, 3, 1)  # 16th birthday
    assert wake_on([facts], date(2027, 3, 1)) == date(2027, 6, 1)
    assert wake_on([facts], date(2027, 6, 1)) is None


def test_refresh_deadlines_command():
    seed(5)
    out = io.StringIO()
    call_command("refresh_deadlines", "--as-of", (D + timedelta(days=1)).isoformat(), stdout=out)
    assert out.getvalue().startswith("Nightly sweep: ")
    out = io.StringIO()
    call_command("refresh_deadlines", "--all", stdout=out)
    assert out.getvalue().startswith("Full recomputation: ")
    with pytest.raises(Exception, match="not a date"):
        call_command("refresh_deadlines", "--as-of", "31/12/2026")


def test_the_services_record_the_computation():
    member = enrolled_member(make_staff("care_coordinator"), referral_date=D)
    MemberComputation.objects.filter(member=member).delete()
    refresh_member_deadlines(member.pk)
    assert MemberComputation.objects.filter(member=member).exists()


def test_a_staff_member_hired_in_the_future_gets_the_training_deadline_on_the_hire_date():
    hired = make_staff("care_coordinator", hire_date=D + timedelta(days=10))
    refresh_deadlines(as_of=D)
    assert not Deadline.objects.filter(staff=hired).exists()
    assert nightly_sweep(as_of=D + timedelta(days=9))["staff recomputed"] == 0
    assert nightly_sweep(as_of=D + timedelta(days=10))["staff recomputed"] == 1
    assert Deadline.objects.filter(staff=hired, rule="staff_initial_training").exists()
    assert full_recomputation_changes(D + timedelta(days=10)) == {
        "created": 0, "updated": 0, "deleted": 0}
