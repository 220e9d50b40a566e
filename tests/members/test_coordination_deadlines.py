"""The coordination records feed the deadline engine: the compliance report and the stored
deadlines carry referral_inquiry_response and referral_closure_notice (member deadlines) and
medical_consult_response (a staff deadline of the senior medical professional asked), with the
same numbers, and a recomputation changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cares.deadlines.facts import episode_facts, members_with_records
from cares.deadlines.models import Deadline
from cares.deadlines.rules import compute_member
from cares.deadlines.services import compliance_report, refresh_deadlines
from members.coordination import services as coordination
from members.models import Member
from tests.factories import enrolled_member, make_medical, make_referral

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
AS_OF = date(2026, 4, 30)


@pytest.fixture
def records(coordinator):
    member = enrolled_member(coordinator, referral_date=date(2026, 1, 10))
    referral = make_referral(member, referred_on=date(2026, 4, 1), referrer_kind="professional",
                             referrer_name="Dr. Example")
    coordination.referral_inquiry_record(
        referral=referral, received_on=date(2026, 4, 17), from_kind="referrer",
        from_name="Dr. Example", answered_on=date(2026, 4, 21), answer="Pending.")
    coordination.referral_status_change(referral=referral, to_status="closed",
                                        on=date(2026, 4, 16), reason="unable_to_reach")
    medical = make_medical()
    coordination.consult_request(
        member=member, requested_at=datetime(2026, 4, 17, 15, 0, tzinfo=BOSTON),
        consultant=medical, question="Fever plan?")
    return member, referral, medical


def test_the_report_carries_the_business_day_rules(records):
    member, referral, medical = records
    report = compliance_report(AS_OF)
    rows = {(r["subject"], r["rule"]): r for r in report["deadlines"]}
    inquiry = rows[str(member.pk), "referral_inquiry_response"]
    assert (inquiry["due"], inquiry["status"], inquiry["satisfied_on"], inquiry["referral"],
            inquiry["spec"]) == ("2026-04-21", "met", "2026-04-21", str(referral.pk), "CLR")
    closure = rows[str(member.pk), "referral_closure_notice"]
    assert (closure["due"], closure["status"], closure["satisfied_on"]) == (
        "2026-04-21", "overdue", None)
    consult = rows[str(medical.pk), "medical_consult_response"]
    assert (consult["due"], consult["status"], consult["spec"]) == (
        "2026-04-21", "overdue", "PS IV.A.2")


def test_stored_deadlines_match_the_report_and_a_rerun_changes_nothing(records):
    member, _referral, medical = records
    refresh_deadlines(as_of=AS_OF)
    assert refresh_deadlines(as_of=AS_OF) == {"created": 0, "updated": 0, "deleted": 0}
    stored = set(Deadline.objects.filter(rule__in=[
        "referral_inquiry_response", "referral_closure_notice", "medical_consult_response"])
        .values_list("member_id", "staff_id", "rule", "due", "status"))
    assert stored == {
        (member.pk, None, "referral_inquiry_response", date(2026, 4, 21), "met"),
        (member.pk, None, "referral_closure_notice", date(2026, 4, 21), "overdue"),
        (None, medical.pk, "medical_consult_response", date(2026, 4, 21), "overdue"),
    }


def test_the_closure_notice_after_termination_follows_the_rule_book(records):
    """A closure notice still open on the termination date is closed as excepted (reading 9),
    like every member deadline."""
    member, referral, _medical = records
    loaded = members_with_records(Member.objects.filter(pk=member.pk)).get()
    [(_episode, facts)] = episode_facts(loaded)
    facts = facts.__class__(**{**facts.__dict__, "termination_date": date(2026, 4, 17)})
    [closure] = [d for d in compute_member(facts, AS_OF) if d.rule == "referral_closure_notice"]
    assert (closure.status, closure.exception) == ("excepted", "member terminated")
