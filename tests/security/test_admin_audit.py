"""The admin is audited like the member pages: opening a record, listing records and changing
them each write audit events naming the member (45 CFR 164.312(b)). The registry is walked,
so a new admin of a model that holds a member's data is covered without anyone adding it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from cares.admin import MemberAuditMixin, member_path
from cares.base.audit.models import Action, AuditEvent
from members.models import Guardian
from tests.factories import enrolled_member, sign_in

pytestmark = pytest.mark.django_db


def test_every_admin_of_member_data_is_audited():
    covered = []
    for model, model_admin in admin.site._registry.items():
        if member_path(model) is not None:
            assert isinstance(model_admin, MemberAuditMixin), model._meta.label
            covered.append(model._meta.label)
    assert {"members.Member", "members.Guardian", "careplans.CarePlan", "notices.Letter",
            "members.EpisodeStatusChange", "careplans.EmergencyAccessUse"} <= set(covered)
    assert member_path(Guardian) == "member"


def test_reads_lists_and_changes_in_the_admin_are_audited(client, director, coordinator):
    member = enrolled_member(coordinator)
    other = enrolled_member(coordinator)
    guardian = Guardian.objects.create(member=member, name="Ana Example",
                                       relationship="mother")
    sign_in(client, director.user)
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    assert client.get(reverse("admin:members_member_change", args=[member.pk])).status_code \
        == 200
    assert client.get(reverse("admin:members_member_history", args=[member.pk])).status_code \
        == 200
    assert client.get(reverse("admin:members_member_changelist")).status_code == 200
    # Program directors see little of the members' records in the admin; a superuser
    # (support) edits them.
    director.user.is_superuser = True
    director.user.save(update_fields=["is_superuser"])
    url = reverse("admin:members_guardian_change", args=[guardian.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"member": member.pk, "name": "Ana Example",
                             "relationship": "aunt", "legal_authority": "none",
                             "preferred_language": "en", "_save": "Save"})
    assert page.status_code == 302, page.context["adminform"].form.errors

    new = AuditEvent.objects.filter(pk__gt=since, actor=director.user)
    reads = list(new.filter(action=Action.READ).values_list("member_id", "detail__via"))
    assert (member.pk, "admin change form") in reads
    assert (member.pk, "admin history") in reads
    listed = set(new.filter(action=Action.LIST).values_list("member_id", flat=True))
    assert {member.pk, other.pk} <= listed
    change = new.get(action=Action.UPDATE, object_type="members.Guardian")
    assert change.member_id == member.pk and "relationship" in change.detail["fields"]
