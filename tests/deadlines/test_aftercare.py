"""``aftercare_plan`` (PS IX.B, reading 8): it exists from the day removal of assignment is
initiated and is due on the termination date (the planned one until the member is actually
terminated; reading 8 as corrected: "before the removal of assignment", which takes effect at
the end of that day), so the worklist warns while the removal is under way."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cares.deadlines.facts import episode_facts, members_with_records
from cares.deadlines.models import Deadline as DeadlineRow
from cares.deadlines.rules import MemberFacts, compute_member
from members import services
from members.models import Member
from tests.factories import enrolled_member

INITIATED = date(2026, 5, 1)
PLANNED = date(2026, 6, 15)


def removal(**kw):
    base = {"date_of_birth": date(2012, 4, 9), "referral_date": date(2026, 1, 10),
            "enrollment_effective": date(2026, 1, 20), "removal_initiated": INITIATED,
            "planned_termination_date": PLANNED}
    return MemberFacts(**{**base, **kw})


def aftercare(f, as_of):
    found = [d for d in compute_member(f, as_of) if d.rule == "aftercare_plan"]
    assert len(found) <= 1
    return found[0] if found else None


# --- the rule -----------------------------------------------------------------------------------

def test_no_aftercare_deadline_before_removal_is_initiated():
    assert aftercare(removal(), INITIATED - timedelta(days=1)) is None
    assert aftercare(removal(removal_initiated=None), date(2026, 6, 1)) is None


@pytest.mark.parametrize("as_of", [INITIATED, date(2026, 6, 14), PLANNED])
def test_open_while_removal_is_under_way_due_on_the_planned_date(as_of):
    d = aftercare(removal(), as_of)
    assert (d.start, d.due, d.status, d.satisfied_on) == (INITIATED, PLANNED, "open", None)


@pytest.mark.parametrize(("plan", "status"), [
    (date(2026, 5, 20), "met"), (date(2026, 6, 15), "met"), (date(2026, 6, 16), "late")])
def test_plan_completed_before_termination(plan, status):
    d = aftercare(removal(aftercare_plan=(plan, "removal:1")), date(2026, 6, 16))
    assert (d.status, d.satisfied_on, d.satisfied_ref) == (status, plan, "removal:1")


def test_overdue_once_the_planned_date_passes_without_a_plan():
    assert aftercare(removal(), date(2026, 6, 15)).status == "open"
    assert aftercare(removal(), date(2026, 6, 16)).status == "overdue"
    # A plan recorded after the as-of date is not known yet (reading 1).
    late_plan = removal(aftercare_plan=(date(2026, 6, 20), "x"))
    assert aftercare(late_plan, date(2026, 6, 16)).status == "overdue"
    assert aftercare(late_plan, date(2026, 6, 30)).status == "late"


def test_a_termination_after_the_as_of_date_is_not_known_the_planned_date_counts():
    f = removal(termination_date=date(2026, 6, 30))
    assert aftercare(f, date(2026, 6, 1)).due == PLANNED
    # Once terminated, the actual termination date counts, whatever was planned.
    d = aftercare(f, date(2026, 7, 1))
    assert (d.start, d.due, d.status) == (INITIATED, date(2026, 6, 30), "overdue")
    assert aftercare(removal(termination_date=date(2026, 6, 1)), date(2026, 6, 1)).due == \
        date(2026, 6, 1)


def test_removal_initiated_and_completed_on_the_same_day_is_met():
    """The case that made reading 8 change: removal started today with termination planned
    today, plan completed and member terminated today. Due today, met today."""
    day = date(2026, 6, 15)
    f = removal(removal_initiated=day, planned_termination_date=day, termination_date=day,
                aftercare_plan=(day, "removal:1"))
    d = aftercare(f, day)
    assert (d.start, d.due, d.status, d.satisfied_on) == (day, day, "met", day)
    assert aftercare(removal(removal_initiated=day, planned_termination_date=day), day).status \
        == "open"


def test_without_an_initiation_date_it_starts_on_the_termination_date():
    """Imported records: only the termination date is known (as before)."""
    f = removal(removal_initiated=None, planned_termination_date=None,
                termination_date=date(2026, 6, 1))
    assert aftercare(f, date(2026, 5, 31)) is None
    d = aftercare(f, date(2026, 6, 1))
    assert (d.start, d.due, d.status) == (date(2026, 6, 1), date(2026, 6, 1), "open")
    assert aftercare(f, date(2026, 6, 2)).status == "overdue"


def test_never_closed_by_termination():
    f = removal(termination_date=date(2026, 6, 1), aftercare_plan=(date(2026, 6, 3), "x"))
    d = aftercare(f, date(2026, 12, 31))
    assert (d.status, d.exception, d.satisfied_on) == ("late", "", date(2026, 6, 3))


# --- through the services ------------------------------------------------------------------------

COMPLETE_PLAN = {"consent_signed_by": "Ana Example", "recommendations": "Continue PT.",
                 "referrals": "None needed", "services_in_place": "PT weekly.",
                 "medications": "None."}


def stored(member):
    return DeadlineRow.objects.get(member=member, rule="aftercare_plan")


@pytest.mark.django_db
def test_removal_under_way_has_a_stored_aftercare_deadline(coordinator):
    today = timezone.localdate()
    initiated, planned = today - timedelta(days=5), today + timedelta(days=20)
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=90))
    episode = services.current_episode(member)
    assert not DeadlineRow.objects.filter(member=member, rule="aftercare_plan").exists()

    record = services.removal_initiate(episode=episode, initiated_on=initiated,
                                       reason="goals_met", planned_termination_date=planned)
    row = stored(member)
    assert (row.start, row.due, row.status) == (initiated, planned, "open")

    [(_, facts)] = episode_facts(members_with_records(Member.objects.filter(pk=member.pk)).get())
    assert (facts.removal_initiated, facts.planned_termination_date) == (initiated, planned)

    def on(as_of):  # the member's records as they are now
        [(_, now)] = episode_facts(members_with_records(Member.objects.filter(pk=member.pk))
                                   .get())
        [d] = [d for d in compute_member(now, as_of) if d.rule == "aftercare_plan"]
        return d

    assert not [d for d in compute_member(facts, initiated - timedelta(days=1))
                if d.rule == "aftercare_plan"]
    assert on(planned).status == "open"  # due on the planned date itself
    assert on(planned + timedelta(days=1)).status == "overdue"

    completed = today - timedelta(days=2)
    services.aftercare_update(removal=record, completed_on=completed,
                              consent_signed_on=completed, **COMPLETE_PLAN)
    row = stored(member)
    assert (row.status, row.satisfied_on) == ("met", completed)
    assert on(planned).status == "met"

    episode.refresh_from_db()
    services.termination_complete(episode=episode, termination_date=today)
    row = stored(member)
    assert (row.start, row.due, row.status, row.satisfied_on) == (
        initiated, today, "met", completed)


@pytest.mark.django_db
def test_removal_started_and_finished_today_reads_met_and_counts_on_time(coordinator):
    """Issue 12.2, as reproduced: start removal today with termination planned today,
    complete the plan and terminate: the deadline is met, due today, not late."""
    today = timezone.localdate()
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=90))
    episode = services.current_episode(member)
    record = services.removal_initiate(episode=episode, initiated_on=today, reason="goals_met",
                                       planned_termination_date=today)
    services.aftercare_update(removal=record, completed_on=today, consent_signed_on=today,
                              **COMPLETE_PLAN)
    episode.refresh_from_db()
    services.termination_complete(episode=episode, termination_date=today)
    row = stored(member)
    assert (row.start, row.due, row.status, row.satisfied_on) == (today, today, "met", today)
