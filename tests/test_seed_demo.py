"""seed_demo: a program and staff for every role, idempotent, fictional."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from cares.base.staff.models import Role, RoleAssignment, StaffProfile, User
from cares.base.staff.selectors import program_check_results, staff_list
from cares.program.demo.accounts import demo_code

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
