"""Sign-in lockout (django-axes), in Chromium against the live server."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cares.base.staff.models import Role
from tests.factories import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_repeated_wrong_passwords_lock_the_account(page, sign_in):
    assert settings.AXES_FAILURE_LIMIT == 5
    coordinator = make_staff(Role.CARE_COORDINATOR)
    email = coordinator.user.email

    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        sign_in(email, f"wrong-password-{attempt}")
        if attempt < settings.AXES_FAILURE_LIMIT:
            expect(page.get_by_text("Please enter a correct e-mail address and password"))\
                .to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # The sixth attempt, with the right password, is refused too.
    sign_in(email, PASSWORD)

    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    expect(page.get_by_text("Too many failed sign-in attempts.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Still not signed in: a protected page sends the user back to sign-in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
