"""seed_demo: a program and staff for every role, idempotent, fictional."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from cares.base.staff.models import Program, Role, RoleAssignment, StaffProfile, User
from cares.base.staff.selectors import program_check_results, staff_list
from cares.program.demo.accounts import demo_code
from members.coverage.checks import coverage_checks
from members.coverage.models import (
    AvailabilityHours,
    BackupCoverage,
    MedicalTrainingSession,
    OnCallShift,
    StaffLeave,
    Supervision,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug_on")]


@pytest.fixture
def debug_on():
    with override_settings(DEBUG=True):
        yield


def test_no_demo_accounts_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_every_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert "director@demo.cares-kids.example" in out and "cares-demo-2026" in out
    counts = (User.objects.count(), StaffProfile.objects.count(),
              StaffProfile.history.count(), User.history.count())
    call_command("seed_demo")
    assert (User.objects.count(), StaffProfile.objects.count(),
            StaffProfile.history.count(), User.history.count()) == counts


def test_demo_staff_are_qualified_and_the_program_passes_its_checks():
    call_command("seed_demo")
    assert all(row.qualified for row in staff_list())
    assert all(check.ok for check in program_check_results())
    assert all(u.email.endswith(".example") for u in User.objects.all())


def test_demo_director_can_sign_in_with_the_demo_code(client):
    call_command("seed_demo")
    email = "director@demo.cares-kids.example"
    response = client.post("/accounts/login/", {"username": email,
                                                "password": "cares-demo-2026"})
    assert response.status_code == 302
    response = client.post("/accounts/two-factor/", {"code": demo_code(email), "next": "/"})
    assert response.status_code == 302
    assert client.get("/", follow=True).request["PATH_INFO"] == "/dashboard/"


def _around_the_clock_counts() -> tuple[int, ...]:
    return (OnCallShift.objects.count(), AvailabilityHours.objects.count(),
            Supervision.objects.count(), MedicalTrainingSession.objects.count(),
            StaffLeave.objects.count(), BackupCoverage.objects.count())


def test_seed_demo_fills_around_the_clock_once_with_one_visible_gap(capsys):
    call_command("seed_demo")
    assert "Around the clock: " in capsys.readouterr().out
    counts = _around_the_clock_counts()
    assert all(counts), counts
    assert Program.objects.get().on_call_phone == "(617) 555-0199"
    call_command("seed_demo")
    assert "nothing new" in capsys.readouterr().out
    assert _around_the_clock_counts() == counts

    checks = {check.key: check for check in coverage_checks()}
    assert checks["on_call_number"].ok
    roster = checks["on_call_covered"]
    assert not roster.ok and roster.detail.startswith("1 gap: ")
    assert "20:00" in roster.detail and "(12 h)" in roster.detail
    assert checks["weekly_supervision"].ok, checks["weekly_supervision"].detail
    assert checks["smp_available"].ok, checks["smp_available"].detail
    # The past vacation is history only: nobody covers anyone now; while away, the coordinator
    # was neither on call nor backup.
    assert not BackupCoverage.objects.filter(ends_at__gt=timezone.now()).exists()
    leave = StaffLeave.objects.get()
    during = OnCallShift.objects.filter(starts_at__lt=leave.ends_at, ends_at__gt=leave.starts_at)
    assert during.exists()
    assert not during.filter(Q(staff=leave.staff) | Q(backup=leave.staff)).exists()
    assert Supervision.objects.filter(members_discussed__isnull=False).count() == 0
