"""Readings 13-15 at their boundaries: regular contact, discharge follow-up, ICP update
(deadlines.md; the pure rule book, no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cares.deadlines.lengths import DEFAULT_LENGTHS, ProgramLengths
from cares.deadlines.rules import (
    RULES,
    TERMINATED_REASON,
    MemberFacts,
    StayFacts,
    compute_member,
)

REF = date(2026, 1, 10)
ENROLLED = date(2026, 1, 20)
AS_OF = date(2026, 12, 1)


def facts(**kw):
    base = {"date_of_birth": date(2012, 4, 9), "referral_date": REF,
            "enrollment_effective": ENROLLED}
    return MemberFacts(**{**base, **kw})


def rows(found, rule):
    return [d for d in found if d.rule == rule]


def day(n: int) -> date:
    """``n`` days after enrollment."""
    return ENROLLED + timedelta(days=n)


def test_the_new_rules_cite_the_spec_and_read_their_program_settings():
    assert RULES["member_contact"].citation == "PS VI.B.1.a"
    assert RULES["discharge_follow_up"].citation == "PS VI.B.1.i"
    assert RULES["icp_update"].citation == "PS VI.A.1.b.3, VI.D.1.c"
    assert RULES["member_contact"].due == "previous anchor + 30 days (program setting)"
    assert RULES["discharge_follow_up"].due == "discharge + 7 days (program setting)"
    assert RULES["icp_update"].due == "start + 30 days (program setting)"


# --- member_contact (reading 13) ----------------------------------------------------------------

@pytest.mark.parametrize(("contact", "status"), [
    (30, "met"),  # day 30 is the due date: met
    (31, "late"),  # day 31: late
])
def test_member_contact_day_30_met_day_31_late(contact, status):
    found = rows(compute_member(facts(qualifying_contacts=((day(contact), "c"),)),
                                day(40)), "member_contact")
    first = found[0]
    assert (first.start, first.due, first.status) == (ENROLLED, day(30), status)
    assert first.satisfied_on == day(contact)
    # the contact anchors the next cycle
    assert found[1].start == day(contact) and found[1].due == day(contact + 30)


def test_a_contact_on_the_anchor_day_does_not_count():
    found = rows(compute_member(facts(qualifying_contacts=((ENROLLED, "c"),)), day(31)),
                 "member_contact")
    assert [(d.status, d.satisfied_on) for d in found] == [("overdue", None)]


def test_no_enrollment_no_regular_contact():
    f = facts(enrollment_effective=None, qualifying_contacts=((day(3), "c"),))
    assert rows(compute_member(f, AS_OF), "member_contact") == []


def test_member_contact_chains_and_stops_at_the_first_unsatisfied_cycle():
    contacts = ((day(20), "a"), (day(45), "b"), (day(46), "c"))
    found = rows(compute_member(facts(qualifying_contacts=contacts), day(200)),
                 "member_contact")
    assert [(d.start, d.status, d.satisfied_on) for d in found] == [
        (ENROLLED, "met", day(20)), (day(20), "met", day(45)), (day(45), "met", day(46)),
        (day(46), "overdue", None)]


def test_member_contact_uses_the_programs_interval():
    lengths = ProgramLengths(**{**DEFAULT_LENGTHS.__dict__, "contact_interval_days": 14})
    [first, *_] = rows(compute_member(facts(qualifying_contacts=((day(15), "c"),)), day(20),
                                      lengths=lengths), "member_contact")
    assert (first.due, first.status) == (day(14), "late")


def test_termination_closes_the_open_contact_cycle_and_starts_no_new_one():
    f = facts(qualifying_contacts=((day(10), "c"),), termination_date=day(25))
    found = rows(compute_member(f, day(90)), "member_contact")
    assert [(d.start, d.status, d.exception) for d in found] == [
        (ENROLLED, "met", ""), (day(10), "excepted", TERMINATED_REASON)]


@given(st.lists(st.integers(min_value=0, max_value=300), max_size=12),
       st.integers(min_value=0, max_value=330))
def test_member_contact_properties(offsets, as_of_offset):
    """Cycles chain (each starts where the previous was satisfied), exist only up to the
    as-of date, are met exactly when satisfied on or before due, and at most the last one is
    unsatisfied."""
    as_of = day(as_of_offset)
    contacts = tuple((day(n), f"c{n}") for n in offsets)
    found = rows(compute_member(facts(qualifying_contacts=contacts), as_of), "member_contact")
    assert found and found[0].start == ENROLLED
    for previous, cycle in zip(found, found[1:], strict=False):
        assert previous.satisfied_on == cycle.start
    for d in found:
        assert d.start <= as_of and d.due == d.start + timedelta(days=30)
        if d.satisfied_on is not None:
            assert d.satisfied_on > d.start and d.satisfied_on <= as_of
            assert d.status == ("met" if d.satisfied_on <= d.due else "late")
    assert all(d.satisfied_on is not None for d in found[:-1])


# --- discharge_follow_up (reading 14) -----------------------------------------------------------

ADMITTED, DISCHARGED = day(50), day(52)


def stay(key="h1", admitted=ADMITTED, discharged=DISCHARGED, follow_up=None):
    return StayFacts(key=key, admitted=admitted, discharged=discharged,
                     follow_up=(follow_up, "f") if follow_up else None)


@pytest.mark.parametrize(("follow_up", "status"), [(7, "met"), (8, "late")])
def test_discharge_follow_up_day_7_met_day_8_late(follow_up, status):
    f = facts(hospital_stays=(stay(follow_up=day(52 + follow_up)),))
    [d] = rows(compute_member(f, AS_OF), "discharge_follow_up")
    assert (d.start, d.due, d.status, d.satisfied_on, d.ref) == (
        day(52), day(59), status, day(52 + follow_up), "h1")


def test_a_stay_in_progress_has_no_follow_up_yet():
    f = facts(hospital_stays=(stay(discharged=None),))
    assert rows(compute_member(f, AS_OF), "discharge_follow_up") == []


def test_a_discharge_before_enrollment_starts_nothing_and_on_the_day_it_does():
    before = stay("h1", admitted=day(-5), discharged=day(-1))
    same_day = stay("h2", admitted=day(-3), discharged=day(0))
    found = rows(compute_member(facts(hospital_stays=(before, same_day)), AS_OF),
                 "discharge_follow_up")
    assert [d.ref for d in found] == ["h2"]


def test_no_enrollment_no_discharge_follow_up():
    f = facts(enrollment_effective=None, hospital_stays=(stay(),))
    assert rows(compute_member(f, AS_OF), "discharge_follow_up") == []


def test_discharge_follow_up_as_known_on_the_as_of_date():
    f = facts(hospital_stays=(stay(follow_up=day(55)),))
    assert rows(compute_member(f, day(51)), "discharge_follow_up") == []  # not discharged yet
    [d] = rows(compute_member(f, day(54)), "discharge_follow_up")
    assert (d.status, d.satisfied_on) == ("open", None)  # the follow-up lies ahead
    [d] = rows(compute_member(f, day(60)), "discharge_follow_up")
    assert (d.status, d.satisfied_on) == ("met", day(55))


def test_termination_closes_an_open_follow_up_and_none_starts_after_it():
    during = stay("h1", admitted=day(50), discharged=day(52))
    after = stay("h2", admitted=day(60), discharged=day(62))
    f = facts(hospital_stays=(during, after), termination_date=day(55))
    [d] = rows(compute_member(f, AS_OF), "discharge_follow_up")
    assert (d.ref, d.status, d.exception) == ("h1", "excepted", TERMINATED_REASON)


def test_an_overdue_follow_up_stays_overdue_after_termination():
    f = facts(hospital_stays=(stay(discharged=day(52)),), termination_date=day(70))
    [d] = rows(compute_member(f, AS_OF), "discharge_follow_up")
    assert d.status == "overdue"


def test_the_follow_up_window_is_a_program_setting():
    lengths = ProgramLengths(**{**DEFAULT_LENGTHS.__dict__, "discharge_follow_up_days": 3})
    f = facts(hospital_stays=(stay(follow_up=day(56)),))
    [d] = rows(compute_member(f, AS_OF, lengths=lengths), "discharge_follow_up")
    assert (d.due, d.status) == (day(55), "late")


# --- icp_update (reading 15) --------------------------------------------------------------------

def test_an_icp_finalized_on_the_reviews_own_day_counts():
    f = facts(finalized_icps=((day(40), "p1"), (day(200), "p2")),
              icp_update_requests=((day(200), "review"),))
    [d] = rows(compute_member(f, AS_OF), "icp_update")
    assert (d.start, d.due, d.status, d.satisfied_on, d.satisfied_ref) == (
        day(200), day(230), "met", day(200), "p2")


@pytest.mark.parametrize(("finalized", "status"), [(30, "met"), (31, "late")])
def test_icp_update_day_30_met_day_31_late(finalized, status):
    f = facts(finalized_icps=((day(40), "p1"), (day(100 + finalized), "p2")),
              icp_update_requests=((day(100), "review"),))
    [d] = rows(compute_member(f, AS_OF), "icp_update")
    assert (d.due, d.status) == (day(130), status)


def test_an_earlier_icp_version_does_not_satisfy_an_update():
    f = facts(finalized_icps=((day(40), "p1"),), icp_update_requests=((day(100), "r"),))
    [d] = rows(compute_member(f, day(131)), "icp_update")
    assert d.status == "overdue"


def test_one_icp_update_per_request_each_met_by_the_first_version_after_it():
    f = facts(finalized_icps=((day(40), "p1"), (day(120), "p2")),
              icp_update_requests=((day(100), "r1"), (day(110), "r2"), (day(130), "r3")))
    found = rows(compute_member(f, day(140)), "icp_update")
    assert [(d.start, d.status, d.satisfied_ref) for d in found] == [
        (day(100), "met", "p2"), (day(110), "met", "p2"), (day(130), "open", None)]
    assert len({(d.cycle, d.ref) for d in found}) == 3  # stored rows stay apart


def test_termination_closes_an_open_icp_update():
    f = facts(finalized_icps=((day(40), "p1"),), icp_update_requests=((day(100), "r"),),
              termination_date=day(110))
    [d] = rows(compute_member(f, AS_OF), "icp_update")
    assert (d.status, d.exception) == ("excepted", TERMINATED_REASON)


def test_closing_before_enrollment_does_not_release_the_new_rules():
    """Reading 12 applies only to the 60-day duties; the new rules need an enrollment
    anyway (a member closed before enrollment has none)."""
    f = facts(enrollment_effective=None, closed_before_enrollment=(date(2026, 2, 1), "declined"),
              icp_update_requests=((date(2026, 1, 30), "r"),))
    [d] = rows(compute_member(f, AS_OF), "icp_update")
    assert d.status == "overdue"  # a recorded request still counts as usual
