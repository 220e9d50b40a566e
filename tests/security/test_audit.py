"""The audit log is append-only, written for reads and denials, and visible only to the
program director."""

import pytest
from django.db import connection
from django.urls import reverse

from cares.base.audit.models import Action, AuditEvent, AuditImmutable
from cares.base.audit.services import audit_record
from members.access import member_for
from tests.factories import MemberFactory, make_staff

pytestmark = pytest.mark.django_db


def test_events_cannot_be_changed_or_deleted():
    event = audit_record(action=Action.READ, detail={"x": 1})
    event.reason = "tampered"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger: PostgreSQL")
def test_database_refuses_raw_update_on_postgresql():
    from django.db import DatabaseError, transaction

    event = audit_record(action=Action.READ)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.pk])


def test_member_read_and_denial_are_recorded(coordinator):
    from tests.factories import enrolled_member

    mine = enrolled_member(coordinator)
    other = MemberFactory()
    member_for(coordinator.user, mine.pk)
    read = AuditEvent.objects.get(action=Action.READ)
    assert (read.actor, read.member_id, read.object_id) == (coordinator.user, mine.pk,
                                                           str(mine.pk))
    with pytest.raises(Exception):  # noqa: B017  (Http404)
        member_for(coordinator.user, other.pk)
    denied = AuditEvent.objects.get(action=Action.DENIED)
    assert denied.member_id == other.pk and denied.actor == coordinator.user


def test_audit_log_page_is_for_the_program_director_only(client, director, coordinator):
    from tests.factories import sign_in

    audit_record(action=Action.BREAK_GLASS, reason="sentinel-reason", priority="high")
    sign_in(client, coordinator.user)
    assert client.get(reverse("audit_log")).status_code == 403
    sign_in(client, director.user)
    page = client.get(reverse("audit_log"))
    assert page.status_code == 200 and "sentinel-reason" in page.content.decode()


def test_audit_admin_allows_no_add_change_or_delete(client, director):
    from tests.factories import sign_in

    event = audit_record(action=Action.READ)
    sign_in(client, director.user)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    for page in ("admin:audit_auditevent_change", "admin:audit_auditevent_history"):
        assert client.get(reverse(page, args=[event.pk])).status_code == 200  # read only
    response = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]),
                           {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sign_in_and_failures_are_recorded(client):
    member = make_staff("care_coordinator")
    client.post(reverse("login"), {"username": member.user.email, "password": "wrong"})
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 1
