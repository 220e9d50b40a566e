"""The rule book at its boundaries, and its properties (deadlines.md)."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from cares.base.calendar import add_business_days
from cares.deadlines.rules import (
    RULES,
    DeliveryFacts,
    MemberFacts,
    ReferralFacts,
    StaffTrainingFacts,
    compute_business_day_rule,
    compute_member,
    compute_staff,
    status_of,
)

REF = date(2026, 1, 10)


def facts(**kw):
    base = {"date_of_birth": date(2012, 4, 9), "referral_date": REF}
    return MemberFacts(**{**base, **kw})


def by_rule(found, rule):
    return [d for d in found if d.rule == rule]


def one(found, rule):
    [d] = by_rule(found, rule)
    return d


def test_every_rule_cites_the_spec():
    for rule in RULES.values():
        assert rule.citation.startswith(("PS ", "CLR")), rule.key


# --- initial_assessment_icp ---------------------------------------------------------------------

@pytest.mark.parametrize(("assessed", "finalized", "status", "on"), [
    (date(2026, 3, 11), date(2026, 3, 1), "met", date(2026, 3, 11)),  # due date itself counts
    (date(2026, 3, 1), date(2026, 3, 12), "late", date(2026, 3, 12)),  # one day late
    (date(2026, 2, 1), None, "overdue", None),
])
def test_initial_assessment_icp(assessed, finalized, status, on):
    f = facts(initial_assessments=((assessed, "a"),),
              finalized_icps=((finalized, "p"),) if finalized else ())
    d = one(compute_member(f, date(2026, 6, 30)), "initial_assessment_icp")
    assert d.due == date(2026, 3, 11)
    assert (d.status, d.satisfied_on) == (status, on)


def test_events_after_the_as_of_date_are_not_known():
    f = facts(initial_assessments=((date(2026, 2, 1), "a"),),
              finalized_icps=((date(2026, 3, 1), "p"),))
    assert one(compute_member(f, date(2026, 2, 15)), "initial_assessment_icp").status == "open"
    assert one(compute_member(f, date(2026, 3, 12)), "initial_assessment_icp").status == "met"
    d = one(compute_member(facts(), date(2026, 3, 12)), "initial_assessment_icp")
    assert (d.status, d.satisfied_on) == ("overdue", None)


def test_no_deadline_before_its_start():
    assert compute_member(facts(), REF - timedelta(days=1)) == []


# --- icp_copies ---------------------------------------------------------------------------------

def copies(*items):
    return tuple(DeliveryFacts(lang, medium, on) for lang, medium, on in items)


def test_icp_copies_need_english_and_primary_language_on_paper_and_electronically():
    d1, d2 = date(2026, 3, 2), date(2026, 3, 5)
    full = copies(("en", "paper", d1), ("en", "electronic", d1), ("vi", "paper", d2),
                  ("vi", "electronic", d2))
    f = facts(primary_language="vi", finalized_icps=((date(2026, 3, 1), "p1"),),
              deliveries_by_icp={"p1": full})
    d = one(compute_member(f, date(2026, 6, 30)), "icp_copies")
    assert (d.status, d.satisfied_on) == ("met", d2)
    f = facts(primary_language="vi", finalized_icps=((date(2026, 3, 1), "p1"),),
              deliveries_by_icp={"p1": full[:3]})
    assert one(compute_member(f, date(2026, 6, 30)), "icp_copies").status == "overdue"


def test_icp_copies_tags_compare_whole():
    d1 = date(2026, 3, 2)
    f = facts(primary_language="pt-BR", finalized_icps=((date(2026, 3, 1), "p1"),),
              deliveries_by_icp={"p1": copies(("en", "paper", d1), ("en", "electronic", d1),
                                              ("pt", "paper", d1), ("pt", "electronic", d1))})
    assert one(compute_member(f, date(2026, 6, 30)), "icp_copies").status == "overdue"
    f = facts(primary_language="pt-BR", finalized_icps=((date(2026, 3, 1), "p1"),),
              deliveries_by_icp={"p1": copies(("en", "paper", d1), ("en", "electronic", d1),
                                              ("PT-br", "paper", d1), ("pt-BR", "electronic",
                                                                         d1))})
    assert one(compute_member(f, date(2026, 6, 30)), "icp_copies").status == "met"


def test_icp_copies_english_family_needs_one_of_each():
    d1 = date(2026, 4, 1)
    f = facts(primary_language="en", finalized_icps=((date(2026, 3, 1), "p1"),),
              deliveries_by_icp={"p1": copies(("en", "paper", d1), ("en", "electronic", d1))})
    d = one(compute_member(f, date(2026, 6, 30)), "icp_copies")
    assert (d.status, d.satisfied_on) == ("late", d1)


def test_icp_copies_use_the_first_finalized_plan_only():
    d1 = date(2026, 3, 2)
    f = facts(finalized_icps=((date(2026, 3, 1), "p1"), (date(2026, 4, 1), "p2")),
              deliveries_by_icp={"p2": copies(("en", "paper", d1), ("en", "electronic", d1))})
    assert one(compute_member(f, date(2026, 6, 30)), "icp_copies").status == "overdue"


# --- letters ------------------------------------------------------------------------------------

def test_enrollment_letter_30_days():
    f = facts(enrollment_effective=date(2026, 1, 20),
              enrollment_letter_sent=(date(2026, 2, 19), "l"))
    d = one(compute_member(f, date(2026, 6, 30)), "enrollment_letter")
    assert (d.due, d.status) == (date(2026, 2, 19), "met")
    f = facts(enrollment_effective=date(2026, 1, 20),
              enrollment_letter_sent=(date(2026, 2, 20), "l"))
    assert one(compute_member(f, date(2026, 6, 30)), "enrollment_letter").status == "late"
    assert by_rule(compute_member(facts(), date(2026, 6, 30)), "enrollment_letter") == []


# --- recurring rules ----------------------------------------------------------------------------

def test_monitoring_six_calendar_months_from_31_august_is_end_of_february():
    f = facts(finalized_icps=((date(2026, 8, 31), "p"),))
    d = one(compute_member(f, date(2026, 9, 1)), "monitoring")
    assert d.due == date(2027, 2, 28)
    f = facts(finalized_icps=((date(2027, 8, 31), "p"),))
    assert one(compute_member(f, date(2027, 9, 1)), "monitoring").due == date(2028, 2, 29)


def test_monitoring_chain_anchors_on_each_review():
    f = facts(finalized_icps=((date(2026, 3, 1), "p"),),
              monitoring_reviews=((date(2026, 8, 15), "m1"), (date(2026, 9, 1), "m2"),
                                  (date(2027, 3, 1), "m3")))
    chain = by_rule(compute_member(f, date(2027, 12, 31)), "monitoring")
    assert [(d.due, d.status, d.satisfied_on) for d in chain] == [
        (date(2026, 9, 1), "met", date(2026, 8, 15)),
        (date(2027, 2, 15), "met", date(2026, 9, 1)),
        (date(2027, 3, 1), "met", date(2027, 3, 1)),
        (date(2027, 9, 1), "overdue", None),
    ]


def test_monitoring_review_on_the_anchor_day_does_not_count():
    f = facts(finalized_icps=((date(2026, 3, 1), "p"),),
              monitoring_reviews=((date(2026, 3, 1), "m1"),))
    d = one(compute_member(f, date(2026, 6, 30)), "monitoring")
    assert d.status == "open"


def test_annual_reassessment_starts_from_the_latest_initial_assessment():
    f = facts(initial_assessments=((date(2026, 2, 1), "a1"), (date(2026, 2, 20), "a2")),
              reassessments=((date(2027, 2, 21), "r1"),))
    chain = by_rule(compute_member(f, date(2027, 6, 1)), "annual_reassessment")
    assert [(d.due, d.status) for d in chain] == [(date(2027, 2, 20), "late"),
                                                  (date(2028, 2, 21), "open")]


def test_leap_day_anchor_plus_twelve_months():
    f = facts(initial_assessments=((date(2028, 2, 29), "a"),))
    d = one(compute_member(f, date(2028, 3, 1)), "annual_reassessment")
    assert d.due == date(2029, 2, 28)


# --- referral follow-up -------------------------------------------------------------------------

@pytest.mark.parametrize(("follow_up", "status"), [
    (date(2026, 5, 1), "met"),  # day 30
    (date(2026, 5, 2), "late"),  # day 31
])
def test_referral_follow_up_day_30_met_day_31_late(follow_up, status):
    f = facts(referrals=(ReferralFacts("r1", date(2026, 4, 1), (follow_up, "f")),))
    d = one(compute_member(f, date(2026, 6, 30)), "referral_follow_up")
    assert (d.due, d.status, d.ref) == (date(2026, 5, 1), status, "r1")


def test_referral_follow_up_exception_and_unscheduled():
    f = facts(referrals=(
        ReferralFacts("r1", date(2026, 4, 1), (date(2026, 4, 5), "f"), "Family moved"),
        ReferralFacts("r2", None),
        ReferralFacts("r3", date(2026, 7, 1)),
    ))
    found = by_rule(compute_member(f, date(2026, 6, 30)), "referral_follow_up")
    assert [(d.ref, d.status, d.satisfied_on) for d in found] == [("r1", "excepted", None)]


# --- transition plan ----------------------------------------------------------------------------

def test_transition_plan_from_16th_birthday_or_enrollment():
    born = date(2010, 5, 1)
    f = facts(date_of_birth=born, enrollment_effective=date(2026, 1, 20))
    d = one(compute_member(f, date(2026, 12, 31)), "transition_plan")
    assert (d.start, d.due) == (date(2026, 5, 1), date(2026, 6, 30))
    older = facts(date_of_birth=date(2009, 5, 1), enrollment_effective=date(2026, 1, 20))
    d = one(compute_member(older, date(2026, 12, 31)), "transition_plan")
    assert d.start == date(2026, 1, 20)
    assert by_rule(compute_member(f, date(2026, 4, 30)), "transition_plan") == []


def test_transition_plan_recorded_before_the_start_satisfies_it():
    f = facts(date_of_birth=date(2010, 5, 1), enrollment_effective=date(2026, 1, 20),
              transition_plans=((date(2026, 3, 1), "t"),))
    d = one(compute_member(f, date(2026, 12, 31)), "transition_plan")
    assert (d.status, d.satisfied_on) == ("met", date(2026, 3, 1))


# --- termination --------------------------------------------------------------------------------

def terminated(**kw):
    return facts(enrollment_effective=date(2026, 1, 20),
                 initial_assessments=((date(2026, 2, 20), "a"),),
                 finalized_icps=((date(2026, 3, 1), "p"),),
                 termination_date=date(2026, 6, 1), **kw)


def test_termination_closes_open_deadlines_as_excepted():
    f = terminated(referrals=(ReferralFacts("r1", date(2026, 5, 20)),
                              ReferralFacts("r2", date(2026, 6, 5))))
    found = compute_member(f, date(2026, 12, 31))
    monitoring = one(found, "monitoring")
    assert (monitoring.status, monitoring.exception) == ("excepted", "member terminated")
    assert one(found, "referral_follow_up").ref == "r1"  # r2 would start after termination
    assert one(found, "referral_follow_up").status == "excepted"
    assert one(found, "initial_assessment_icp").status == "met"
    assert one(found, "enrollment_letter").status == "overdue"  # overdue on T stays overdue
    assert one(found, "termination_letter").status == "overdue"
    assert one(found, "aftercare_plan").due == date(2026, 6, 1)  # reading 8: on T


def test_satisfying_after_termination_does_not_reopen_an_excepted_deadline():
    f = terminated(monitoring_reviews=((date(2026, 7, 1), "m"),))
    assert one(compute_member(f, date(2026, 12, 31)), "monitoring").status == "excepted"


def test_overdue_on_termination_becomes_late_if_satisfied_later():
    f = terminated(enrollment_letter_sent=(date(2026, 7, 1), "l"))
    d = one(compute_member(f, date(2026, 12, 31)), "enrollment_letter")
    assert (d.status, d.satisfied_on) == ("late", date(2026, 7, 1))


@pytest.mark.parametrize(("plan", "status"), [
    (date(2026, 5, 31), "met"), (date(2026, 6, 1), "met"), (date(2026, 6, 2), "late"),
    (None, "overdue")])
def test_aftercare_plan_is_due_on_the_termination_date(plan, status):
    f = terminated(aftercare_plan=(plan, "x") if plan else None)
    assert one(compute_member(f, date(2026, 6, 30)), "aftercare_plan").status == status


def test_termination_after_the_as_of_date_is_not_known():
    found = compute_member(terminated(), date(2026, 5, 1))
    assert by_rule(found, "termination_letter") == []
    assert one(found, "monitoring").status == "open"


def test_deadline_starting_on_termination_day_is_closed_at_once():
    f = terminated(monitoring_reviews=((date(2026, 6, 1), "m"),))
    chain = by_rule(compute_member(f, date(2026, 12, 31)), "monitoring")
    assert [(d.start, d.status) for d in chain] == [(date(2026, 3, 1), "met"),
                                                    (date(2026, 6, 1), "excepted")]


# --- staff --------------------------------------------------------------------------------------

ALL = ("care_coordination_principles", "equity_implicit_bias", "privacy_hipaa_ferpa")


def test_staff_initial_then_annual_training():
    f = StaffTrainingFacts(date(2026, 1, 5), ("senior_care_manager",),
                           tuple((t, date(2026, 2, 1)) for t in ALL))
    found = compute_staff(f, date(2027, 3, 1))
    assert [(d.rule, d.due, d.status) for d in found] == [
        ("staff_initial_training", date(2026, 4, 5), "met"),
        ("staff_annual_training", date(2027, 2, 1), "overdue"),
    ]


def test_staff_training_floor_of_2023():
    f = StaffTrainingFacts(date(2023, 3, 1), ("family_support",), ())
    assert compute_staff(f, date(2024, 1, 1))[0].due == date(2023, 12, 31)


# --- business days ------------------------------------------------------------------------------

def test_business_days_skip_a_long_weekend_with_patriots_day():
    # Friday 17 April 2026; Monday 20 April is Patriots' Day (Massachusetts).
    assert add_business_days(date(2026, 4, 17), 1) == date(2026, 4, 21)
    assert add_business_days(date(2026, 4, 17), 2) == date(2026, 4, 22)
    [d] = compute_business_day_rule("medical_consult_response", date(2026, 4, 17),
                                    (date(2026, 4, 21), "r"), date(2026, 5, 1))
    assert (d.due, d.status) == (date(2026, 4, 21), "met")
    [d] = compute_business_day_rule("referral_closure_notice", date(2026, 4, 17), None,
                                    date(2026, 4, 23))
    assert (d.due, d.status) == (date(2026, 4, 22), "overdue")


# --- properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(due=dates, satisfied=st.one_of(st.none(), dates), as_of=dates)
def test_met_iff_satisfied_on_or_before_due(due, satisfied, as_of):
    status = status_of(due, satisfied, as_of)
    assert (status == "met") == (satisfied is not None and satisfied <= due)
    assert (status in ("open", "overdue")) == (satisfied is None)


@given(anchor=dates, gaps=st.lists(st.integers(min_value=-30, max_value=400), max_size=8),
       as_of=dates)
def test_monitoring_cycles_never_overlap(anchor, gaps, as_of):
    reviews, day = [], anchor
    for gap in gaps:
        day = day + timedelta(days=gap)
        reviews.append((day, f"m{len(reviews)}"))
    f = facts(referral_date=anchor - timedelta(days=30),
              finalized_icps=((anchor, "p"),), monitoring_reviews=tuple(reviews))
    chain = by_rule(compute_member(f, as_of), "monitoring")
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert earlier.satisfied_on is not None
        assert later.start == earlier.satisfied_on
        assert later.start > earlier.start
    for d in chain:
        assert d.due == d.start + relativedelta(months=6)
        assert d.start <= as_of
    assert all(d.status != "open" or as_of <= d.due for d in chain)
    if chain:
        assert all(d.satisfied_on is not None for d in chain[:-1])


@given(as_of=dates)
def test_computing_twice_gives_the_same_answer(as_of):
    f = terminated(referrals=(ReferralFacts("r1", date(2026, 5, 20)),))
    assert compute_member(f, as_of) == compute_member(f, as_of)
