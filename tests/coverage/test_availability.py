"""The senior medical professional's consultation hours (PS IV.A.2): a weekly schedule less
holidays and leave, backup coverage filling in, and the program check over business days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.staff.models import Role
from cares.base.toolkit import Refusal
from members.coordination import services as coordination
from members.coverage import availability, backup
from members.coverage.checks import coverage_checks
from members.coverage.models import AvailabilityHours, StaffLeave
from tests.factories import enrolled_member, make_director, make_medical, make_staff, sign_in

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def weekdays_for(doctor, director, *, valid_from=date(2026, 11, 1)):
    for weekday in range(5):
        availability.hours_add(staff=doctor, weekday=weekday, starts=time(9),
                               ends=time(17), valid_from=valid_from, actor=director.user)


@pytest.fixture
def doctor_and_director():
    director = make_director()
    doctor = make_medical()
    weekdays_for(doctor, director)
    return doctor, director


def test_only_a_qualified_senior_medical_professional_holds_hours():
    director = make_director()
    coordinator = make_staff(Role.CARE_COORDINATOR)
    lapsed = make_staff(Role.SENIOR_MEDICAL_PROFESSIONAL)  # no licence on file
    for person in (coordinator, lapsed):
        with pytest.raises(Refusal) as refused:
            availability.hours_add(staff=person, weekday=0, starts=time(9), ends=time(17),
                                   valid_from=date(2026, 12, 1), actor=director.user)
        assert "staff" in refused.value.error_dict
    assert not AvailabilityHours.objects.exists()


def test_hours_are_audited_and_overlaps_refused(doctor_and_director):
    doctor, director = doctor_and_director
    ids = [str(pk) for pk in AvailabilityHours.objects.values_list("pk", flat=True)]
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="members.AvailabilityHours",
                                     object_id__in=ids).count() == 5
    with pytest.raises(Refusal) as refused:
        availability.hours_add(staff=doctor, weekday=0, starts=time(16), ends=time(18),
                               valid_from=date(2026, 12, 1), actor=director.user)
    assert "overlap" in str(refused.value)


def test_covering_consultant_in_and_out_of_hours(doctor_and_director):
    doctor, _director = doctor_and_director
    monday = date(2026, 12, 7)
    assert availability.covering_consultant(local(monday, 10)).staff == doctor
    assert availability.covering_consultant(local(monday, 18)) is None
    assert availability.covering_consultant(local(date(2026, 12, 5), 10)) is None  # Saturday


def test_thanksgiving_is_not_required(doctor_and_director):
    """Thursday 26 November 2026 is a holiday: nobody is needed, and the hours don't count."""
    assert availability.covering_consultant(local(date(2026, 11, 26), 10)) is None
    missing = availability.uncovered_business_days(date(2026, 11, 23), days=7)
    assert missing == []


def test_a_leave_day_without_cover_is_reported_then_covered_by_a_backup(doctor_and_director):
    doctor, director = doctor_and_director
    tuesday = date(2026, 12, 8)
    backup.leave_add(staff=doctor, starts_at=local(tuesday, 0),
                     ends_at=local(tuesday + timedelta(days=1), 0), reason="illness",
                     actor=director.user)
    assert availability.uncovered_business_days(date(2026, 12, 7), days=5) == [tuesday]
    check = next(c for c in coverage_checks(local(date(2026, 12, 7), 8))
                 if c.key == "smp_available")
    assert not check.ok and "Tue 8 Dec" in check.detail and check.citation == "PS IV.A.2"

    colleague = make_medical()
    backup.coverage_add(covered=doctor, backup=colleague,
                        role=Role.SENIOR_MEDICAL_PROFESSIONAL, starts_at=local(tuesday, 8),
                        ends_at=local(tuesday, 18), leave=StaffLeave.objects.get(),
                        actor=director.user)
    assert availability.uncovered_business_days(date(2026, 12, 7), days=5) == []
    cover = availability.covering_consultant(local(tuesday, 10))
    assert cover.staff == colleague and cover.covered == doctor


def test_the_check_lists_every_uncovered_business_day_when_nobody_has_hours():
    check = availability.availability_check(local(date(2026, 12, 4), 8))
    assert not check.ok and "Fri 4 Dec" in check.detail and "Sat 5 Dec" not in check.detail


def test_removing_hours_in_use_ends_them_yesterday(doctor_and_director):
    doctor, director = doctor_and_director
    hours = AvailabilityHours.objects.filter(staff=doctor, weekday=0).get()
    availability.hours_remove(hours_id=hours.pk, actor=director.user, today=date(2026, 12, 7))
    hours.refresh_from_db()
    assert hours.valid_until == date(2026, 12, 6)
    assert availability.covering_consultant(local(date(2026, 12, 7), 10)) is None


def test_hours_page_for_staff_and_editing_for_managers(doctor_and_director,
                                                       django_assert_max_num_queries):
    doctor, director = doctor_and_director
    coordinator = make_staff(Role.CARE_COORDINATOR)
    client = sign_in(Client(), coordinator.user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("coverage:hours"))
    assert page.status_code == 200 and str(doctor) in page.content.decode()
    assert client.get(reverse("coverage:hours_add")).status_code == 403
    manager = sign_in(Client(), director.user)
    response = manager.post(reverse("coverage:hours_add"), {
        "staff": doctor.pk, "weekday": 5, "starts": "10:00", "ends": "09:00",
        "valid_from": "2026-12-01"})
    assert "The hours must end after they start." in response.content.decode()


def test_consultation_page_shows_who_covers(coordinator):
    director = make_director()
    doctor = make_medical()
    weekdays_for(doctor, director, valid_from=date(2026, 1, 1))
    member = enrolled_member(coordinator)
    monday = date(2026, 12, 7)
    with mock.patch("django.utils.timezone.now", return_value=local(monday, 10)):
        coordination.consult_request(member=member, requested_at=local(monday, 9),
                                     consultant=doctor, question="Dose check?",
                                     requested_by=coordinator)
        page = sign_in(Client(), doctor.user).get(reverse("members:consultations"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "covering now" in text and str(doctor) in text.split('id="covering-now"')[1][:400]
    assert "covering that day:" in text
