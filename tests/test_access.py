"""Deny by default: every URL sends an anonymous visitor to sign-in; sessions time out;
repeated failures lock the account."""

import time

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from cares.base.sessions import LAST_ACTIVITY_KEY
from tests.factories import PASSWORD, sign_in
from tests.urlwalk import concrete, walk

# Pages that must be reachable without signing in.
PUBLIC = {"/accounts/login/", "/healthz", "/health/live", "/health/ready", "/emergency/x/",
          # The enrollment link is opened before signing in: it sends the visitor to sign-in
          # (tests/security/test_enrollment.py).
          "/accounts/enroll/"}

ALL_URLS = sorted({concrete(p) for p in walk(get_resolver())})


def test_the_walk_finds_the_applications_pages():
    assert {"/", "/staff/", "/staff/new/", "/staff/1/", "/staff/1/edit/", "/admin/"} <= set(
        ALL_URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [u for u in ALL_URLS if u not in PUBLIC])
def test_anonymous_request_is_sent_to_sign_in(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response.url.startswith(reverse("login")) or (
            response.url.startswith("/admin/login/")
            and client.get(response.url).url.startswith(reverse("login"))
        ), (url, response.url)


@pytest.mark.django_db
def test_public_pages_are_public(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200
    # The responders' emergency plan page: public, but a token that opens nothing gets only a
    # plain refusal (tests/careplans/test_emergency.py has the working link).
    refused = client.get("/emergency/x/")
    assert refused.status_code == 404
    assert b"This link is not valid" in refused.content


@pytest.mark.django_db
def test_idle_session_is_signed_out_after_15_minutes(client, coordinator):
    assert settings.IDLE_TIMEOUT_SECONDS == 15 * 60
    sign_in(client, coordinator.user)
    assert client.get("/members/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 14 * 60
    session.save()
    assert client.get("/members/").status_code == 200  # 14 minutes idle: still signed in
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 15 * 60 - 5
    session.save()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "signed out after 15 minutes without activity" in page.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(client, coordinator):
    email = coordinator.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": email, "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()
    response = client.post(reverse("login"), {"username": email, "password": "wrong"})
    assert response.status_code == 429  # the limit-th failure locks
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    response = client.post(reverse("login"), {"username": email.upper(), "password": PASSWORD})
    assert response.status_code == 429  # changing the case does not get around the lock
    assert "Account locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_with_email_is_case_insensitive(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.user.email.upper(),
                                              "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.user.pk)


@pytest.mark.django_db
def test_sign_out_needs_post_and_ends_the_session(client, coordinator):
    sign_in(client, coordinator.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
