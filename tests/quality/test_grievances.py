"""Grievances and complaints (PS VII, issue 18): acknowledged and resolved within the
program's targets (calendar days from receipt; on the due day is on time), each step refused
next to its field with nothing saved, the loser of a race refused, the open and late ones on
the program dashboard, for the program director and senior care managers only."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.staff.models import Program
from cares.base.toolkit import Refusal
from cares.program.dashboards.periods import Period
from members.models import Grievance
from members.quality import grievances as g
from tests.factories import MemberFactory, ProgramFactory, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db

TARGETS = g.GrievanceTargets(acknowledge_days=5, resolve_days=30)
RECEIVED = date(2026, 3, 2)


def today() -> date:
    return timezone.localdate()


def make(received_on: date, **fields) -> Grievance:
    values = {"from_name": "Parent Example", "from_kind": "family", "topic": "timeliness",
              "description": "Waited three weeks for a call back."} | fields
    return Grievance.objects.create(received_on=received_on, **values)


def record(director, **overrides) -> Grievance:
    values = {"received_on": today() - timedelta(days=3), "from_name": "Parent Example",
              "from_kind": "family", "topic": "coordination",
              "description": "No one returned my calls."} | overrides
    return g.grievance_record(actor=director.user, **values)


# --- The rules ----------------------------------------------------------------------------

def test_due_dates_are_calendar_days_from_receipt():
    assert g.acknowledge_due(RECEIVED, TARGETS) == date(2026, 3, 7)
    assert g.resolve_due(RECEIVED, TARGETS) == date(2026, 4, 1)


@pytest.mark.parametrize(("acknowledged_on", "on_day", "late"), [
    (date(2026, 3, 7), date(2026, 5, 1), False),  # exactly on the due day: on time
    (date(2026, 3, 8), date(2026, 5, 1), True),  # a day after
    (None, date(2026, 3, 7), False),  # not yet, due today: not late yet
    (None, date(2026, 3, 8), True),  # not yet, the due day has passed
])
def test_late_to_acknowledge_at_the_boundaries(acknowledged_on, on_day, late):
    grievance = Grievance(received_on=RECEIVED, acknowledged_on=acknowledged_on)
    assert g.late_to_acknowledge(grievance, TARGETS, on_day) is late


@pytest.mark.parametrize(("resolved_on", "on_day", "late", "days"), [
    (date(2026, 4, 1), date(2026, 6, 1), False, 0),
    (date(2026, 4, 3), date(2026, 6, 1), True, 2),
    (None, date(2026, 4, 1), False, 0),
    (None, date(2026, 4, 11), True, 10),
])
def test_late_to_resolve_at_the_boundaries(resolved_on, on_day, late, days):
    grievance = Grievance(received_on=RECEIVED, resolved_on=resolved_on)
    assert g.late_to_resolve(grievance, TARGETS, on_day) is late
    assert g.grievance_state(grievance, TARGETS, on_day).resolve_late == days


def test_the_program_settings_set_the_targets():
    assert g.grievance_targets() == g.GrievanceTargets(5, 30)  # no program record: defaults
    ProgramFactory(grievance_acknowledge_days=2, grievance_resolve_days=10)
    targets = g.grievance_targets()
    assert targets == g.GrievanceTargets(2, 10)
    grievance = Grievance(received_on=RECEIVED, acknowledged_on=date(2026, 3, 5))
    assert g.late_to_acknowledge(grievance, targets, date(2026, 3, 5))
    assert not g.late_to_acknowledge(grievance, TARGETS, date(2026, 3, 5))


# --- The services ---------------------------------------------------------------------------

def test_a_grievance_moves_through_its_steps_audited():
    director = make_director()
    member = MemberFactory()
    grievance = record(director, masshealth_id=member.masshealth_id)
    assert grievance.member == member
    g.grievance_acknowledge(grievance_id=grievance.pk, acknowledged_on=today() - timedelta(days=2),
                            actor=director.user)
    g.grievance_escalate(grievance_id=grievance.pk, escalated_to="MassHealth ombudsman",
                         escalated_on=today() - timedelta(days=1), actor=director.user)
    g.grievance_resolve(grievance_id=grievance.pk, resolution="Apologized; new coordinator.",
                        resolved_on=today(), actor=director.user)
    grievance.refresh_from_db()
    assert grievance.resolved_on == today() and grievance.escalated_to == "MassHealth ombudsman"
    events = AuditEvent.objects.filter(object_type="members.Grievance",
                                       object_id=str(grievance.pk))
    assert [e.action for e in events.order_by("pk")] == [Action.CREATE] + [Action.UPDATE] * 3
    assert all(e.member_id == member.pk and e.actor == director.user for e in events)
    assert grievance.history.count() == 4


def test_resolving_an_unacknowledged_grievance_acknowledges_it_that_day():
    director = make_director()
    grievance = record(director, received_on=today() - timedelta(days=10))
    g.grievance_resolve(grievance_id=grievance.pk, resolution="Explained the wait.",
                        resolved_on=today() - timedelta(days=7), actor=director.user)
    grievance.refresh_from_db()
    assert grievance.acknowledged_on == today() - timedelta(days=7)
    assert not g.late_to_acknowledge(grievance, TARGETS, today())


def unchanged(grievance: Grievance) -> bool:
    stored = Grievance.objects.get(pk=grievance.pk)
    return (stored.acknowledged_on, stored.resolved_on, stored.escalated_on, stored.received_on) \
        == (grievance.acknowledged_on, grievance.resolved_on, grievance.escalated_on,
            grievance.received_on)


@pytest.mark.parametrize(("service", "values", "field"), [
    ("acknowledge", {"acknowledged_on": "received-1"}, "acknowledged_on"),
    ("acknowledge", {"acknowledged_on": "tomorrow"}, "acknowledged_on"),
    ("resolve", {"resolution": "  ", "resolved_on": "today"}, "resolution"),
    ("resolve", {"resolution": "Done.", "resolved_on": None}, "resolved_on"),
    ("resolve", {"resolution": "Done.", "resolved_on": "received-1"}, "resolved_on"),
    ("resolve", {"resolution": "Done.", "resolved_on": "tomorrow"}, "resolved_on"),
    ("escalate", {"escalated_to": "", "escalated_on": "today"}, "escalated_to"),
    ("escalate", {"escalated_to": "MassHealth", "escalated_on": "received-1"}, "escalated_on"),
    ("escalate", {"escalated_to": "MassHealth", "escalated_on": "tomorrow"}, "escalated_on"),
])
def test_each_step_is_refused_next_to_its_field_with_nothing_saved(service, values, field):
    director = make_director()
    grievance = record(director)
    days = {"received-1": grievance.received_on - timedelta(days=1),
            "tomorrow": today() + timedelta(days=1), "today": today()}
    values = {k: days.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
    before = AuditEvent.objects.count()
    with pytest.raises(Refusal) as refused:
        getattr(g, f"grievance_{service}")(grievance_id=grievance.pk, actor=director.user,
                                           **values)
    assert field in refused.value.error_dict
    assert unchanged(grievance) and AuditEvent.objects.count() == before


def test_resolving_before_the_acknowledgement_is_refused():
    director = make_director()
    grievance = record(director, received_on=today() - timedelta(days=5))
    g.grievance_acknowledge(grievance_id=grievance.pk, acknowledged_on=today() - timedelta(days=2),
                            actor=director.user)
    with pytest.raises(Refusal) as refused:
        g.grievance_resolve(grievance_id=grievance.pk, resolution="Done.",
                            resolved_on=today() - timedelta(days=3), actor=director.user)
    assert "acknowledged on" in refused.value.error_dict["resolved_on"][0].message


def test_an_unknown_masshealth_id_and_a_future_receipt_are_refused():
    director = make_director()
    with pytest.raises(Refusal) as refused:
        record(director, masshealth_id="999999999999", received_on=today() + timedelta(days=1))
    assert {"masshealth_id", "received_on"} <= set(refused.value.error_dict)
    assert not Grievance.objects.exists()


def test_the_receipt_cannot_move_after_the_acknowledgement():
    director = make_director()
    grievance = record(director, received_on=today() - timedelta(days=5))
    g.grievance_acknowledge(grievance_id=grievance.pk, acknowledged_on=today() - timedelta(days=4),
                            actor=director.user)
    with pytest.raises(Refusal) as refused:
        g.grievance_update(grievance_id=grievance.pk, received_on=today() - timedelta(days=3),
                           from_name="Parent Example", from_kind="family", topic="staff",
                           description="Changed.", actor=director.user)
    assert "received_on" in refused.value.error_dict
    assert Grievance.objects.get().topic == "coordination"


def test_the_second_resolution_is_refused_and_the_first_stays():
    director, manager = make_director(), make_staff("senior_care_manager")
    grievance = record(director)
    g.grievance_resolve(grievance_id=grievance.pk, resolution="First.", resolved_on=today(),
                        actor=director.user)
    with pytest.raises(Refusal, match="already resolved"):
        g.grievance_resolve(grievance_id=grievance.pk, resolution="Second.",
                            resolved_on=today(), actor=manager.user)
    assert Grievance.objects.get().resolution == "First."


# --- Pages ------------------------------------------------------------------------------------

@pytest.fixture
def director_page(client):
    director = make_director()
    return sign_in(client, director.user), director


def test_recording_a_grievance_on_the_page(director_page):
    client, _director = director_page
    member = MemberFactory()
    response = client.post(reverse("quality:grievance_add"), {
        "received_on": today().isoformat(), "from_name": "Dr. Example",
        "from_kind": "provider", "topic": "coordination",
        "masshealth_id": f"{member.masshealth_id[:4]}-{member.masshealth_id[4:]}",
        "description": "Our referral was not followed up."})
    grievance = Grievance.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("quality:grievance", args=[grievance.pk])
    assert grievance.member == member


def test_an_unknown_masshealth_id_is_shown_next_to_the_field(director_page):
    client, _director = director_page
    response = client.post(reverse("quality:grievance_add"), {
        "received_on": today().isoformat(), "from_name": "Dr. Example",
        "from_kind": "provider", "topic": "coordination", "masshealth_id": "123456789012",
        "description": "x"})
    assert response.status_code == 400
    assert "No member has this MassHealth ID." in response.context["form"].errors["masshealth_id"]
    assert "Nothing was saved" in response.content.decode()
    assert not Grievance.objects.exists()


def test_a_refused_step_shows_the_grievance_again_with_the_problem(director_page):
    client, director = director_page
    grievance = record(director)
    response = client.post(reverse("quality:grievance_acknowledge", args=[grievance.pk]),
                           {"acknowledged_on": (today() + timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert response.context["acknowledge"].errors["acknowledged_on"]
    assert 'id="acknowledge-form"' in response.content.decode()
    assert Grievance.objects.get().acknowledged_on is None
    response = client.post(reverse("quality:grievance_resolve", args=[grievance.pk]),
                           {"resolution": "Fixed.", "resolved_on": today().isoformat()})
    assert response.status_code == 302
    # A second resolution (a second tab, a double click): the ordinary refusal, never a 500.
    response = client.post(reverse("quality:grievance_resolve", args=[grievance.pk]),
                           {"resolution": "Again.", "resolved_on": today().isoformat()})
    assert response.status_code == 400
    assert "already resolved" in response.content.decode()
    assert Grievance.objects.get().resolution == "Fixed."


def test_the_detail_page_shows_the_description_and_records_the_read(director_page):
    client, director = director_page
    member = MemberFactory()
    grievance = record(director, masshealth_id=member.masshealth_id)
    page = client.get(reverse("quality:grievance", args=[grievance.pk])).content.decode()
    assert "No one returned my calls." in page and "Care coordination" in page
    assert AuditEvent.objects.filter(action=Action.READ, member_id=member.pk,
                                     object_type="members.Grievance").exists()


def test_the_list_filters_open_late_and_resolved(director_page):
    client, director = director_page
    late = make(today() - timedelta(days=6))  # not acknowledged within 5 days
    fresh = make(today() - timedelta(days=1))
    done = make(today() - timedelta(days=9), acknowledged_on=today() - timedelta(days=8),
                resolved_on=today() - timedelta(days=2), resolution="Done.")
    url = reverse("quality:grievances")

    def shown(show: str) -> set[int]:
        response = client.get(url, {"show": show})
        assert response.status_code == 200
        return {s.pk for s in response.context["rows"]}

    assert shown("open") == {late.pk, fresh.pk}
    assert shown("late") == {late.pk}
    assert shown("resolved") == {done.pk}
    assert shown("") == {late.pk, fresh.pk, done.pk}


@pytest.mark.parametrize(("count",), [(2,), (8,)])
def test_the_pages_run_a_fixed_number_of_queries(director_page, count,
                                                 django_assert_max_num_queries):
    client, _director = director_page
    for i in range(count):
        make(today() - timedelta(days=i), member=MemberFactory())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quality:grievances")).status_code == 200
    grievance = Grievance.objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quality:grievance", args=[grievance.pk])).status_code == 200


@pytest.mark.parametrize(("role", "status"), [
    ("program_director", 200), ("senior_care_manager", 200), ("care_coordinator", 403),
    ("family_support", 403), ("senior_medical_professional", 403), (None, 403)])
def test_only_the_director_and_senior_care_managers_reach_grievances(role, status):
    grievance = make(today())
    client = sign_in(Client(), (make_director() if role == "program_director"
                                else make_staff(role)).user)
    assert client.get(reverse("quality:grievances")).status_code == status
    assert client.get(reverse("quality:grievance", args=[grievance.pk])).status_code == status
    response = client.post(reverse("quality:grievance_acknowledge", args=[grievance.pk]),
                           {"acknowledged_on": today().isoformat()})
    assert response.status_code == (302 if status == 200 else 403)
    assert (Grievance.objects.get().acknowledged_on is not None) is (status == 200)


# --- The program dashboard ------------------------------------------------------------------

def seed_dashboard(on: date) -> dict[str, Grievance]:
    return {
        # Open, not acknowledged, received 6 days ago: late to acknowledge (due 5 days after).
        "late_ack": make(on - timedelta(days=6)),
        # Open, acknowledged, received 31 days ago: late to resolve by a day.
        "late_resolve": make(on - timedelta(days=31), acknowledged_on=on - timedelta(days=30),
                             topic="privacy"),
        # Open, received today: on time.
        "fresh": make(on, from_kind="provider"),
        # Resolved exactly on the due day: on time; and one resolved two days late.
        "on_time": make(on - timedelta(days=40), acknowledged_on=on - timedelta(days=40),
                        resolved_on=on - timedelta(days=10), resolution="Done."),
        "late_done": make(on - timedelta(days=35), acknowledged_on=on - timedelta(days=34),
                          resolved_on=on - timedelta(days=3), resolution="Done.",
                          escalated_on=on - timedelta(days=4), escalated_to="MassHealth"),
    }


def test_the_dashboard_numbers():
    on = today()
    seed_dashboard(on)
    period = Period("custom", on - timedelta(days=20), on)
    summary = g.grievance_summary(period, on)
    assert (summary.open, summary.late_to_acknowledge, summary.late_to_resolve) == (3, 1, 1)
    assert (summary.received, summary.resolved, summary.resolved_on_time) == (2, 2, 1)
    assert (summary.on_time_share, summary.escalated) == (50.0, 1)
    assert [s.days_late for s in summary.rows] == [1, 1, 0]  # the oldest first
    assert summary.rows[0].topic_label == "Privacy"


def test_the_dashboard_section_and_its_export():
    on = today()
    seeded = seed_dashboard(on)
    client = sign_in(Client(), make_director().user)
    response = client.get(reverse("dashboards:program"), {"period": "month"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="grievances"' in page and "export=grievances" in page
    assert reverse("quality:grievance", args=[seeded["late_ack"].pk]) in page
    assert "Parent, guardian or family" in page and "A provider" in page
    assert "Waited three weeks" not in page and "Done." not in page  # not on the dashboard
    export = client.get(reverse("dashboards:program"),
                        {"period": "month", "export": "grievances"})
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][0] == "grievance" and len(rows) == 4
    assert AuditEvent.objects.filter(action=Action.EXPORT,
                                     detail__table="dashboard-grievances").exists()


def test_the_dashboard_summary_runs_three_queries(django_assert_num_queries):
    seed_dashboard(today())
    with django_assert_num_queries(3):
        g.grievance_summary(Period("month", today().replace(day=1), today()), today())


def test_program_settings_change_the_dashboard():
    on = today()
    make(on - timedelta(days=3))
    Program.objects.create(name="Harbor CARES", grievance_acknowledge_days=2)
    summary = g.grievance_summary(Period("month", on.replace(day=1), on), on)
    assert summary.late_to_acknowledge == 1 and summary.rows[0].acknowledge_late == 1


# --- Program settings ---------------------------------------------------------------------------

SETTINGS = {"name": "Harbor CARES", "phone": "617-555-0100", "address": "1 Main St",
            "transition_plan_days": "60", "contact_interval_days": "30",
            "discharge_follow_up_days": "7", "icp_update_days": "30", "on_call_phone": "",
            "callback_target_minutes": "30"}


def test_the_director_sets_the_grievance_targets(director_page):
    client, _director = director_page
    url = reverse("staff:program_settings")
    assert 'name="grievance_resolve_days"' in client.get(url).content.decode()
    response = client.post(url, SETTINGS | {"grievance_acknowledge_days": "3",
                                            "grievance_resolve_days": "21"})
    assert response.status_code == 302
    assert g.grievance_targets() == g.GrievanceTargets(3, 21)
    response = client.post(url, SETTINGS)  # left out: the targets stay
    assert response.status_code == 302
    assert g.grievance_targets() == g.GrievanceTargets(3, 21)


@pytest.mark.parametrize(("field", "value"), [
    ("grievance_acknowledge_days", "0"), ("grievance_acknowledge_days", "91"),
    ("grievance_resolve_days", "0"), ("grievance_resolve_days", "366")])
def test_grievance_targets_out_of_range_are_refused(director_page, field, value):
    client, _director = director_page
    Program.objects.create(name="Harbor CARES")
    response = client.post(reverse("staff:program_settings"), SETTINGS | {field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert g.grievance_targets() == g.GrievanceTargets(5, 30)
