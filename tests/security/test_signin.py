"""Two-factor sign-in, session limits and session hygiene (45 CFR 164.312(a), (d))."""

import time

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cares.base.sessions import SIGNED_IN_AT_KEY
from cares.base.staff.enrollment import enrollment_link_issue
from tests.factories import PASSWORD, make_staff, sign_in, totp_code, totp_device

pytestmark = pytest.mark.django_db


def password_step(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_password_alone_opens_nothing(client, coordinator):
    password_step(client, coordinator.user)
    for url in ("/", "/members/", "/staff/", "/admin/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/two-factor/"), url
    response = client.post("/members/new/", {})
    assert response.url.startswith("/accounts/two-factor/")


def test_first_sign_in_sets_up_an_authenticator(client, coordinator, director):
    # With the program director's one-time link (tests/security/test_enrollment.py).
    _link, token = enrollment_link_issue(user=coordinator.user, issued_by=director.user)
    client.get(reverse("enroll"), {"token": token})
    password_step(client, coordinator.user)
    page = client.get("/accounts/two-factor/")
    html = page.content.decode()
    assert "Scan this code" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=coordinator.user, confirmed=False)
    response = client.post("/accounts/two-factor/", {"code": "000000", "next": "/"})
    assert "not valid" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/members/").status_code == 200


def test_code_signs_in_and_a_reused_code_is_refused(client, coordinator):
    device = totp_device(coordinator.user)
    password_step(client, coordinator.user)
    code = totp_code(device)
    assert client.post("/accounts/two-factor/", {"code": code}).status_code == 302
    assert client.get("/members/").status_code == 200
    client.post(reverse("logout"))
    password_step(client, coordinator.user)
    response = client.post("/accounts/two-factor/", {"code": code})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert client.get("/members/").status_code == 302


def test_wrong_codes_are_throttled(client, coordinator):
    device = totp_device(coordinator.user)
    password_step(client, coordinator.user)
    client.post("/accounts/two-factor/", {"code": "000000"})
    # Even the right code is refused while the throttle delay runs.
    response = client.post("/accounts/two-factor/", {"code": totp_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/members/").status_code == 302


def test_admin_site_needs_the_second_factor_too(client, director):
    password_step(client, director.user)
    assert client.get("/admin/").url.startswith("/accounts/two-factor/")
    sign_in(client, director.user)
    assert client.get("/admin/").status_code == 200


def test_new_session_id_at_sign_in(client, coordinator):
    client.get(reverse("login"))
    client.cookies[settings.SESSION_COOKIE_NAME] = "attacker-chosen-session-id"
    password_step(client, coordinator.user)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != "attacker-chosen-session-id"


def test_absolute_session_limit_of_12_hours(client, coordinator):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    sign_in(client, coordinator.user)
    assert client.get("/members/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - 12 * 60 * 60 - 5
    session.save()
    response = client.get("/members/")
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_server_side_session(client, coordinator):
    from django.contrib.sessions.models import Session

    sign_in(client, coordinator.user)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_password_change_ends_other_sessions(client, coordinator):
    from django.test import Client

    other = sign_in(Client(), coordinator.user)
    sign_in(client, coordinator.user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-brand-new-passphrase-7",
        "new_password2": "a-brand-new-passphrase-7"})
    assert response.status_code == 302
    assert client.get("/members/").status_code == 200  # this session carries on
    assert other.get("/members/").status_code == 302  # the other one is signed out


def test_deactivation_ends_sessions(client):
    from cares.base.staff.services import staff_save

    member = make_staff("care_coordinator")
    sign_in(client, member.user)
    member.active = False
    staff_save(user=member.user, profile=member, credentials=[], trainings=[],
               roles=list(member.roles.all()))
    assert client.get("/members/").status_code == 302
