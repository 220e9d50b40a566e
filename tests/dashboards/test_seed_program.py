"""``seed_demo --members N``: a synthetic program with whole histories, fictional, quick,
idempotent and only with DEBUG on."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from cares.base.staff.models import User
from cares.base.staff.selectors import program_check_results, staff_list
from cares.deadlines.models import Deadline
from cares.deadlines.services import refresh_deadlines
from members.models import (
    CareTeamMember,
    Episode,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    ServiceReferral,
)
from notices.models import Letter

pytestmark = pytest.mark.django_db

COUNTED = ("members.Member", "members.Episode", "members.EpisodeStatusChange",
           "members.CareTeamMember", "members.Guardian", "members.ReleaseOfInformation",
           "careplans.Assessment", "careplans.CarePlan", "careplans.CarePlanDelivery",
           "members.ServiceReferral", "members.ReferralFollowUp", "members.MonitoringReview",
           "members.TransitionPlan", "notices.Letter", "deadlines.Deadline", "staff.StaffProfile",
           "staff.Training")


def counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def test_refused_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--members", "5")
    assert not Member.objects.exists()


@override_settings(DEBUG=True)
def test_a_whole_history_per_member_and_idempotent(capsys):
    call_command("seed_demo", "--members", "120")
    first = counts()
    assert first["members.Member"] == 120
    for label in COUNTED:
        assert first[label] > 0, label
    assert "120 created" in capsys.readouterr().out
    # Whole histories: most members enrolled with assessments, ICPs, copies, monitoring,
    # referrals followed up and letters.
    enrolled = Member.objects.filter(episodes__effective_date__isnull=False).distinct().count()
    assert enrolled > 80
    assert Assessment.objects.filter(kind="annual").exists()
    assert CarePlan.objects.filter(version__gt=1, previous__isnull=False).exists()
    assert CarePlanDelivery.objects.exclude(language="en").exists()
    assert MonitoringReview.objects.count() > enrolled
    assert ReferralFollowUp.objects.count() > ServiceReferral.objects.count() / 2
    assert Letter.objects.filter(sent_on__isnull=False).exists()
    assert Letter.objects.filter(sent_on__isnull=True).exists()
    assert Episode.objects.filter(status="terminated").exists()
    assert Member.objects.filter(episodes__status="terminated").filter(
        episodes__status="referred").exists()  # a re-referral: a second episode
    assert CareTeamMember.objects.filter(until__isnull=True).count() >= enrolled
    # The stored deadlines are current: a full sweep changes nothing.
    assert refresh_deadlines() == {"created": 0, "updated": 0, "deleted": 0}
    assert set(Deadline.objects.values_list("status", flat=True)) == {
        "met", "late", "open", "overdue", "excepted"}
    # Again: nothing changes.
    call_command("seed_demo", "--members", "120")
    assert counts() == first
    assert "0 created" in capsys.readouterr().out
    # More members later: only the new ones are added.
    call_command("seed_demo", "--members", "130")
    assert Member.objects.count() == 130


@override_settings(DEBUG=True)
def test_fictional_and_qualified():
    call_command("seed_demo", "--members", "100")
    assert all(u.email.endswith(".example") for u in User.objects.all())
    assert all(m.startswith("9") and len(m) == 12
               for m in Member.objects.values_list("masshealth_id", flat=True))
    assert all(row.qualified for row in staff_list())
    assert all(check.ok for check in program_check_results())
    # Synthetic staff cannot sign in; the named demo accounts can.
    synthetic = User.objects.filter(staff_profile__key__startswith="demo-")
    assert synthetic.exists() and not any(u.has_usable_password() for u in synthetic)


@override_settings(DEBUG=True)
def test_demo_episodes_closed_before_enrollment_owe_no_60_day_duties():
    """Issue 12.1: the demo's ineligible and declined/withdrawn/unreachable episodes are
    closed before enrollment, so the demo dashboard shows no overdue ICP for them."""
    call_command("seed_demo", "--members", "300")
    closed = Episode.objects.filter(closed_on__isnull=False)
    assert {e.closure_reason for e in closed} >= {"ineligible", "declined", "unreachable"}
    assert not closed.filter(effective_date__isnull=False).exists()
    refresh_deadlines()
    rows = Deadline.objects.filter(member__episodes__in=closed,
                                   rule__in=("initial_assessment_icp", "icp_copies"))
    assert rows.exists()
    assert set(rows.values_list("status", flat=True)) <= {"excepted", "met", "late"}
    assert rows.filter(status="excepted", exception_reason__startswith="closed before "
                       "enrollment").exists()
