"""Minimum necessary: family support staff never receive clinical detail. A sentinel value in
every clinical field of a member on their care team appears in no page they can open (every
URL of the resolver, filled with that member's ids; 403 and 404 pages count too), while the
member's care coordinator does see each of them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cares.base.access import ROLE_GROUPS, ROLE_PERMISSIONS, VIEW_CLINICAL, may_see_clinical
from cares.base.staff.models import Role
from tests.factories import sign_in
from tests.security.world import CLINICAL, World, build_world, clinical_values, url_for
from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

@pytest.fixture
def world(db) -> World:
    return build_world(removal=True)


def pages(world: World, role: str) -> dict[str, str]:
    """Every page of the resolver as ``role`` gets it (status and body)."""
    client = sign_in(Client(), world.user(role))
    seen = {}
    for route in routes():
        response = client.get(url_for(route, world))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[route.key] = f"{response.status_code}\n{body.decode(errors='replace')}"
    return seen


def test_the_sentinels_are_stored(world):
    """Every clinical field holds its sentinel (so a page that showed it would be caught)."""
    for (model, field), sentinel in CLINICAL.items():
        stored = clinical_values(model, field, world.member)
        assert any(sentinel in value for value in stored), (model, field)


def test_family_support_never_receives_clinical_detail(world):
    leaks = {key: [s for s in CLINICAL.values() if s in text]
             for key, text in pages(world, "family").items()}
    assert not {key: found for key, found in leaks.items() if found}
    # They do open the member's page (the test walks real pages, not only refusals).
    detail = reverse("members:detail", args=[world.member.pk])
    assert sign_in(Client(), world.user("family")).get(detail).status_code == 200


def test_the_care_coordinator_sees_every_clinical_sentinel(world):
    seen = pages(world, "coordinator")
    for sentinel in CLINICAL.values():
        assert any(sentinel in text for text in seen.values()), sentinel
    member_page = seen["members:detail"]
    assert member_page.startswith("200")
    for field in ("rationale", "criteria"):
        assert CLINICAL["EligibilityEvaluation", field] in member_page, field


def test_the_clinical_permission_is_not_given_to_family_support():
    assert VIEW_CLINICAL not in ROLE_PERMISSIONS[Role.FAMILY_SUPPORT]
    for role in (Role.PROGRAM_DIRECTOR, Role.SENIOR_CARE_MANAGER, Role.CARE_COORDINATOR):
        assert VIEW_CLINICAL in ROLE_PERMISSIONS[role]
        group = Group.objects.get(name=ROLE_GROUPS[role])
        assert group.permissions.filter(codename="view_clinical").exists(), role
    family = Group.objects.get(name=ROLE_GROUPS[Role.FAMILY_SUPPORT])
    assert not family.permissions.filter(codename="view_clinical").exists()


def test_may_see_clinical(world):
    assert may_see_clinical(world.user("coordinator"))
    assert may_see_clinical(world.user("director"))
    assert may_see_clinical(world.user("manager"))
    assert not may_see_clinical(world.user("family"))
    assert not may_see_clinical(world.user("nobody"))
