"""Releases of information (``members.services.releases``, PS VIII)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from members import services
from members.models import ReleaseOfInformation
from tests.factories import MemberFactory
from tests.members.lifecycle_support import refused, tomorrow

pytestmark = pytest.mark.django_db


# --- releases of information -----------------------------------------------------------------

def release(member=None, **fields) -> ReleaseOfInformation:
    values = {"party": "Example Public Schools", "purpose": "IEP coordination",
              "scope": "Care plan and diagnoses", "signed_on": date(2026, 1, 10),
              "signed_by": "Parent Example", "expires_on": date(2027, 1, 9), **fields}
    return ReleaseOfInformation(member=member or MemberFactory(), **values)


def test_release_status_through_its_life():
    saved = services.release_save(release=release())
    assert saved.status_on(date(2026, 1, 9)) == "not_yet"
    assert saved.status_on(date(2026, 1, 10)) == "in_force"
    assert saved.status_on(date(2027, 1, 9)) == "in_force"  # the expiry date itself
    assert saved.in_force(date(2027, 1, 9))
    assert saved.status_on(date(2027, 1, 10)) == "expired"
    assert not saved.in_force(date(2027, 1, 10))
    services.release_revoke(release=saved, revoked_on=date(2026, 5, 1))
    stored = ReleaseOfInformation.objects.get(pk=saved.pk)
    assert stored.status_on(date(2026, 4, 30)) == "in_force"
    assert stored.status_on(date(2026, 5, 1)) == "revoked"
    assert stored.status_on(date(2027, 6, 1)) == "revoked"


def test_release_expiring_before_it_was_signed_is_refused():
    unsaved = release(expires_on=date(2026, 1, 9))
    with refused("The release expires before it was signed"):
        services.release_save(release=unsaved)
    assert unsaved.pk is None


def test_release_signed_in_the_future_is_refused():
    unsaved = release(signed_on=tomorrow(), expires_on=tomorrow() + timedelta(days=365))
    with refused("The signature date cannot be in the future"):
        services.release_save(release=unsaved)


def test_revoking_a_release_twice_is_refused():
    saved = services.release_save(release=release())
    services.release_revoke(release=saved, revoked_on=date(2026, 5, 1))
    with refused("This release was already revoked on 2026-05-01"):
        services.release_revoke(release=ReleaseOfInformation.objects.get(pk=saved.pk),
                                revoked_on=date(2026, 6, 1))
    assert ReleaseOfInformation.objects.get(pk=saved.pk).revoked_on == date(2026, 5, 1)


def test_revoking_before_the_signature_is_refused():
    saved = services.release_save(release=release())
    with refused("cannot be revoked before it was signed"):
        services.release_revoke(release=saved, revoked_on=date(2026, 1, 9))
    assert ReleaseOfInformation.objects.get(pk=saved.pk).revoked_on is None
