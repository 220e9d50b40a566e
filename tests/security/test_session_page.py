"""The session page (``cares.base.sessions.session_view``): who is signed in and when the
session ends, behind both factors like every page; it reads only the session and the user
(it is the floor of the pages' bench)."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_the_session_page_says_who_is_signed_in(client, coordinator,
                                               django_assert_max_num_queries):
    sign_in(client, coordinator.user)
    client.get(reverse("session"))  # the session's first page sets the sign-in time
    with django_assert_max_num_queries(6):  # session, user, device; the session saved (3)
        response = client.get(reverse("session"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Signed in as {coordinator.user.get_full_name()}." in html
    assert "Signed out after 15 minutes without activity." in html
    assert "signed out at" in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in \
        response["Cache-Control"]


def test_the_session_page_needs_both_factors(client, coordinator):
    assert client.get(reverse("session")).url.startswith(reverse("login"))
    client.post(reverse("login"), {"username": coordinator.user.email, "password": PASSWORD})
    assert client.get(reverse("session")).url.startswith("/accounts/two-factor/")
    assert client.post(reverse("session")).status_code in (302, 405)
