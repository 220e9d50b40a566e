"""Break-glass through the pages: the emergency-access form opens a member outside one's
care team for a limited time, with a written reason, a high-priority audit event and an
e-mail to the program director."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cares.base.audit.break_glass import MIN_REASON_LENGTH
from cares.base.audit.models import Action, AuditEvent, BreakGlassGrant
from tests.factories import MemberFactory, make_staff, sign_in

pytestmark = pytest.mark.django_db

REASON = "Mother called the on-call line: child in the ED, care team unreachable."


@pytest.fixture
def member(db):
    return MemberFactory(legal_last_name="Glasssentinel", masshealth_id="123412341234")


def test_a_coordinator_opens_a_member_outside_their_team_with_a_reason(
        client, coordinator, director, member, django_capture_on_commit_callbacks):
    detail = reverse("members:detail", args=[member.pk])
    sign_in(client, coordinator.user)
    assert client.get(detail).status_code == 404
    page = client.get(reverse("break_glass"))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("break_glass"), {"masshealth_id": member.masshealth_id,
                                                        "reason": REASON})
    assert response.status_code == 302
    assert response.url == detail
    page = client.get(detail)
    assert page.status_code == 200
    assert "Glasssentinel" in page.content.decode()
    assert "Emergency access granted for" in page.content.decode()
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.member, grant.reason) == (coordinator.user, member, REASON)
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert (event.priority, event.reason, event.member_id, event.actor) == (
        "high", REASON, member.pk, coordinator.user)
    assert event.path == reverse("break_glass") and event.client_address == "127.0.0.1"
    # Every read under the grant is high priority too, with the grant's reason.
    [read] = AuditEvent.objects.filter(action=Action.READ, member_id=member.pk,
                                       actor=coordinator.user)
    assert (read.priority, read.reason, read.detail["break_glass_grant"]) == (
        "high", REASON, grant.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [director.user.email]
    # The mail names the grant and where to review it, never the free-text reason.
    body = mail.outbox[0].body
    assert f"#{member.pk}" in body and f"grant #{grant.pk}" in body
    assert f"/audit/?action=break_glass&member={member.pk}" in body
    assert REASON not in body and REASON[:20] not in body
    assert "Glasssentinel" not in mail.outbox[0].body + mail.outbox[0].subject
    assert member.masshealth_id not in mail.outbox[0].body
    # Read only: the change pages stay closed under break-glass, and offer no buttons.
    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 404
    assert page.context["can_change"] is False
    assert reverse("members:edit", args=[member.pk]) not in page.content.decode()


def test_a_short_reason_is_refused_with_a_field_error(client, coordinator, director, member,
                                                      django_capture_on_commit_callbacks):
    sign_in(client, coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("break_glass"), {
            "masshealth_id": member.masshealth_id, "reason": "x" * (MIN_REASON_LENGTH - 1)})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert f"at least {MIN_REASON_LENGTH} characters" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.BREAK_GLASS).exists()
    assert mail.outbox == []
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404


def test_an_unknown_masshealth_id_is_a_field_error(client, coordinator, member):
    sign_in(client, coordinator.user)
    response = client.post(reverse("break_glass"), {"masshealth_id": "999999999999",
                                                    "reason": REASON})
    assert response.status_code == 200
    assert "masshealth_id" in response.context["form"].errors
    assert not BreakGlassGrant.objects.exists()


def test_family_support_may_not_use_break_glass(member):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    client = sign_in(Client(), family.user)
    assert client.get(reverse("break_glass")).status_code == 403
    response = client.post(reverse("break_glass"), {"masshealth_id": member.masshealth_id,
                                                    "reason": REASON})
    assert response.status_code == 403
    assert not BreakGlassGrant.objects.exists()
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404


def test_the_menu_offers_emergency_access_to_those_who_may_use_it(client, coordinator):
    link = f'href="{reverse("break_glass")}"'
    sign_in(client, coordinator.user)
    assert link in client.get(reverse("members:list")).content.decode()
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    sign_in(client, family.user)
    page = client.get(reverse("members:list"))
    assert page.status_code == 200 and link not in page.content.decode()
