"""Weekly supervision of care coordinators and ongoing medical training (PS IV.B.2.b.5-6):
the program check over the last 4 weeks, the refusals, who may see and record what."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.staff.models import Role, StaffProfile
from members.coverage.checks import coverage_checks
from members.coverage.models import MedicalTrainingSession, StaffLeave, Supervision
from members.coverage.supervision import (
    medical_training_record,
    supervision_check,
    supervision_record,
    supervision_remove,
)
from members.models import CareTeamMember
from tests.factories import MemberFactory, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026: the last 4 complete weeks start on 2, 9, 16 and 23 November; the
# week of 23 November holds Thanksgiving (26 November).
NOW = timezone.make_aware(datetime(2026, 12, 2, 10, 0))
WEEKS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]


def coordinator(**fields):
    return make_staff(Role.CARE_COORDINATOR, **fields)


def manager():
    return make_staff(Role.SENIOR_CARE_MANAGER, credentials=("RN",))


def supervised(person, scm, *mondays, weekday=1):
    for monday in mondays:
        Supervision.objects.create(coordinator=person, supervisor=scm,
                                   held_on=monday + timedelta(days=weekday))


def on_caseload(person, count=1):
    members = [MemberFactory() for _ in range(count)]
    for member in members:
        CareTeamMember.objects.create(member=member, staff=person, role=Role.CARE_COORDINATOR,
                                      since=date(2026, 1, 5))
    return members


def weekly_check():
    return next(c for c in coverage_checks(NOW) if c.key == "weekly_supervision")


# --- The check --------------------------------------------------------------------------------

def test_every_week_supervised_is_met_and_names_the_weeks():
    person, scm = coordinator(), manager()
    supervised(person, scm, *WEEKS)
    check = weekly_check()
    assert check.ok, check.detail
    assert check.citation == "PS IV.B.2.b.5"
    assert "2026-11-02" in check.detail and "2026-11-23" in check.detail


def test_thanksgiving_week_still_needs_supervision():
    person, scm = coordinator(), manager()
    supervised(person, scm, *WEEKS[:3])
    check = weekly_check()
    assert not check.ok
    assert f"{person}: no supervision in the week of 2026-11-23" in check.detail
    assert "2026-11-16" not in check.detail.split("(")[0]


def test_a_missing_week_is_reported_by_name_and_week():
    person, other, scm = coordinator(), coordinator(), manager()
    supervised(person, scm, WEEKS[0], WEEKS[2], WEEKS[3])
    supervised(other, scm, *WEEKS)
    check = supervision_check(NOW)
    assert not check.ok
    assert f"{person}: no supervision in the week of 2026-11-09" in check.detail
    assert str(other) not in check.detail


def test_at_program_scale_the_line_names_ten_gaps_and_counts_the_rest():
    """At program scale the dashboard line stays a line (at 20,000 members it had grown to
    98 KB): the first ten gaps by name, then how many more, for the supervision page."""
    scm = manager()
    people = [coordinator() for _ in range(3)]  # four weeks each: 12 gaps
    check = supervision_check(NOW)
    assert not check.ok
    named = [p for p in people if f"{p}: no supervision in the week of" in check.detail]
    assert len(named) == 3
    assert check.detail.count("no supervision in the week of") == 10
    assert "and 2 more weeks without supervision (the supervision page shows them all)" \
        in check.detail
    supervised(people[0], scm, *WEEKS)
    supervised(people[1], scm, *WEEKS[:3])
    check = supervision_check(NOW)
    assert check.detail.count("no supervision in the week of") == 5
    assert "more week" not in check.detail


def test_a_week_on_leave_is_excused():
    person, scm = coordinator(), manager()
    supervised(person, scm, *WEEKS[:3])
    tz = timezone.get_current_timezone()
    StaffLeave.objects.create(staff=person, reason="vacation",
                              starts_at=datetime(2026, 11, 23, 0, 0, tzinfo=tz),
                              ends_at=datetime(2026, 11, 28, 0, 0, tzinfo=tz))
    assert weekly_check().ok


def test_leave_on_part_of_the_week_does_not_excuse_it():
    person, scm = coordinator(), manager()
    supervised(person, scm, *WEEKS[:3])
    tz = timezone.get_current_timezone()
    StaffLeave.objects.create(staff=person, reason="illness",
                              starts_at=datetime(2026, 11, 23, 0, 0, tzinfo=tz),
                              ends_at=datetime(2026, 11, 25, 12, 0, tzinfo=tz))
    check = weekly_check()
    assert f"{person}: no supervision in the week of 2026-11-23" in check.detail


def test_a_new_hire_is_excused_for_the_weeks_before_they_started():
    person, scm = coordinator(hire_date=date(2026, 11, 18)), manager()
    supervised(person, scm, WEEKS[2], WEEKS[3], weekday=3)
    assert weekly_check().ok
    Supervision.objects.filter(coordinator=person, held_on__lt=WEEKS[3]).delete()
    # Hired on the Wednesday: that week already counts.
    assert f"{person}: no supervision in the week of 2026-11-16" in weekly_check().detail


def test_inactive_and_backup_coordinators_are_not_checked():
    covered = coordinator()
    supervised(covered, manager(), *WEEKS)
    coordinator(active=False)
    backup = make_staff(Role.FAMILY_SUPPORT, caregiver_of_special_needs_youth=True)
    backup.roles.create(role=Role.CARE_COORDINATOR, is_backup=True, covers=covered)
    assert weekly_check().ok


def test_the_check_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    scm = manager()
    for _ in range(6):
        supervised(coordinator(), scm, *WEEKS[:2])
    with django_assert_max_num_queries(3):
        assert not supervision_check(NOW).ok
    Supervision.objects.all().delete()
    for person in StaffProfile.objects.filter(roles__role=Role.CARE_COORDINATOR):
        supervised(person, scm, *WEEKS)
    with django_assert_max_num_queries(2):  # every week held: leave is not looked up
        assert supervision_check(NOW).ok


# --- Recording: refusals ----------------------------------------------------------------------

def _record(**overrides):
    person = overrides.pop("coordinator", None) or coordinator()
    values = {"coordinator": person, "supervisor": manager(),
              "held_on": timezone.localdate() - timedelta(days=1),
              "members_discussed": on_caseload(person, 2), "notes": "Went over the plans."}
    values.update(overrides)
    return supervision_record(actor=make_director().user, **values)


def test_a_session_is_recorded_with_members_by_reference_and_audited():
    session = _record()
    assert session.members_discussed.count() == 2
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="members.Supervision",
                                     object_id=str(session.pk)).exists()
    supervision_remove(session_id=session.pk, actor=make_director().user)
    assert not Supervision.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DELETE,
                                     object_type="members.Supervision").exists()
    with pytest.raises(Exception, match="already been removed"):
        supervision_remove(session_id=session.pk)


def _refused(field, **overrides):
    with pytest.raises(Exception) as caught:
        _record(**overrides)
    assert field in caught.value.error_dict, caught.value
    assert not Supervision.objects.exists()
    return " ".join(caught.value.message_dict[field])


def test_supervisor_must_be_a_senior_care_manager():
    assert "senior care manager" in _refused("supervisor", supervisor=coordinator())


def test_a_backup_covering_a_senior_care_manager_may_supervise_when_qualified():
    scm = manager()
    backup = make_staff(Role.CARE_COORDINATOR, credentials=("RN",))
    backup.roles.create(role=Role.SENIOR_CARE_MANAGER, is_backup=True, covers=scm)
    assert _record(supervisor=backup).pk
    unqualified = make_staff(Role.CARE_COORDINATOR)
    unqualified.roles.create(role=Role.SENIOR_CARE_MANAGER, is_backup=True, covers=scm)
    Supervision.objects.all().delete()
    assert "PS IV.A.4" in _refused("supervisor", supervisor=unqualified)


def test_coordinator_must_hold_the_care_coordinator_role():
    assert "care coordinator role" in _refused("coordinator",
                                                coordinator=make_staff(Role.FAMILY_SUPPORT),
                                                members_discussed=[])


def test_date_cannot_be_in_the_future_or_before_the_hire_date():
    assert "future" in _refused("held_on", held_on=timezone.localdate() + timedelta(days=1))
    person = coordinator(hire_date=timezone.localdate() - timedelta(days=3))
    assert "hired" in _refused("held_on", coordinator=person,
                               held_on=timezone.localdate() - timedelta(days=10))


def test_members_discussed_must_be_on_the_caseload():
    person = coordinator()
    elsewhere = on_caseload(coordinator())
    assert "caseload" in _refused("members_discussed", coordinator=person,
                                  members_discussed=on_caseload(person) + elsewhere)


def test_medical_training_refusals_and_record():
    scm, person = manager(), coordinator()
    with pytest.raises(Exception) as caught:
        medical_training_record(topic=" ", held_on=timezone.localdate() + timedelta(days=1),
                                led_by=person, attendees=[make_staff(Role.FAMILY_SUPPORT)])
    assert {"topic", "held_on", "led_by", "attendees"} <= caught.value.error_dict.keys()
    assert not MedicalTrainingSession.objects.exists()
    session = medical_training_record(topic="Tracheostomy care", held_on=timezone.localdate(),
                                      led_by=scm, attendees=[person])
    assert list(session.attendees.all()) == [person]


# --- Pages and permissions --------------------------------------------------------------------

def test_who_may_open_the_pages():
    person, scm, director = coordinator(), manager(), make_director()
    family = make_staff(Role.FAMILY_SUPPORT, caregiver_of_special_needs_youth=True)
    expected = {
        director: (200, 200, 200, 200), scm: (200, 200, 200, 200),
        person: (200, 403, 200, 403), family: (403, 403, 403, 403),
    }
    names = ["coverage:supervision", "coverage:supervision_record", "coverage:training",
             "coverage:training_record"]
    for profile, codes in expected.items():
        client = sign_in(Client(), profile.user)
        got = tuple(client.get(reverse(name)).status_code for name in names)
        assert got == codes, (profile, got)


def test_a_coordinator_sees_only_their_own_sessions_and_notes():
    scm = manager()
    mine, theirs = coordinator(), coordinator()
    Supervision.objects.create(coordinator=mine, supervisor=scm, held_on=timezone.localdate(),
                               notes="My own notes")
    Supervision.objects.create(coordinator=theirs, supervisor=scm,
                               held_on=timezone.localdate(), notes="Someone else's notes")
    page = sign_in(Client(), mine.user).get(reverse("coverage:supervision")).content.decode()
    assert "My own notes" in page and "Someone else" not in page
    assert str(theirs) not in page
    managed = sign_in(Client(), scm.user).get(reverse("coverage:supervision")).content.decode()
    assert "My own notes" in managed and "Someone else" in managed


def test_a_coordinator_may_not_record_or_remove():
    person, scm = coordinator(), manager()
    session = Supervision.objects.create(coordinator=person, supervisor=scm,
                                         held_on=timezone.localdate())
    client = sign_in(Client(), person.user)
    assert client.post(reverse("coverage:supervision_remove"),
                       {"session": session.pk}).status_code == 403
    assert client.post(reverse("coverage:supervision_record"), {
        "coordinator": person.pk, "supervisor": scm.pk,
        "held_on": timezone.localdate().isoformat()}).status_code == 403
    assert Supervision.objects.count() == 1


def test_recording_through_the_page_shows_refusals_next_to_the_field():
    person, scm = coordinator(), manager()
    client = sign_in(Client(), scm.user)
    url = reverse("coverage:supervision_record")
    page = client.get(url, {"coordinator": person.pk})
    assert page.status_code == 200
    answer = client.post(url, {"coordinator": person.pk, "supervisor": scm.pk,
                               "held_on": (timezone.localdate() + timedelta(days=2)).isoformat()})
    assert answer.status_code == 200
    assert "cannot be in the future" in answer.content.decode()
    assert not Supervision.objects.exists()
    members = on_caseload(person, 2)
    answer = client.post(url, {"coordinator": person.pk, "supervisor": scm.pk,
                               "held_on": timezone.localdate().isoformat(),
                               "members_discussed": [m.pk for m in members]})
    assert answer.status_code == 302
    assert Supervision.objects.get().members_discussed.count() == 2


def test_the_log_page_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    scm = manager()
    client = sign_in(Client(), scm.user)
    for _ in range(5):
        person = coordinator()
        session = Supervision.objects.create(coordinator=person, supervisor=scm,
                                             held_on=timezone.localdate())
        session.members_discussed.set(on_caseload(person, 2))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("coverage:supervision")).status_code == 200


def test_the_staff_page_shows_the_medical_training_a_coordinator_attended():
    scm, person, director = manager(), coordinator(), make_director()
    medical_training_record(topic="Seizure action plans", held_on=timezone.localdate(),
                            led_by=scm, attendees=[person])
    page = sign_in(Client(), director.user).get(reverse("staff:detail", args=[person.pk]))
    text = page.content.decode()
    assert "Ongoing medical training" in text and "Seizure action plans" in text


def test_training_is_recorded_through_the_page_with_attendees_ticked():
    scm, first, second = manager(), coordinator(), coordinator()
    client = sign_in(Client(), scm.user)
    url = reverse("coverage:training_record")
    form = client.get(url).content.decode()
    assert f'name="attendees" value="{first.pk}"' in form and 'type="checkbox"' in form
    refused = client.post(url, {"topic": "G-tube care", "led_by": scm.pk,
                                "held_on": timezone.localdate().isoformat()})
    assert "Tick at least one care coordinator" in refused.content.decode()
    answer = client.post(url, {"topic": "G-tube care", "led_by": scm.pk,
                               "held_on": timezone.localdate().isoformat(),
                               "attendees": [first.pk, second.pk]})
    assert answer.status_code == 302
    listing = sign_in(Client(), first.user).get(reverse("coverage:training")).content.decode()
    assert "G-tube care" in listing
