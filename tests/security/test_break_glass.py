"""Break-glass: a written reason, a time limit, a high-priority audit event, and the program
director told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cares.base.audit.break_glass import break_glass_open
from cares.base.audit.models import Action, AuditEvent, BreakGlassGrant
from members.access import member_for
from tests.factories import MemberFactory, make_staff

pytestmark = pytest.mark.django_db(transaction=False)

REASON = "Mother called the on-call line: child in the ED, care team unreachable."


def test_coordinator_opens_a_member_outside_their_team_with_a_reason(
        coordinator, director, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with pytest.raises(Http404):
        member_for(coordinator.user, member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        break_glass_open(user=coordinator.user, member=member, reason=REASON)
    assert member_for(coordinator.user, member.pk) == member
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert (event.priority, event.reason, event.member_id) == ("high", REASON, member.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [director.user.email]
    assert member.legal_last_name not in mail.outbox[0].body  # minimum necessary
    with pytest.raises(Http404):  # read access only: no changes under break-glass
        member_for(coordinator.user, member.pk, change=True)


def test_access_ends_when_the_grant_expires(coordinator):
    member = MemberFactory()
    grant = break_glass_open(user=coordinator.user, member=member, reason=REASON)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Http404):
        member_for(coordinator.user, member.pk)


def test_a_reason_is_required(coordinator):
    with pytest.raises(ValidationError):
        break_glass_open(user=coordinator.user, member=MemberFactory(), reason="because")
    assert not BreakGlassGrant.objects.exists()


def test_roles_without_break_glass_are_refused():
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    with pytest.raises(PermissionDenied):
        break_glass_open(user=family.user, member=MemberFactory(), reason=REASON)
