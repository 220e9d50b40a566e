"""Issue 13.1: group membership (and so every permission) follows the role assignments on
every path: admin save, move, delete, bulk delete and inline delete, the staff services, the
staff pages and the caseload import. One function recomputes (``user_sync_access``).

Runs on SQLite and on PostgreSQL (CI's second leg)."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cares.base.access import ROLE_GROUPS
from cares.base.audit.models import Action, AuditEvent, Priority
from cares.base.staff.models import Role, RoleAssignment, StaffProfile, User
from cares.base.staff.services import staff_save
from tests.deadlines.commands import run, write
from tests.factories import make_staff, sign_in
from tests.staff.test_admin import inline_post

pytestmark = pytest.mark.django_db

COORDINATOR_GROUP = ROLE_GROUPS[Role.CARE_COORDINATOR]


def groups(profile) -> set[str]:
    return set(User.objects.get(pk=profile.user_id).groups.values_list("name", flat=True))


def assert_refused_everything(profile) -> None:
    """With no role left: no intake, no worklist, no break-glass."""
    client = sign_in(Client(), User.objects.get(pk=profile.user_id))
    assert client.get(reverse("members:intake")).status_code == 403
    assert client.post(reverse("members:intake"), {}).status_code == 403
    assert client.get(reverse("dashboards:worklist")).status_code == 403
    assert client.get(reverse("break_glass")).status_code == 403
    assert client.post(reverse("break_glass"), {"masshealth_id": "100000000000",
                                                "reason": "x" * 30}).status_code == 403


def assert_group_removal_audited(profile) -> None:
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="staff.User",
                                      object_id=str(profile.user_id),
                                      priority=Priority.HIGH,
                                      detail__new__groups=[]).first()
    assert event is not None
    assert event.detail["old"] == {"groups": [COORDINATOR_GROUP]}


@pytest.fixture
def admin_client(director):
    return sign_in(Client(), director.user)


def test_the_coordinator_starts_with_the_rights_removed_below(coordinator):
    client = sign_in(Client(), coordinator.user)
    assert groups(coordinator) == {COORDINATOR_GROUP}
    assert client.get(reverse("members:intake")).status_code == 200
    assert client.get(reverse("dashboards:worklist")).status_code == 200
    assert client.get(reverse("break_glass")).status_code == 200


def test_admin_delete_of_a_role(admin_client, director, coordinator):
    role = coordinator.roles.get()
    response = admin_client.post(
        reverse("admin:staff_roleassignment_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert groups(coordinator) == set()
    assert_refused_everything(coordinator)
    assert_group_removal_audited(coordinator)
    deleted = AuditEvent.objects.get(action=Action.DELETE, object_type="staff.RoleAssignment",
                                     object_id=str(role.pk))
    assert deleted.priority == Priority.HIGH and deleted.actor == director.user
    assert deleted.detail["old"]["role"] == Role.CARE_COORDINATOR
    assert deleted.detail["new"] is None


def test_admin_bulk_delete_selected(admin_client, coordinator):
    other = make_staff(Role.CARE_COORDINATOR)
    ids = [str(coordinator.roles.get().pk), str(other.roles.get().pk)]
    response = admin_client.post(reverse("admin:staff_roleassignment_changelist"), {
        "action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk__in=ids).exists()
    assert groups(coordinator) == groups(other) == set()
    assert_refused_everything(coordinator)
    assert_refused_everything(other)
    assert_group_removal_audited(other)


def test_admin_moves_a_role_to_another_staff_member(admin_client, coordinator):
    colleague = make_staff()  # no role yet; qualified like the coordinator
    role = coordinator.roles.get()
    response = admin_client.post(
        reverse("admin:staff_roleassignment_change", args=[role.pk]),
        {"staff": str(colleague.pk), "role": Role.CARE_COORDINATOR, "covers": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert groups(coordinator) == set()
    assert groups(colleague) == {COORDINATOR_GROUP}
    assert_refused_everything(coordinator)
    assert_group_removal_audited(coordinator)
    moved = AuditEvent.objects.get(action=Action.UPDATE, object_type="staff.RoleAssignment",
                                   object_id=str(role.pk))
    assert moved.detail["old"] == {"staff_id": coordinator.pk}
    assert moved.detail["new"] == {"staff_id": colleague.pk}


def test_admin_inline_delete_on_the_staff_record(admin_client, coordinator):
    role = coordinator.roles.get()
    data = inline_post(coordinator, roles=[])
    data.update({"roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "1",
                 "roles-0-id": str(role.pk), "roles-0-staff": str(coordinator.pk),
                 "roles-0-role": role.role, "roles-0-DELETE": "on"})
    response = admin_client.post(
        reverse("admin:staff_staffprofile_change", args=[coordinator.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not coordinator.roles.exists()
    assert groups(coordinator) == set()
    assert_refused_everything(coordinator)


def test_admin_delete_of_the_staff_record(client, coordinator):
    superuser = User.objects.create_superuser("root@staff.example", "x" * 16)
    sign_in(client, superuser)
    response = client.post(reverse("admin:staff_staffprofile_delete", args=[coordinator.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not StaffProfile.objects.filter(pk=coordinator.pk).exists()
    assert groups(coordinator) == set()
    assert_refused_everything(coordinator)


def test_the_user_admin_cannot_hand_out_a_role_group(client, coordinator):
    superuser = User.objects.create_superuser("root@staff.example", "x" * 16)
    sign_in(client, superuser)
    page = client.get(reverse("admin:staff_user_change", args=[coordinator.user_id]))
    assert page.status_code == 200
    assert 'name="groups"' not in page.content.decode()


def test_staff_service_with_no_roles(coordinator):
    staff_save(user=coordinator.user, profile=coordinator,
               credentials=list(coordinator.credentials.all()), roles=[],
               trainings=list(coordinator.trainings.all()))
    assert groups(coordinator) == set()
    assert_refused_everything(coordinator)
    assert_group_removal_audited(coordinator)


def test_a_bare_delete_outside_any_service(coordinator):
    """A shell or a future code path: the rows decide, whatever deleted them."""
    RoleAssignment.objects.filter(staff=coordinator).delete()
    assert groups(coordinator) == set()
    assert_refused_everything(coordinator)


def test_only_role_groups_are_managed(coordinator):
    other = Group.objects.create(name="Newsletter")
    coordinator.user.groups.add(other)
    RoleAssignment.objects.filter(staff=coordinator).delete()
    assert groups(coordinator) == {"Newsletter"}


def test_caseload_import_replaces_the_role(tmp_path):
    data = json.loads((Path(__file__).parents[1] / "deadlines" / "data" / "program.json")
                      .read_text())
    run("import_caseload", write(tmp_path, data))
    rosa = StaffProfile.objects.get(key="s2")
    assert groups(rosa) == {ROLE_GROUPS[Role.SENIOR_CARE_MANAGER]}
    record = next(s for s in data["staff"] if s["key"] == "s2")
    record["role"] = Role.CARE_COORDINATOR
    run("import_caseload", write(tmp_path, data, name="again.json"))
    assert set(rosa.roles.values_list("role", flat=True)) == {Role.CARE_COORDINATOR}
    assert groups(rosa) == {COORDINATOR_GROUP}
    assert not User.objects.get(pk=rosa.user_id).has_perm("members.view_all_members")
