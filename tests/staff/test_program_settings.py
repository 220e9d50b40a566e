"""The program director's settings page: the program record and the lengths the deadline rule
book reads (deadlines.md notes), audited and with history."""

from datetime import date

import pytest
from django.urls import reverse

from cares.base.audit.models import AuditEvent
from cares.base.staff.models import Program
from cares.deadlines import tasks
from cares.deadlines.lengths import DEFAULT_LENGTHS, ProgramLengths, program_lengths
from cares.deadlines.rules import MemberFacts, compute_member
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

URL = reverse("staff:program_settings")


def settings_post(**overrides):
    data = {"name": "Harbor CARES", "phone": "617-555-0100", "address": "1 Main St",
            "transition_plan_days": "60", "contact_interval_days": "30",
            "discharge_follow_up_days": "7", "icp_update_days": "30",
            "on_call_phone": "", "callback_target_minutes": "30"}
    return data | overrides


def test_the_defaults_are_those_of_deadlines_md():
    expected = ProgramLengths(transition_plan_days=60, contact_interval_days=30,
                              discharge_follow_up_days=7, icp_update_days=30)
    assert expected == DEFAULT_LENGTHS
    assert program_lengths() == DEFAULT_LENGTHS  # no program record yet


def test_the_director_changes_a_length_audited_with_history(director_client, director):
    Program.objects.create(name="Harbor CARES")
    response = director_client.get(URL)
    assert response.status_code == 200
    assert 'name="transition_plan_days"' in response.content.decode()

    response = director_client.post(URL, settings_post(transition_plan_days="45"))
    assert response.status_code == 302
    program = Program.objects.get()
    assert program.transition_plan_days == 45
    assert program_lengths().transition_plan_days == 45
    event = AuditEvent.objects.filter(object_type="staff.Program").latest("pk")
    assert event.actor == director.user
    assert "transition_plan_days" in event.detail["fields"]
    latest = program.history.latest("history_date")
    assert (latest.transition_plan_days, latest.history_user) == (45, director.user)


def test_a_length_out_of_range_saves_nothing(director_client):
    Program.objects.create(name="Harbor CARES")
    response = director_client.post(URL, settings_post(contact_interval_days="0"))
    assert response.status_code == 200
    assert "contact_interval_days" in response.context["form"].errors
    assert Program.objects.get().contact_interval_days == 30
    assert not AuditEvent.objects.filter(object_type="staff.Program").exists()


def test_the_page_creates_the_record_when_there_is_none(director_client):
    director_client.post(URL, settings_post(icp_update_days="21"))
    assert Program.objects.get().icp_update_days == 21


@pytest.mark.parametrize("role", ["care_coordinator", "senior_care_manager"])
def test_only_the_director_may_change_the_settings(client, role):
    sign_in(client, make_staff(role).user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, settings_post()).status_code == 403


def test_the_rule_book_reads_the_program_setting():
    facts = MemberFacts(date_of_birth=date(2010, 1, 1), referral_date=date(2026, 1, 1),
                        enrollment_effective=date(2026, 1, 10))
    lengths = ProgramLengths.of(Program(name="x", transition_plan_days=45))
    [plan] = [d for d in compute_member(facts, date(2026, 2, 1), lengths=lengths)
              if d.rule == "transition_plan"]
    assert plan.due == date(2026, 2, 24)  # enrollment (after the 16th birthday) + 45 days


def test_a_changed_length_queues_the_recomputation_once_it_commits(
        director_client, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.refresh_deadlines_task, "delay", lambda: queued.append(1))
    Program.objects.create(name="Harbor CARES")
    with django_capture_on_commit_callbacks(execute=True):
        director_client.post(URL, settings_post(address="2 Main St"))
    assert queued == []  # the address is no length: nothing to recompute
    with django_capture_on_commit_callbacks(execute=True):
        director_client.post(URL, settings_post(contact_interval_days="21"))
    assert queued == [1]
    assert Program.objects.get().contact_interval_days == 21
