"""The dashboard's staff section reads plain values for speed; it must say exactly what the
staff page and the program checks say (``staff_list``, ``program_check_results``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cares.base.staff.models import Credential, RoleAssignment, Training
from cares.base.staff.selectors import program_check_results, staff_list
from cares.program.dashboards.staffing import staff_summary
from tests.dashboards.conftest import seed
from tests.factories import make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db


def varied_staff():
    today = timezone.localdate()
    director = make_director()
    nurse = make_staff("senior_care_manager", credentials=("RN",))
    Credential.objects.filter(staff=nurse).update(expires=today + timedelta(days=20))
    lapsed = make_staff("senior_care_manager", credentials=("LICSW",))
    Credential.objects.filter(staff=lapsed).update(expires=today - timedelta(days=3))
    make_staff("care_coordinator", hire_date=today - timedelta(days=200))  # untrained
    trained = make_staff("care_coordinator", hire_date=today - timedelta(days=900))
    for topic in ("care_coordination_principles", "equity_implicit_bias", "privacy_hipaa_ferpa",
                  "community_resources", "education_systems_iep_504", "shared_plan_of_care"):
        Training.objects.create(staff=trained, topic=topic,
                                completed=today - timedelta(days=850))
    gone = make_staff("senior_care_manager", credentials=("RN",))
    gone.active = False
    gone.save()
    backup = make_staff("care_coordinator", credentials=("LSW",))
    RoleAssignment.objects.create(staff=backup, role="senior_care_manager", is_backup=True,
                                  covers=gone)
    RoleAssignment.objects.create(staff=trained, role="senior_care_manager", is_backup=True,
                                  covers=nurse)
    make_staff(None)
    return director


def test_the_same_as_the_staff_page_and_the_program_checks():
    varied_staff()
    seed(100)  # and the synthetic program's staff
    today = timezone.localdate()
    summary = staff_summary(today)
    expected = {r.profile.pk: r for r in staff_list(on=today, include_inactive=False)}
    assert [line.pk for line in summary.rows] == list(expected)
    for line in summary.rows:
        row = expected[line.pk]
        assert line.name == str(row.profile)
        assert line.problems == row.problems, line.name
        assert line.training == row.training, line.name
        assert (line.next_expiry.type, line.next_expiry.expires) == (
            row.next_expiry.type, row.next_expiry.expires) if row.next_expiry else \
            line.next_expiry is None
    assert summary.unqualified and summary.training_overdue
    assert {(name, c.expires) for name, c, _s in summary.licences} == {
        (str(row.profile), c.expires) for row in expected.values()
        for c in row.profile.credentials.all() if c.expires <= today + timedelta(days=60)}
    assert summary.checks == program_check_results(on=today)


def test_the_dashboard_shows_it(db):
    director = varied_staff()
    body = sign_in(Client(), director.user).get("/dashboard/").content.decode()
    assert "not qualified for their role" in body
    assert 'id="licences-table"' in body and "expired" in body
