"""No trust on first use: a new account sets up its authenticator only with a one-time link
from the program director (expiring, single use, audited); the session key changes when the
second factor succeeds."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cares.base.audit.models import Action, AuditEvent, Priority
from cares.base.staff.enrollment import enrollment_link_issue
from cares.base.staff.models import EnrollmentLink
from tests.factories import PASSWORD, make_staff, sign_in, totp_code, totp_device

pytestmark = pytest.mark.django_db


def password_step(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def scan_and_confirm(client):
    """What the new user does on the set-up page: read the key, enter the app's code."""
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and "Scan this code" in page.content.decode()
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    return client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "/"})


def issue_link_on_the_staff_page(director, profile) -> str:
    client = sign_in(Client(), director.user)
    response = client.post(reverse("staff:enrollment_link", args=[profile.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index("/accounts/enroll/?token=")
    return html[start:html.index("<", start)].replace("&amp;", "&")


def test_password_alone_cannot_enroll_an_authenticator(client, coordinator):
    password_step(client, coordinator.user)
    page = client.get("/accounts/two-factor/")
    html = page.content.decode()
    assert page.status_code == 403
    assert "enrollment link from the program director" in html
    assert "Scan this code" not in html and "<svg" not in html
    assert not TOTPDevice.objects.filter(user=coordinator.user).exists()
    response = client.post("/accounts/two-factor/", {"code": "123456", "next": "/"})
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=coordinator.user).exists()
    assert client.get("/members/").url.startswith("/accounts/two-factor/")
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=coordinator.user,
                                     priority=Priority.HIGH).exists()


def test_the_directors_link_enrolls_once(director, coordinator):
    url = issue_link_on_the_staff_page(director, coordinator)
    client = Client()
    assert client.get(url).url.startswith(reverse("login"))  # opened before signing in
    password_step(client, coordinator.user)
    response = scan_and_confirm(client)
    assert response.status_code == 302
    assert client.get("/members/").status_code == 200
    assert TOTPDevice.objects.filter(user=coordinator.user, confirmed=True).count() == 1
    link = EnrollmentLink.objects.get(user=coordinator.user)
    assert link.used_at is not None
    # Used: the same link cannot enroll a second device (say, after the device is removed).
    TOTPDevice.objects.filter(user=coordinator.user).delete()
    again = Client()
    again.get(url)
    password_step(again, coordinator.user)
    page = again.get("/accounts/two-factor/")
    assert page.status_code == 403
    assert "expired, was already used" in page.content.decode()
    # Issued, used: high-priority audit events naming the account, never the token.
    events = AuditEvent.objects.filter(object_type="staff.EnrollmentLink", object_id=link.pk,
                                       priority=Priority.HIGH)
    assert set(events.values_list("action", flat=True)) == {Action.CREATE, Action.UPDATE}
    assert events.filter(action=Action.CREATE, actor=director.user).exists()
    token = url.split("token=")[1]
    assert not AuditEvent.objects.filter(detail__icontains=token).exists()
    assert token not in link.token_hash


def test_the_link_also_works_after_the_password_step(client, director, coordinator):
    _link, token = enrollment_link_issue(user=coordinator.user, issued_by=director.user)
    password_step(client, coordinator.user)
    assert client.get("/accounts/two-factor/").status_code == 403
    assert client.get(reverse("enroll"), {"token": token}).url == "/accounts/two-factor/"
    assert scan_and_confirm(client).status_code == 302


def test_an_expired_link_cannot_enroll(client, director, coordinator):
    link, token = enrollment_link_issue(user=coordinator.user, issued_by=director.user)
    assert link.expires_at - link.issued_at == timedelta(
        hours=settings.CARES_ENROLLMENT_LINK_HOURS) == timedelta(hours=72)
    EnrollmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    client.get(reverse("enroll"), {"token": token})
    password_step(client, coordinator.user)
    assert client.get("/accounts/two-factor/").status_code == 403
    assert not TOTPDevice.objects.filter(user=coordinator.user).exists()


def test_a_link_expiring_during_set_up_confirms_nothing(client, director, coordinator):
    link, token = enrollment_link_issue(user=coordinator.user, issued_by=director.user)
    client.get(reverse("enroll"), {"token": token})
    password_step(client, coordinator.user)
    page = client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=coordinator.user, confirmed=False)
    assert page.status_code == 200
    EnrollmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    response = client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "/"})
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=coordinator.user, confirmed=True).exists()


def test_a_new_link_revokes_the_earlier_one(client, director, coordinator):
    _first, old_token = enrollment_link_issue(user=coordinator.user, issued_by=director.user)
    enrollment_link_issue(user=coordinator.user, issued_by=director.user)
    client.get(reverse("enroll"), {"token": old_token})
    password_step(client, coordinator.user)
    assert client.get("/accounts/two-factor/").status_code == 403


def test_a_link_is_for_its_own_account_only(client, director, coordinator):
    other = make_staff("care_coordinator")
    _link, token = enrollment_link_issue(user=other.user, issued_by=director.user)
    client.get(reverse("enroll"), {"token": token})
    password_step(client, coordinator.user)
    assert client.get("/accounts/two-factor/").status_code == 403
    assert not TOTPDevice.objects.filter(user=coordinator.user).exists()


def test_only_the_program_director_issues_links(coordinator):
    manager = make_staff("senior_care_manager")
    client = sign_in(Client(), manager.user)
    response = client.post(reverse("staff:enrollment_link", args=[coordinator.pk]))
    assert response.status_code == 403
    assert not EnrollmentLink.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=manager.user,
                                     path=f"/staff/{coordinator.pk}/enrollment-link/").exists()


def test_the_staff_page_shows_whether_an_account_has_an_authenticator(director, coordinator):
    client = sign_in(Client(), director.user)
    html = client.get(reverse("staff:detail", args=[coordinator.pk])).content.decode()
    assert "No authenticator app yet" in html
    totp_device(coordinator.user)
    html = client.get(reverse("staff:detail", args=[coordinator.pk])).content.decode()
    assert "Has an authenticator app." in html


def test_the_command_line_issues_the_first_link(coordinator, capsys):
    call_command("enrollment_link", coordinator.user.email.upper())
    out = capsys.readouterr().out
    assert "/accounts/enroll/?token=" in out
    link = EnrollmentLink.objects.get(user=coordinator.user)
    assert link.issued_by is None
    assert AuditEvent.objects.filter(object_type="staff.EnrollmentLink", object_id=link.pk,
                                     action=Action.CREATE, priority=Priority.HIGH).exists()


# --- Item 10: the session key changes when the second factor succeeds ------------------------

def test_session_key_rotates_when_the_second_factor_succeeds(client, coordinator):
    device = totp_device(coordinator.user)
    password_step(client, coordinator.user)
    after_password = client.session.session_key
    response = client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "/"})
    assert response.status_code == 302
    after_code = client.session.session_key
    assert after_code != after_password
    # The old key no longer opens anything; the new one is signed in and verified.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = after_password
    assert stale.get("/members/").status_code == 302
    assert client.get("/members/").status_code == 200


def test_session_key_rotates_at_enrollment_too(client, director, coordinator):
    _link, token = enrollment_link_issue(user=coordinator.user, issued_by=director.user)
    client.get(reverse("enroll"), {"token": token})
    password_step(client, coordinator.user)
    after_password = client.session.session_key
    assert scan_and_confirm(client).status_code == 302
    assert client.session.session_key != after_password
