"""Leave and backup coverage (PS IV.A.4): the backup passes the position's full check, sees
the covered caseload (or the listed members) only while the coverage runs, each read audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.staff.models import Education, Role
from cares.base.toolkit import Refusal
from members.access import may_change_member, visible_members
from members.coverage import backup
from members.coverage.models import BackupCoverage, StaffLeave
from members.models import CareTeamMember
from tests.factories import MemberFactory, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
START = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
END = datetime(2026, 12, 11, 17, 0, tzinfo=TZ)


def on_caseload(person, count=1):
    members = [MemberFactory() for _ in range(count)]
    for member in members:
        CareTeamMember.objects.create(member=member, staff=person, role=Role.CARE_COORDINATOR,
                                      since=date(2026, 1, 5))
    return members


@pytest.fixture
def team():
    director = make_director()
    away = make_staff(Role.CARE_COORDINATOR)
    cover = make_staff(Role.CARE_COORDINATOR)
    return director, away, cover, on_caseload(away, 2)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def add(director, away, cover, **extra):
    return backup.coverage_add(covered=away, backup=cover, role=Role.CARE_COORDINATOR,
                               starts_at=START, ends_at=END, actor=director.user, **extra)


def test_backup_sees_the_caseload_from_the_first_minute_to_the_last(team):
    director, away, cover, members = team
    add(director, away, cover)
    for moment, seen in [(START - timedelta(minutes=1), False), (START, True),
                         (END - timedelta(minutes=1), True), (END, False)]:
        with at(moment):
            visible = set(visible_members(cover.user).values_list("pk", flat=True))
            assert ({m.pk for m in members} <= visible) is seen, moment
            assert may_change_member(cover.user, members[0]) is seen


def test_coverage_limited_to_listed_members(team):
    director, away, cover, members = team
    add(director, away, cover, members=[members[0]])
    with at(START + timedelta(hours=1)):
        visible = set(visible_members(cover.user).values_list("pk", flat=True))
    assert members[0].pk in visible and members[1].pk not in visible


def test_everything_a_backup_sees_comes_from_one_union_of_ids(team):
    """Their own caseload, the covered caseload and the listed members, together: one
    ``IN`` over a union of ids, so at 20,000 members the database starts from these few
    rather than testing every member (issue 20: a coordinator's lists went from 273 and 695 ms
    to 18 and 36 ms on PostgreSQL)."""
    director, away, cover, members = team
    own = on_caseload(cover)
    third = make_staff(Role.CARE_COORDINATOR)
    listed = on_caseload(third)
    add(director, away, cover)
    backup.coverage_add(covered=third, backup=cover, role=Role.CARE_COORDINATOR,
                        starts_at=START, ends_at=END, actor=director.user, members=listed)
    on_caseload(third)  # not listed: not seen
    CareTeamMember.objects.filter(member=own[0]).update(until=date(2026, 6, 1))  # left
    still = on_caseload(cover)
    with at(START + timedelta(hours=1)):
        seen = visible_members(cover.user)
        sql = str(seen.query).upper()
        assert set(seen.values_list("pk", flat=True)) == {
            *(m.pk for m in members), *(m.pk for m in listed), still[0].pk}
    assert "UNION" in sql and "EXISTS" not in sql


def test_a_read_through_coverage_is_audited_with_the_coverage(team):
    director, away, cover, members = team
    now = timezone.now()
    coverage = backup.coverage_add(covered=away, backup=cover, role=Role.CARE_COORDINATOR,
                                   starts_at=now - timedelta(hours=1),
                                   ends_at=now + timedelta(hours=1), actor=director.user)
    client = sign_in(Client(), cover.user)
    assert client.get(reverse("members:detail", args=[members[0].pk])).status_code == 200
    event = AuditEvent.objects.filter(action=Action.READ, member=members[0],
                                      actor=cover.user).latest("pk")
    assert event.detail["via_backup_coverage"] == coverage.pk
    assert event.priority == "normal"
    backup.coverage_end(coverage_id=coverage.pk, actor=director.user)
    assert client.get(reverse("members:detail", args=[members[0].pk])).status_code == 404


def test_an_unqualified_backup_is_refused_and_nothing_saved():
    director = make_director()
    manager = make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))
    coordinator = make_staff(Role.CARE_COORDINATOR)  # bachelor's, no licence, no master's
    with pytest.raises(Refusal) as refused:
        backup.coverage_add(covered=manager, backup=coordinator,
                            role=Role.SENIOR_CARE_MANAGER, starts_at=START, ends_at=END,
                            actor=director.user)
    assert "PS IV.A.4" in str(refused.value) and "master" in str(refused.value)
    assert "backup" in refused.value.error_dict
    assert not BackupCoverage.objects.exists()


def test_a_care_coordinator_without_the_years_is_refused():
    director = make_director()
    away = make_staff(Role.CARE_COORDINATOR, credentials=("RN",))
    junior = make_staff(Role.CARE_COORDINATOR, education=Education.HIGH_SCHOOL,
                        target_population_years=Decimal("1"))
    with pytest.raises(Refusal) as refused:
        add(director, away, junior)
    assert "years of relevant experience" in str(refused.value)


def test_an_md_may_cover_an_np_senior_medical_professional():
    director = make_director()
    np_smp = make_staff(Role.SENIOR_MEDICAL_PROFESSIONAL, credentials=("NP",))
    md = make_staff(None, credentials=("MD",))
    coverage = backup.coverage_add(covered=np_smp, backup=md,
                                   role=Role.SENIOR_MEDICAL_PROFESSIONAL, starts_at=START,
                                   ends_at=END, actor=director.user)
    assert coverage.pk and AuditEvent.objects.filter(action=Action.CREATE,
                                                     object_id=str(coverage.pk)).exists()


def test_listed_members_must_be_on_the_covered_caseload(team):
    director, away, cover, members = team
    stranger = MemberFactory()
    with pytest.raises(Refusal) as refused:
        add(director, away, cover, members=[members[0], stranger])
    assert "members" in refused.value.error_dict
    assert not BackupCoverage.objects.exists()


def test_ending_early_closes_access_and_twice_is_refused(team):
    director, away, cover, members = team
    coverage = add(director, away, cover)
    noon = START + timedelta(hours=3)
    backup.coverage_end(coverage_id=coverage.pk, actor=director.user, now=noon)
    coverage.refresh_from_db()
    assert coverage.ends_at == noon
    with at(noon + timedelta(minutes=1)):
        assert not visible_members(cover.user).filter(pk=members[0].pk).exists()
    with pytest.raises(Refusal):
        backup.coverage_end(coverage_id=coverage.pk, actor=director.user,
                            now=noon + timedelta(minutes=1))


def test_leave_pages_need_manage_coverage(team):
    director, away, cover, _members = team
    coordinator = sign_in(Client(), cover.user)
    assert coordinator.get(reverse("coverage:backup")).status_code == 200
    assert coordinator.post(reverse("coverage:leave_add"), {}).status_code == 403
    manager = sign_in(Client(), director.user)
    response = manager.post(reverse("coverage:leave_add"), {
        "staff": away.pk, "starts_at": "2026-12-07T08:00", "ends_at": "2026-12-06T08:00",
        "reason": "vacation"})
    assert response.status_code == 200 and "The leave must end after it starts." in (
        response.content.decode())
    assert not StaffLeave.objects.exists()
    response = manager.post(reverse("coverage:leave_add"), {
        "staff": away.pk, "starts_at": "2026-12-07T08:00", "ends_at": "2026-12-12T08:00",
        "reason": "vacation"})
    assert response.status_code == 302 and StaffLeave.objects.count() == 1


def test_coverage_form_refuses_next_to_the_backup_field():
    director = make_director()
    manager_away = make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))
    coordinator = make_staff(Role.CARE_COORDINATOR)
    client = sign_in(Client(), director.user)
    url = reverse("coverage:backup_add") + f"?covered={manager_away.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "covered": manager_away.pk, "role": Role.SENIOR_CARE_MANAGER,
        "backup": coordinator.pk, "starts_at": "2026-12-07T09:00",
        "ends_at": "2026-12-11T17:00"})
    page = response.content.decode()
    assert response.status_code == 200 and "Refused; nothing was saved." in page
    assert "master" in page and not BackupCoverage.objects.exists()


def test_backup_list_shows_current_coverage(team, django_assert_max_num_queries):
    director, away, cover, _members = team
    now = timezone.now()
    backup.coverage_add(covered=away, backup=cover, role=Role.CARE_COORDINATOR,
                        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1),
                        actor=director.user)
    client = sign_in(Client(), director.user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("coverage:backup")).content.decode()
    assert str(cover) in page and "whole caseload" in page and "running" in page


def test_the_backups_offered_are_those_who_pass_a_backup_check():
    """``plausible_backups`` (checked once per distinct set of facts, without messages) offers
    exactly the active staff for whom ``check_backup`` finds nothing for some role."""
    from cares.base.staff.qualifications import StaffFacts, check_backup

    people = [
        make_staff(Role.CARE_COORDINATOR),  # passes the coordinator's check
        make_staff(Role.CARE_COORDINATOR),  # the same facts: decided once
        make_staff(Role.FAMILY_SUPPORT, education=Education.NONE,
                   relevant_experience_years=Decimal("0"), target_population_years=Decimal("0")),
        make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",)),
        make_staff(Role.CARE_COORDINATOR, active=False),
    ]
    today = timezone.localdate()
    expected = {p.pk for p in people if p.active and any(
        not check_backup(role, StaffFacts.of(p), today) for role in Role.values)}
    offered = {p.pk for p in backup.plausible_backups()}
    assert offered & {p.pk for p in people} == expected
    assert people[0].pk in offered and people[4].pk not in offered
    nurses_only = {p.pk for p in backup.plausible_backups([Role.SENIOR_CARE_MANAGER])}
    assert people[3].pk in nurses_only and people[0].pk not in nurses_only
