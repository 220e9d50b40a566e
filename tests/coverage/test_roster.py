"""The on-call roster (PS VI.B.1.b): who may be rostered, shifts that may not overlap, and
the gaps in the line's coverage, across a daylight-saving change and a month end
(America/New_York)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import AuditEvent
from cares.base.staff.models import Role
from cares.base.staff.training import required_initial_topics
from members.coverage import roster
from members.coverage.checks import coverage_checks
from members.coverage.models import OnCallShift, StaffLeave
from tests.factories import TrainingFactory, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


def caller(first: str, last: str, role: str = Role.CARE_COORDINATOR, *, trained: bool = True,
           **fields):
    """A staff member who may take calls (qualified, training up to date)."""
    profile = make_staff(role, **fields)
    profile.user.first_name, profile.user.last_name = first, last
    profile.user.save()
    if trained:
        for topic in required_initial_topics([role]):
            TrainingFactory(staff=profile, topic=topic, completed=date(2025, 2, 1))
        TrainingFactory(staff=profile, topic="annual", completed=date(2026, 1, 15))
    return profile


def shift(staff, start, end, backup=None) -> OnCallShift:
    return roster.shift_add(staff=staff, backup=backup, starts_at=start, ends_at=end)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


# --- Who may be rostered --------------------------------------------------------------------

def test_a_qualified_trained_coordinator_is_rostered_and_audited():
    ana = caller("Ana", "Silva")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    made = shift(ana, start, start + timedelta(hours=12))
    assert made.pk and made.staff == ana
    assert AuditEvent.objects.filter(action="create", object_id=str(made.pk)).exists()


def test_overdue_initial_training_is_refused_with_the_reason():
    dana = caller("Dana", "Lee", trained=False)  # hired 2025-01-06: due 2025-04-06
    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        shift(dana, start, start + timedelta(hours=8))
    assert "Dana Lee cannot be rostered: initial training overdue since 2025-04-06" in \
        messages(exc)
    assert exc.value.error_dict.keys() == {"staff"}
    assert not OnCallShift.objects.exists()


def test_an_unqualified_person_is_refused_with_their_role_check():
    # A care coordinator with a high school diploma and 1 year: needs 3 (PS IV.B.3.a).
    sam = caller("Sam", "Ortiz", education="high_school", target_population_years=1)
    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        shift(sam, start, start + timedelta(hours=8))
    assert "Sam Ortiz cannot be rostered: Care coordinator (PS IV.B.3.a)" in messages(exc)


@pytest.mark.parametrize("role", [Role.FAMILY_SUPPORT, Role.PROGRAM_DIRECTOR, None])
def test_a_role_that_does_not_take_calls_is_refused(role):
    who = caller("Pat", "Kim", role=role or Role.CARE_COORDINATOR)
    if role is None:
        who.roles.all().delete()
    else:
        who.roles.update(role=role)
    ana = caller("Ana", "Silva")
    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        shift(ana, start, start + timedelta(hours=8), backup=who)
    assert "Pat Kim cannot be rostered: holds none of the roles that take calls" in \
        messages(exc)
    assert exc.value.error_dict.keys() == {"backup"}


def test_shift_shape_is_checked():
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    start = local(2026, 12, 10, 8)
    with pytest.raises(ValidationError, match="must end after it starts"):
        shift(ana, start, start)
    with pytest.raises(ValidationError, match="at most 7 days"):
        shift(ana, start, start + timedelta(days=7, minutes=1))
    with pytest.raises(ValidationError, match="someone other than"):
        shift(ana, start, start + timedelta(hours=1), backup=ana)
    assert shift(ana, start, start + timedelta(days=7), backup=ben)


def test_same_person_shifts_may_not_overlap_but_a_handover_may():
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    shift(ana, local(2026, 12, 10, 8), local(2026, 12, 10, 20))
    with pytest.raises(ValidationError) as exc:
        shift(ana, local(2026, 12, 10, 19), local(2026, 12, 11, 8))
    assert "Ana Silva is already on call Thu 10 Dec 08:00 – Thu 10 Dec 20:00 (12 h)" in \
        messages(exc)
    assert shift(ben, local(2026, 12, 10, 19), local(2026, 12, 11, 8))  # handover
    assert shift(ana, local(2026, 12, 10, 20), local(2026, 12, 11, 8))  # back to back


def test_change_and_remove_are_audited_and_recheck():
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    first = shift(ana, local(2026, 12, 10, 8), local(2026, 12, 10, 20))
    second = shift(ana, local(2026, 12, 11, 8), local(2026, 12, 11, 20))
    with pytest.raises(ValidationError, match="already on call"):
        roster.shift_change(shift=second, staff=ana, backup=None,
                            starts_at=local(2026, 12, 10, 12), ends_at=local(2026, 12, 11, 20))
    changed = roster.shift_change(shift=second, staff=ben, backup=ana,
                                  starts_at=local(2026, 12, 10, 12),
                                  ends_at=local(2026, 12, 11, 20))
    assert changed.staff == ben
    roster.shift_remove(shift=first)
    assert AuditEvent.objects.filter(action="delete", object_id=str(first.pk)).exists()
    with pytest.raises(ValidationError, match="removed in the meantime"):
        roster.shift_remove(shift=first)


# --- Gaps -----------------------------------------------------------------------------------

def test_a_night_across_the_fall_back_change_lasts_13_hours():
    ana = caller("Ana", "Silva")
    night = shift(ana, local(2026, 10, 31, 20), local(2026, 11, 1, 8))
    assert night.ends_at - night.starts_at == timedelta(hours=13)
    assert "(13 h)" in roster.span_words(night.starts_at, night.ends_at)
    gaps = roster.roster_gaps(local(2026, 10, 31, 20), local(2026, 11, 1, 8))
    assert gaps == []


def test_the_repeated_hour_is_a_two_hour_gap():
    """Covered until 01:00 EDT and again from 02:00 EST: 01:00-02:00 happens twice, and both
    are uncovered."""
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    shift(ana, local(2026, 10, 31, 20), datetime(2026, 11, 1, 5, tzinfo=UTC))  # 01:00 EDT
    shift(ben, datetime(2026, 11, 1, 7, tzinfo=UTC), local(2026, 11, 1, 20))  # 02:00 EST
    gaps = roster.roster_gaps(local(2026, 10, 31, 20), local(2026, 11, 1, 20))
    assert len(gaps) == 1
    assert gaps[0].minutes == 120
    assert gaps[0].words == "Sun 1 Nov 01:00 – Sun 1 Nov 02:00 (2 h)"


def test_gaps_across_a_month_end_are_merged_and_clipped():
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    shift(ana, local(2026, 12, 30, 8), local(2026, 12, 31, 8))
    shift(ben, local(2026, 12, 31, 6), local(2026, 12, 31, 20))  # overlaps: a handover
    shift(ana, local(2027, 1, 1, 2), local(2027, 1, 2, 8))
    gaps = roster.roster_gaps(local(2026, 12, 30, 0), local(2027, 1, 2, 0))
    assert [(g.starts_at, g.ends_at) for g in gaps] == [
        (local(2026, 12, 30, 0), local(2026, 12, 30, 8)),
        (local(2026, 12, 31, 20), local(2027, 1, 1, 2)),
    ]
    assert gaps[1].words == "Thu 31 Dec 20:00 – Fri 1 Jan 02:00 (6 h)"


def test_a_shift_of_someone_no_longer_qualified_is_a_gap():
    ana = caller("Ana", "Silva")
    shift(ana, local(2026, 12, 10, 8), local(2026, 12, 10, 20))
    window = (local(2026, 12, 10, 8), local(2026, 12, 10, 20))
    assert roster.roster_gaps(*window) == []
    ana.active = False
    ana.save()
    assert [g.minutes for g in roster.roster_gaps(*window)] == [12 * 60]


def test_leave_during_a_shift_is_covered_by_the_backup_or_is_a_gap():
    """Someone on leave does not answer the line: their backup does, if they may take calls
    and are not away too; otherwise those hours are a gap."""
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    window = (local(2026, 12, 10, 8), local(2026, 12, 11, 8))
    with_backup = shift(ana, *window, backup=ben)
    StaffLeave.objects.create(staff=ana, starts_at=local(2026, 12, 10, 12),
                              ends_at=local(2026, 12, 10, 18), reason="illness")
    assert roster.roster_gaps(*window) == []  # Ben answers from 12:00 to 18:00
    StaffLeave.objects.create(staff=ben, starts_at=local(2026, 12, 10, 16),
                              ends_at=local(2026, 12, 11, 9), reason="vacation")
    gaps = roster.roster_gaps(*window)
    assert [g.words for g in gaps] == ["Thu 10 Dec 16:00 – Thu 10 Dec 18:00 (2 h)"]
    with_backup.delete()
    shift(ana, *window)  # no backup: the whole leave is a gap
    assert [g.minutes for g in roster.roster_gaps(*window)] == [6 * 60]


def test_the_program_check_lists_each_gap_in_words(django_assert_max_num_queries):
    ana = caller("Ana", "Silva")
    now = local(2026, 12, 4, 12, 0, 30)
    shift(ana, local(2026, 12, 4, 12), local(2026, 12, 10, 12))
    with django_assert_max_num_queries(8):
        check = roster.on_call_check(now)
    assert not check.ok and check.citation == "PS VI.B.1.b"
    assert check.title == "24/7 on-call line covered for the next 30 days"
    assert check.detail == "1 gap: Thu 10 Dec 12:00 – Sun 3 Jan 12:00 (576 h)."
    assert "on_call_covered" in [c.key for c in coverage_checks(now)]


def test_the_check_is_ok_when_every_minute_is_covered():
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    start = local(2026, 12, 4, 12)
    for n in range(5):
        who = ana if n % 2 == 0 else ben
        shift(who, start + timedelta(days=7 * n), start + timedelta(days=7 * n + 7))
    assert roster.on_call_check(start).ok


# --- Pages ----------------------------------------------------------------------------------

def test_the_roster_page_shows_gaps_with_a_prefilled_link(client, django_assert_max_num_queries):
    director = make_director()
    ana, ben = caller("Ana", "Silva"), caller("Ben", "Ng")
    now = timezone.now().replace(second=0, microsecond=0)
    for n in range(10):
        shift(ana if n % 2 else ben, now + timedelta(days=n, hours=2),
              now + timedelta(days=n, hours=20), backup=ben if n % 2 else ana)
    sign_in(client, director.user)
    client.get(reverse("coverage:roster"))
    with django_assert_max_num_queries(18):
        response = client.get(reverse("coverage:roster"))
    page = response.content.decode()
    assert page.count("Not covered") == 11
    assert page.count("Add a shift for this gap") == 11
    first_gap = roster.roster_gaps(now, now + timedelta(days=30))[0]
    link = reverse("coverage:shift_add") + "?starts_at=" + \
        timezone.localtime(first_gap.starts_at).isoformat().replace(":", "%3A").replace(
            "+", "%2B")
    assert link.split("?")[0] in page
    form = client.get(reverse("coverage:shift_add"), {
        "starts_at": timezone.localtime(first_gap.starts_at).isoformat(),
        "ends_at": timezone.localtime(first_gap.ends_at).isoformat()}).content.decode()
    start_local = timezone.localtime(first_gap.starts_at)
    assert f'value="{start_local:%Y-%m-%d}"' in form
    assert f'value="{start_local:%H:%M}"' in form


def test_the_form_refuses_next_to_the_field_and_saves_nothing(client):
    director = make_director()
    dana = caller("Dana", "Lee", trained=False)
    sign_in(client, director.user)
    response = client.post(reverse("coverage:shift_add"), {
        "staff": dana.pk, "starts_at_0": "2026-12-20", "starts_at_1": "08:00",
        "ends_at_0": "2026-12-20", "ends_at_1": "07:00"})
    assert response.status_code == 200
    assert "The shift must end after it starts." in response.context["form"].errors["ends_at"]
    response = client.post(reverse("coverage:shift_add"), {
        "staff": dana.pk, "starts_at_0": "2026-12-20", "starts_at_1": "08:00",
        "ends_at_0": "2026-12-20", "ends_at_1": "20:00"})
    assert "initial training overdue since 2025-04-06" in \
        " ".join(response.context["form"].errors["staff"])
    assert not OnCallShift.objects.exists()


def test_a_shift_saved_through_the_form_is_in_local_time(client):
    director = make_director()
    ana = caller("Ana", "Silva")
    sign_in(client, director.user)
    response = client.post(reverse("coverage:shift_add"), {
        "staff": ana.pk, "starts_at_0": "2026-10-31", "starts_at_1": "20:00",
        "ends_at_0": "2026-11-01", "ends_at_1": "08:00", "note": "Weekend"})
    assert response.status_code == 302
    saved = OnCallShift.objects.get()
    assert saved.starts_at == local(2026, 10, 31, 20)
    assert saved.ends_at - saved.starts_at == timedelta(hours=13)


@pytest.mark.parametrize(("role", "may_edit"), [
    ("director", True), ("senior_care_manager", True), ("care_coordinator", False),
    ("senior_medical_professional", False), ("family_support", False)])
def test_everyone_sees_the_roster_and_only_managers_edit(client, role, may_edit):
    user = (make_director() if role == "director"
            else make_staff(role, credentials=("RN",))).user
    ana = caller("Ana", "Silva")
    made = shift(ana, local(2026, 12, 10, 8), local(2026, 12, 10, 20))
    sign_in(client, user)
    assert client.get(reverse("coverage:index")).status_code == 200
    page = client.get(reverse("coverage:roster"))
    assert page.status_code == 200
    assert ("Add a shift for this gap" in page.content.decode()) is may_edit
    expected = 200 if may_edit else 403
    assert client.get(reverse("coverage:shift_add")).status_code == expected
    assert client.get(reverse("coverage:shift_edit", args=[made.pk])).status_code == expected
    removed = client.post(reverse("coverage:shift_remove", args=[made.pk]))
    assert removed.status_code == (302 if may_edit else 403)
    assert OnCallShift.objects.filter(pk=made.pk).exists() is not may_edit


def test_an_inactive_staff_member_may_not_see_the_hub(client):
    someone = make_staff(Role.CARE_COORDINATOR)
    sign_in(client, someone.user)
    someone.active = False
    someone.save()
    assert client.get(reverse("coverage:index")).status_code in (302, 403)  # signed out


def test_a_time_that_occurs_twice_is_refused_next_to_the_field(client):
    director = make_director()
    ana = caller("Ana", "Silva")
    sign_in(client, director.user)
    response = client.post(reverse("coverage:shift_add"), {
        "staff": ana.pk, "starts_at_0": "2026-11-01", "starts_at_1": "01:30",
        "ends_at_0": "2026-11-01", "ends_at_1": "08:00"})
    assert response.status_code == 200
    assert "may be ambiguous or it may not exist" in \
        " ".join(response.context["form"].errors["starts_at"])
    assert not OnCallShift.objects.exists()
