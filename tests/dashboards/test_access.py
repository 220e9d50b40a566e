"""Who sees what: only the program director and senior care managers see the program
dashboard and the lists behind it; a worklist holds only the members of one's own care
teams (break-glass access adds nobody)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cares.base.audit.break_glass import break_glass_open
from cares.base.audit.models import Action, AuditEvent
from cares.program.dashboards.worklist import my_members
from members.models import CareTeamMember
from tests.dashboards.conftest import coordinators
from tests.factories import make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db

PROGRAM_PAGES = ("/dashboard/", "/dashboard/deadlines/", "/dashboard/members/",
                 "/dashboard/?export=compliance", "/dashboard/deadlines/?export=1")


@pytest.mark.parametrize("role,status", [
    ("program_director", 200), ("senior_care_manager", 200), ("care_coordinator", 403),
    ("family_support", 403), ("senior_medical_professional", 403), (None, 403)])
def test_only_the_director_and_senior_care_managers_see_the_program(program, role, status):
    staff = make_director() if role == "program_director" else make_staff(role)
    client = sign_in(Client(), staff.user)
    for url in PROGRAM_PAGES:
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("role,status", [
    ("program_director", 200), ("senior_care_manager", 200), ("care_coordinator", 200),
    ("family_support", 403), ("senior_medical_professional", 403), (None, 403)])
def test_the_worklist_is_for_those_who_coordinate_care(db, role, status):
    staff = make_director() if role == "program_director" else make_staff(role)
    assert sign_in(Client(), staff.user).get("/worklist/").status_code == status


def shown_members(response) -> set[int]:
    context = response.context
    ids = {i.deadline.member_id for _k, _t, items, _n in context["sections"] for i in items}
    ids |= {i.referral.member_id for i in context["referrals"]}
    ids |= {b.member.pk for b in context["birthdays"]}
    ids |= {r.member_id for r in context["releases"]}
    return ids - {None}


def test_a_coordinators_worklist_holds_only_their_members(program):
    first, second = coordinators()[:2]
    own = set(CareTeamMember.objects.filter(staff=first, until__isnull=True)
              .values_list("member_id", flat=True))
    others = set(CareTeamMember.objects.filter(staff=second, until__isnull=True)
                 .values_list("member_id", flat=True)) - own
    assert own and others
    client = sign_in(Client(), first.user)
    response = client.get("/worklist/")
    shown = shown_members(response)
    assert shown and shown <= own
    # The CSV exports too.
    for table in ("deadlines", "referrals", "birthdays", "releases"):
        export = client.get(f"/worklist/?export={table}")
        event = AuditEvent.objects.filter(action=Action.EXPORT).latest("pk")
        assert set(event.detail.get("member_ids", [])) <= own, table
        assert export.status_code == 200
    # Every member shown is recorded as listed to the coordinator.
    listed = set(AuditEvent.objects.filter(action=Action.LIST, actor=first.user,
                                           detail__page="worklist")
                 .values_list("member_id", flat=True))
    assert listed == shown


def test_break_glass_adds_nobody_to_the_worklist(program):
    first, second = coordinators()[:2]
    theirs = CareTeamMember.objects.filter(staff=second, until__isnull=True).exclude(
        member__care_team__staff=first).first().member
    break_glass_open(user=first.user, member=theirs, reason="Covering an emergency call.")
    assert theirs not in my_members(first.user)
    response = sign_in(Client(), first.user).get("/worklist/")
    assert theirs.pk not in shown_members(response)


def test_an_inactive_coordinator_has_an_empty_worklist(program):
    first = coordinators()[0]
    first.active = False
    first.save()
    assert not my_members(first.user).exists()


def test_a_care_team_membership_that_ended_leaves_the_worklist(program):
    first = coordinators()[0]
    membership = CareTeamMember.objects.filter(staff=first, until__isnull=True).first()
    assert membership.member in my_members(first.user)
    membership.until = timezone.localdate() - timedelta(days=1)
    membership.save()
    assert membership.member not in my_members(first.user)
