"""Stored deadlines: refreshed by the services, recomputed by the sweep, idempotent, bounded;
reminders sent once a day."""

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cares.deadlines.computations import forget
from cares.deadlines.models import Deadline, ReminderDigest
from cares.deadlines.services import compliance_report, refresh_deadlines
from cares.deadlines.tasks import refresh_deadlines_task, send_reminders_task
from members.models import Member
from tests.factories import MemberFactory, enrolled_member, make_staff

DATA = Path(__file__).with_name("data")
pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(Deadline.objects.values_list("subject_key", "rule", "cycle_key", "due",
                                               "status", "satisfied_on"))


def test_sweep_is_idempotent_and_matches_the_report():
    call_command("import_caseload", str(DATA / "program.json"), stdout=io.StringIO())
    first = refresh_deadlines(as_of=date(2026, 8, 31))
    assert first["created"] == 0  # the import already refreshed; this run only updates
    rows = snapshot()
    again = refresh_deadlines(as_of=date(2026, 8, 31))
    assert again == {"created": 0, "updated": 0, "deleted": 0}
    assert snapshot() == rows
    report = compliance_report(date(2026, 8, 31))
    assert len(rows) == len(report["deadlines"])
    statuses = sorted(r[4] for r in rows)
    assert statuses == sorted(d["status"] for d in report["deadlines"])


def test_services_refresh_the_member_deadlines(coordinator):
    member = enrolled_member(coordinator, referral_date=timezone.localdate() - timedelta(days=5))
    rules = set(Deadline.objects.filter(member=member).values_list("rule", flat=True))
    assert {"initial_assessment_icp", "icp_copies", "enrollment_letter"} <= rules


def test_sweep_runs_a_bounded_number_of_queries(django_assert_max_num_queries, coordinator):
    for _ in range(5):
        enrolled_member(coordinator)
    refresh_deadlines()

    def count(n):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            refresh_deadlines()
        return len(ctx.captured_queries)

    few = count(5)
    for _ in range(40):
        MemberFactory()
    assert count(45) == few


def test_deleted_source_records_remove_their_deadlines(coordinator):
    member = enrolled_member(coordinator)
    assert Deadline.objects.filter(member=member).exists()
    Deadline.objects.create(member=member, subject_key=f"m{member.pk}", rule="monitoring",
                            cycle_key="stale", start=date(2020, 1, 1), due=date(2020, 7, 1),
                            status="open", computed_on=date(2020, 1, 1))
    refresh_deadlines()
    assert not Deadline.objects.filter(cycle_key="stale").exists()


def test_tasks_run_the_services_and_a_rerun_changes_nothing(coordinator):
    member = enrolled_member(coordinator)
    Deadline.objects.all().delete()
    forget(member_ids=[member.pk])  # changed outside the services: marked for the next sweep
    first = refresh_deadlines_task.apply().get()
    assert first["created"] >= 3 and first["members recomputed"] == 1
    assert refresh_deadlines_task.apply().get() == {
        "created": 0, "updated": 0, "deleted": 0, "overdue": 0, "members recomputed": 0,
        "staff recomputed": 0}


def test_digest_is_sent_once_per_day_even_if_the_task_runs_twice(coordinator):
    enrolled_member(coordinator, referral_date=timezone.localdate() - timedelta(days=90))
    director = make_staff("program_director")
    refresh_deadlines()
    first = send_reminders_task.apply().get()
    second = send_reminders_task.apply().get()
    assert first["digests"] >= 1 and second == {"digests": 0, "escalations": 0}
    to = [m.to[0] for m in mail.outbox]
    assert to.count(coordinator.user.email) == 1
    assert director.user.email in to  # escalation: overdue more than 7 days
    digest = next(m for m in mail.outbox if m.to == [coordinator.user.email])
    assert "PS VI.A.1, VIII" in digest.body
    member = Member.objects.get()
    assert member.legal_last_name not in digest.body  # minimum necessary in e-mail
    assert ReminderDigest.objects.filter(staff=coordinator, kind="digest").count() == 1


def test_report_is_json_serializable():
    json.dumps(compliance_report(date(2026, 1, 1)))
