"""A rule's period: its due date and the words of its due column come from one number."""

from dataclasses import replace
from datetime import date

import pytest

from cares.deadlines.lengths import DEFAULT_LENGTHS, Period
from cares.deadlines.rules import RULES


@pytest.mark.parametrize(("period", "start", "due", "text"), [
    (Period(days=60), date(2026, 1, 10), date(2026, 3, 11), "60 days"),
    (Period(months=6), date(2027, 8, 31), date(2028, 2, 29), "6 months"),  # clipped
    (Period(business_days=1), date(2026, 4, 17), date(2026, 4, 21), "1 business day"),
    (Period(business_days=2), date(2026, 4, 17), date(2026, 4, 22), "2 business days"),
    (Period(setting="transition_plan_days"), date(2026, 1, 1), date(2026, 3, 2),
     "60 days (program setting)"),
])
def test_a_period_gives_the_due_date_and_its_words(period, start, due, text):
    assert period.after(start) == due
    assert period.text == text


def test_a_program_setting_is_read_from_the_lengths_given():
    lengths = replace(DEFAULT_LENGTHS, transition_plan_days=10)
    assert Period(setting="transition_plan_days").after(date(2026, 1, 1), lengths) == \
        date(2026, 1, 11)


@pytest.mark.parametrize("kwargs", [{}, {"days": 1, "months": 1}, {"setting": "nonsense"}])
def test_a_period_is_exactly_one_known_length(kwargs):
    with pytest.raises(ValueError):
        Period(**kwargs)


def test_the_rule_book_columns_are_built_from_the_periods():
    due = {key: rule.due for key, rule in RULES.items()}
    assert due == {
        "initial_assessment_icp": "start + 60 days",
        "icp_copies": "start + 60 days",
        "enrollment_letter": "start + 30 days",
        "monitoring": "previous anchor + 6 months",
        "annual_reassessment": "previous anchor + 12 months",
        "referral_follow_up": "scheduled date + 30 days",
        "transition_plan": "start + 60 days (program setting)",
        "aftercare_plan": "on or before the termination date",
        "termination_letter": "start + 30 days",
        "staff_initial_training": "the later of hire + 3 months and 2023-12-31",
        "staff_annual_training": "previous anchor + 12 months",
        "medical_consult_response": "1 business day",
        "referral_inquiry_response": "1 business day",
        "referral_closure_notice": "2 business days",
        "member_contact": "previous anchor + 30 days (program setting)",
        "discharge_follow_up": "discharge + 7 days (program setting)",
        "icp_update": "start + 30 days (program setting)",
    }
    assert all(rule.period is not None for key, rule in RULES.items() if key != "aftercare_plan")
