"""Issue 13.11: every denial is a ``denied`` audit event, and every change that grants or
removes access (roles, credentials, groups, the active flag, enrollment links, break-glass)
is a high-priority event with old and new values."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cares.base.audit.models import Action, AuditEvent, Priority
from cares.base.documents.services import document_store
from cares.base.staff.models import Credential, User
from tests.factories import (
    MemberFactory,
    enrolled_member,
    make_staff,
    sign_in,
    totp_device,
)
from tests.staff.test_admin import inline_post

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 pretend plan"


@pytest.mark.parametrize("path", ["/audit/", "/staff/", "/staff/new/", "/letters/mailing/",
                                  "/admin/audit/auditevent/add/"])
def test_a_403_writes_a_denied_event(path):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    client = sign_in(Client(), family.user)
    if path.startswith("/admin/"):  # the admin needs is_staff: a director without the right
        director = make_staff("program_director")
        client = sign_in(Client(), director.user)
        family = director
    response = client.get(path)
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=Action.DENIED, path=path)
    assert event.actor == family.user


def test_a_denial_is_recorded_once(client, coordinator):
    """``member_for`` already records a refused write: the 403 adds no second event."""
    member = enrolled_member(coordinator)
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    from members.services import care_team_set

    care_team_set(member=member, on=member.episodes.get().effective_date,
                  team=[(coordinator, "care_coordinator"), (family, "family_support")])
    sign_in(client, family.user)
    path = reverse("members:edit", args=[member.pk])
    assert client.get(path).status_code == 403
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=family.user).count() == 1


def test_a_refused_clinical_document_is_a_denial_not_a_read(client, coordinator):
    from members.services import care_team_set

    member = enrolled_member(coordinator)
    helper = make_staff("family_support", caregiver_of_special_needs_youth=True)
    care_team_set(member=member, on=member.episodes.get().effective_date,
                  team=[(coordinator, "care_coordinator"), (helper, "family_support")])
    plan = document_store(member=member, kind="care_plan", title="ICP", content=PDF)
    sign_in(client, helper.user)
    before = AuditEvent.objects.count()
    assert client.get(reverse("document_download", args=[member.pk, plan.pk])).status_code \
        == 404
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [e.action for e in events] == [Action.DENIED]
    assert events[0].member_id == member.pk and events[0].actor == helper.user
    # An allowed download is still a read and a download.
    letter = document_store(member=member, kind="enrollment_letter", title="Letter",
                            content=PDF)
    before = AuditEvent.objects.count()
    assert client.get(reverse("document_download", args=[member.pk, letter.pk])) \
        .status_code == 200
    actions = [e.action for e in AuditEvent.objects.order_by("pk")[before:]]
    assert Action.READ in actions and Action.DENIED not in actions


def intake_data(masshealth_id: str) -> dict:
    return {
        "legal_first_name": "Probe", "legal_last_name": "Person",
        "date_of_birth": "2016-03-04", "masshealth_id": masshealth_id,
        "primary_language": "en", "preferred_written_language": "en", "state": "MA",
        "referral_date": "2026-01-10", "referral_source": "pcp",
    }


def test_the_intake_form_disclosing_an_existing_id_is_audited(client, coordinator):
    someone_elses = MemberFactory(masshealth_id="100200300400")
    sign_in(client, coordinator.user)
    response = client.post(reverse("members:intake"), intake_data("1002-0030-0400"))
    assert response.status_code == 200
    assert "already has this MassHealth ID" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.DENIED, actor=coordinator.user)
    assert event.member_id == someone_elses.pk
    assert event.priority == Priority.HIGH  # outside the coordinator's care teams
    assert "100200300400" not in str(event.detail)


# --- Changes of access in the admin -----------------------------------------------------------

def access_events(**filters):
    return AuditEvent.objects.filter(priority=Priority.HIGH, detail__access=True, **filters)


def test_role_and_credential_changes_in_the_admin_are_audited(client, director, coordinator):
    sign_in(client, director.user)
    url = reverse("admin:staff_staffprofile_change", args=[coordinator.pk])
    response = client.post(url, inline_post(
        coordinator, roles=["senior_medical_professional"],
        credentials=[("NP", "2031-01-01")]))
    assert response.status_code == 302
    credential = Credential.objects.get(staff=coordinator, type="NP")
    created = access_events(action=Action.CREATE, object_type="staff.Credential",
                            object_id=str(credential.pk)).get()
    assert created.actor == director.user and created.detail["old"] is None
    assert created.detail["new"]["expires"] == "2031-01-01"
    assert created.detail["user"] == coordinator.user_id
    role = access_events(action=Action.CREATE, object_type="staff.RoleAssignment").get(
        detail__new__role="senior_medical_professional")
    assert role.actor == director.user
    group = access_events(action=Action.UPDATE, object_type="staff.User",
                          object_id=str(coordinator.user_id), actor=director.user).get()
    assert group.detail["old"] == {"groups": ["Care coordinator"]}
    assert group.detail["new"] == {"groups": ["Care coordinator",
                                              "Senior medical professional"]}
    # Change the licence's expiry in the credential admin: old and new values.
    response = client.post(reverse("admin:staff_credential_change", args=[credential.pk]), {
        "staff": str(coordinator.pk), "type": "NP", "license_number": "X1", "state": "MA",
        "expires": "2032-02-02"})
    assert response.status_code == 302
    changed = access_events(action=Action.UPDATE, object_type="staff.Credential").get()
    assert changed.detail["old"] == {"expires": "2031-01-01"}
    assert changed.detail["new"] == {"expires": "2032-02-02"}


def test_the_active_flag_admin_access_and_password_are_audited(client, coordinator):
    superuser = User.objects.create_superuser("root@staff.example", "x" * 16)
    sign_in(client, superuser)
    user = coordinator.user
    response = client.post(reverse("admin:staff_user_change", args=[user.pk]), {
        "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "is_staff": "on", "is_superuser": "on", "last_login": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"})
    assert response.status_code == 302, response.content.decode()[:3000]
    event = access_events(action=Action.UPDATE, object_type="staff.User",
                          object_id=str(user.pk), actor=superuser).first()
    assert event.detail["old"] == {"is_active": True, "is_staff": False,
                                   "is_superuser": False}
    assert event.detail["new"] == {"is_active": False, "is_staff": True,
                                   "is_superuser": True}
    response = client.post(reverse("admin:auth_user_password_change", args=[user.pk]), {
        "password1": "a-brand-new-passphrase-42", "password2": "a-brand-new-passphrase-42",
        "usable_password": "true"})
    assert response.status_code == 302
    password = access_events(object_type="staff.User", detail__new__password="[changed]")
    assert password.count() == 1
    assert password.get().detail["old"] == {"password": "[hidden]"}
    assert "argon2" not in str(password.get().detail)


def test_an_authenticator_removed_in_the_admin_is_audited(client, coordinator):
    superuser = User.objects.create_superuser("root@staff.example", "x" * 16)
    device = totp_device(coordinator.user)
    sign_in(client, superuser)
    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = access_events(action=Action.DELETE, object_type="otp_totp.TOTPDevice").get()
    assert event.detail["user"] == coordinator.user_id
    assert event.detail["old"]["key"] == "[hidden]" and event.detail["new"] is None


def test_break_glass_is_high_priority_with_its_grant(client, coordinator):
    other = make_staff("care_coordinator")
    member = enrolled_member(other)
    sign_in(client, coordinator.user)
    response = client.post(reverse("break_glass"), {
        "masshealth_id": member.masshealth_id,
        "reason": "Hospital ED called about a seizure; primary contact unreachable."})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS, actor=coordinator.user)
    assert event.priority == Priority.HIGH and event.member_id == member.pk
    assert event.detail["minutes"] > 0 and event.detail["old"] is None
    assert event.detail["new"]["member"] == member.pk and event.detail["new"]["expires_at"]
