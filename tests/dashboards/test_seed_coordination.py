"""Issue 15: the synthetic program has realistic care coordination: contacts (mostly a visit a
month, calls and messages between, some gaps), hospital and emergency stays followed up, and
monitoring reviews that ask for an ICP update followed by a new version. Nothing dated after
``today``; the ICP versions keep their invariants."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from careplans.models import Assessment, CarePlan, CarePlanDelivery, CarePlanStatus
from cares.deadlines.models import Deadline
from cares.deadlines.services import refresh_deadlines
from cares.program.demo.program import seed_demo_members
from members.models import (
    CareTeamMember,
    Contact,
    Episode,
    HospitalStay,
    Member,
    MonitoringReview,
)

TODAY = date(2026, 12, 1)
RULES = ("member_contact", "discharge_follow_up", "icp_update")


@pytest.fixture
def program(db):
    """200 synthetic members as of ``TODAY``."""
    with override_settings(DEBUG=True):
        seed_demo_members(200, today=TODAY)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("program")]


def enrollments() -> dict[int, list[tuple[date, date]]]:
    out = defaultdict(list)
    for e in Episode.objects.filter(effective_date__isnull=False):
        out[e.member_id].append((e.effective_date, e.termination_date or TODAY))
    return out


def test_contacts_in_business_hours_while_enrolled_by_the_coordinator():
    spans = enrollments()
    coordinators = dict(CareTeamMember.objects.filter(role="care_coordinator")
                        .values_list("member_id", "staff_id"))
    contacts = list(Contact.objects.select_related("member"))
    assert len(contacts) > 20 * len(spans)
    for c in contacts:
        local = timezone.localtime(c.contact_at)
        assert local.date() < TODAY and local.weekday() < 5 and 9 <= local.hour < 17
        assert any(s <= local.date() <= e for s, e in spans[c.member_id])
        assert c.staff_id == coordinators[c.member_id]
        assert c.summary
        if c.interpreter_used:
            assert c.interpreter_language == c.member.primary_language != "en"
            assert c.with_family and c.contact_mode != "message"
    modes = Counter(c.contact_mode for c in contacts)
    assert set(modes) == {"in_person", "telehealth", "phone", "message"}
    assert modes["in_person"] + modes["telehealth"] > modes["phone"] + modes["message"]
    assert any(c.with_provider or c.with_school or c.with_agency for c in contacts)
    assert all(c.qualifies for c in contacts if c.contact_mode in ("in_person", "telehealth"))
    assert Contact.objects.exclude(member__primary_language="en").filter(
        interpreter_used=True).exists()


def test_regular_contact_is_mostly_met_with_some_gaps():
    statuses = Counter(Deadline.objects.filter(rule="member_contact")
                       .values_list("status", flat=True))
    decided = statuses["met"] + statuses["late"]
    assert statuses["met"] > 3 * statuses["late"] > 0
    assert statuses["open"] > 0 and statuses["overdue"] > 0
    # Some members went two to three months without a visit.
    gaps = Deadline.objects.filter(rule="member_contact", status="late",
                                   satisfied_on__gt=F("due") + timedelta(days=25))
    assert gaps.exists() and decided > 1000


def test_hospital_stays_for_the_sicker_members():
    stays = list(HospitalStay.objects.all())
    members = {s.member_id for s in stays}
    enrolled = Member.objects.filter(episodes__effective_date__isnull=False).distinct().count()
    assert 0.1 * enrolled < len(members) < 0.4 * enrolled
    spans = enrollments()
    for s in stays:
        assert s.admitted_on <= TODAY and s.key.startswith(s.member.key)
        assert any(a <= s.admitted_on <= e for a, e in spans[s.member_id])
        if s.discharged_on is None:
            assert s.setting == "inpatient" and not s.follow_up_on
            continue
        length = (s.discharged_on - s.admitted_on).days
        assert length <= 1 if s.setting == "emergency" else 2 <= length <= 10
        assert s.discharged_on <= TODAY and (s.follow_up_on or TODAY) <= TODAY
        if s.reassessment == "dismissed":
            assert s.reassessment_reason
    assert {s.setting for s in stays} == {"inpatient", "emergency"}
    assert 1 <= sum(s.discharged_on is None for s in stays) <= 6  # in hospital today
    assert {s.reassessment for s in stays} == {"", "accepted", "dismissed"}
    for a in Assessment.objects.filter(hospital_stay__isnull=False).select_related(
            "hospital_stay"):
        assert a.hospital_stay.reassessment == "accepted"
        assert a.member_id == a.hospital_stay.member_id
        assert a.completed_on >= a.hospital_stay.discharged_on
    statuses = Counter(Deadline.objects.filter(rule="discharge_follow_up")
                       .values_list("status", flat=True))
    assert statuses["met"] > 3 * statuses["late"] > 0 and statuses["overdue"] > 0


def test_reviews_asking_for_an_icp_update_are_followed_by_a_new_version():
    reviews = MonitoringReview.objects.all()
    asked = reviews.filter(icp_update_needed=True)
    assert 0.15 * reviews.count() < asked.count() < 0.35 * reviews.count()
    assert not asked.filter(changes_reflected=True).exists()
    answered = asked.filter(new_care_plan__isnull=False)
    assert answered.count() > 0.7 * asked.count()
    for review in answered.select_related("new_care_plan"):
        plan = review.new_care_plan
        assert plan.member_id == review.member_id
        assert 14 <= (plan.finalized_on - review.reviewed_on).days <= 42
    assert not reviews.filter(icp_update_needed=False, new_care_plan__isnull=False).exists()
    statuses = Counter(Deadline.objects.filter(rule="icp_update")
                       .values_list("status", flat=True))
    assert statuses["met"] > statuses["late"] > 0


def test_icp_versions_keep_their_invariants():
    by_member = defaultdict(list)
    for plan in CarePlan.objects.order_by("member", "version"):
        by_member[plan.member_id].append(plan)
    for plans in by_member.values():
        assert [p.version for p in plans] == list(range(1, len(plans) + 1))
        assert [p.previous_id for p in plans] == [None, *(p.pk for p in plans[:-1])]
        finalized = [p for p in plans if p.status != CarePlanStatus.DRAFT]
        if finalized:
            assert [p.status for p in finalized] == \
                [CarePlanStatus.SUPERSEDED] * (len(finalized) - 1) + [CarePlanStatus.FINALIZED]
            days = [p.finalized_on for p in finalized]
            assert days == sorted(days) and days[-1] <= TODAY
    assert not CarePlanDelivery.objects.filter(delivered_on__gt=TODAY).exists()


def test_the_stored_deadlines_of_the_new_rules_are_current():
    assert refresh_deadlines(as_of=TODAY) == {"created": 0, "updated": 0, "deleted": 0}
    assert set(Deadline.objects.filter(rule__in=RULES).values_list("rule", flat=True)) == \
        set(RULES)
