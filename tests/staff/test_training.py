"""PS V training: required topics per role, the initial due date, and the annual cycle."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cares.base.staff.training import (
    ALL_STAFF_TOPICS,
    COORDINATOR_AND_FAMILY_SUPPORT_TOPICS,
    initial_training_due,
    required_initial_topics,
    training_status,
)

ALL = [(t, date(2025, 2, 1)) for t in ALL_STAFF_TOPICS]
CC = ALL + [(t, date(2025, 3, 1)) for t in COORDINATOR_AND_FAMILY_SUPPORT_TOPICS]


@pytest.mark.parametrize(("hire", "due"), [
    (date(2023, 1, 1), date(2023, 12, 31)),   # before the floor: 2023-12-31
    (date(2023, 9, 30), date(2023, 12, 31)),  # exactly three months reaches the floor
    (date(2023, 10, 1), date(2024, 1, 1)),
    (date(2025, 11, 30), date(2026, 2, 28)),  # calendar months clip to month end
])
def test_initial_training_due(hire, due):
    assert initial_training_due(hire) == due


def test_coordinators_and_family_support_need_the_extra_topics():
    assert required_initial_topics(["senior_care_manager"]) == ALL_STAFF_TOPICS
    for role in ("care_coordinator", "family_support"):
        assert set(required_initial_topics([role])) == set(
            ALL_STAFF_TOPICS + COORDINATOR_AND_FAMILY_SUPPORT_TOPICS)


def test_initial_training_overdue_lists_missing_topics():
    status = training_status(date(2025, 1, 6), ["care_coordinator"], ALL, date(2025, 4, 7))
    assert status.state == "overdue"
    assert status.due == date(2025, 4, 6)
    assert status.missing == COORDINATOR_AND_FAMILY_SUPPORT_TOPICS


def test_initial_training_due_on_the_due_date_is_not_overdue():
    status = training_status(date(2025, 1, 6), ["care_coordinator"], ALL, date(2025, 4, 6))
    assert status.state == "due"


def test_annual_training_cycle_anchors_on_completion():
    status = training_status(date(2025, 1, 6), ["care_coordinator"], CC, date(2026, 3, 1))
    assert (status.state, status.due) == ("complete", date(2026, 3, 1))
    status = training_status(date(2025, 1, 6), ["care_coordinator"], CC, date(2026, 3, 2))
    assert status.state == "overdue"
    done = CC + [("annual", date(2026, 2, 15))]
    status = training_status(date(2025, 1, 6), ["care_coordinator"], done, date(2026, 3, 2))
    assert (status.state, status.due) == ("complete", date(2027, 2, 15))


def test_annual_record_does_not_stand_in_for_an_initial_topic():
    records = ALL[:2] + [("annual", date(2025, 2, 1))]
    status = training_status(date(2025, 1, 6), ["senior_care_manager"], records,
                             date(2025, 3, 1))
    assert status.missing == (ALL_STAFF_TOPICS[2],)


def test_training_after_the_as_of_date_is_not_known_yet():
    status = training_status(date(2025, 1, 6), ["senior_care_manager"], ALL, date(2025, 1, 31))
    assert status.state == "due" and len(status.missing) == 3


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_initial_due_is_never_before_the_floor_or_three_months(hire):
    due = initial_training_due(hire)
    assert due >= date(2023, 12, 31)
    assert due > hire
