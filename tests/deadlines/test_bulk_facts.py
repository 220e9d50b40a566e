"""``member_facts_in_bulk``: the facts of many members from a fixed number of ``values_list``
queries are equal to ``episode_facts`` of the same members loaded with model instances
(``members_with_records``), in every order, on the demo program and on edge cases."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from cares.deadlines.bulk_facts import MemberEpisodes, member_facts_in_bulk
from cares.deadlines.facts import episode_facts, members_with_records, subject_key
from cares.deadlines.rows import LocalDays
from cares.program.demo.program import seed_demo_members
from members.models import (
    Contact,
    Episode,
    HospitalStay,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    Removal,
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter
from tests.factories import MemberFactory

AS_OF = date(2026, 12, 1)


def instance_facts(ids) -> list[MemberEpisodes]:
    return [MemberEpisodes(member_id=m.pk, key=subject_key(m),
                           episodes=tuple((e.pk, f) for e, f in episode_facts(m)))
            for m in members_with_records(Member.objects.filter(pk__in=ids))]


def all_ids() -> list[int]:
    return list(Member.objects.order_by("pk").values_list("pk", flat=True))


# --- (a) the demo program -----------------------------------------------------------------------

@pytest.mark.django_db
def test_equal_to_the_instance_facts_on_the_demo_program():
    with override_settings(DEBUG=True):
        seed_demo_members(80, today=AS_OF)
    ids = all_ids()
    bulk = member_facts_in_bulk(ids)
    assert bulk == instance_facts(ids)
    assert [m.member_id for m in bulk] == ids
    facts = [f for m in bulk for _, f in m.episodes]
    # The demo exercises what is compared (inquiries and closures: the edge cases below).
    assert sum(len(m.episodes) > 1 for m in bulk) > 0
    for name in ("initial_assessments", "reassessments", "finalized_icps", "monitoring_reviews",
                 "referrals", "transition_plans", "aftercare_plan", "termination_letter_sent",
                 "closed_before_enrollment", "qualifying_contacts", "hospital_stays",
                 "icp_update_requests"):
        assert any(getattr(f, name) for f in facts), name
    assert any(f.deliveries_by_icp for f in facts)
    assert any(f.enrollment_letter_sent for f in facts)


@pytest.mark.django_db
def test_bulk_facts_in_any_id_order_and_with_unknown_ids():
    with override_settings(DEBUG=True):
        seed_demo_members(12, today=AS_OF)
    ids = all_ids()
    shuffled = [*reversed(ids), ids[0], max(ids) + 1000]
    assert member_facts_in_bulk(shuffled) == member_facts_in_bulk(ids) == instance_facts(ids)
    assert member_facts_in_bulk([]) == []


# --- (b) edge cases -----------------------------------------------------------------------------

def episode(member, referral_date, **fields):
    return Episode.objects.create(member=member, referral_date=referral_date,
                                  referral_source="pcp", **fields)


def letter(member, kind, sent_on, ep=None):
    return Letter.objects.create(member=member, episode=ep, kind=kind, sent_on=sent_on,
                                 status="sent" if sent_on else "draft")


def assessment(member, kind, completed_on, needed=False):
    return Assessment.objects.create(member=member, kind=kind, completed_on=completed_on,
                                     icp_update_needed=needed)


def contact(member, at, mode="in_person", **parties):
    return Contact.objects.create(member=member, contact_at=at, contact_mode=mode, **parties)


def referral(member, referred_on, **fields):
    return ServiceReferral.objects.create(member=member, service="Pulmonology",
                                          referred_on=referred_on, **fields)


def notice(ref, kind, sent_on):
    return ReferralNotice.objects.create(referral=ref, notice_kind=kind, sent_on=sent_on,
                                         sent_to="Dr. Referrer", notice_method="mail")


def seed_episodes(member):
    e1 = episode(member, date(2025, 1, 10), status="terminated", effective_date=date(2025, 1, 20),
                 termination_date=date(2025, 9, 30))
    Removal.objects.create(episode=e1, initiated_on=date(2025, 9, 1), reason="goals_met",
                           planned_termination_date=date(2025, 9, 30),
                           plan_completed_on=date(2025, 9, 15))
    e2 = episode(member, date(2025, 11, 1), status="closed_unenrolled",
                 closed_on=date(2025, 11, 20), closure_reason="declined")
    e3 = episode(member, date(2026, 2, 1), status="removal_initiated",
                 effective_date=date(2026, 2, 3))
    Removal.objects.create(episode=e3, initiated_on=date(2026, 4, 1), reason="no_longer_eligible",
                           planned_termination_date=date(2026, 5, 1))
    letter(member, "enrollment", date(2025, 1, 25), e1)
    letter(member, "termination", date(2025, 11, 5), e1)  # names e1, dated in e2
    letter(member, "enrollment", date(2026, 2, 10))  # names none: e3 by date
    letter(member, "enrollment", date(2026, 2, 5))  # names none, earlier: the one counted
    letter(member, "termination", None, e3)  # a draft: no fact
    return e1, e2, e3


def seed_care(member):
    assessment(member, "initial", date(2025, 1, 15), needed=True)  # initial: no request
    assessment(member, "annual", date(2025, 6, 1), needed=True)
    assessment(member, "initial", date(2026, 2, 5))
    assessment(member, "significant_change", date(2026, 3, 1), needed=True)
    assessment(member, "annual", date(2026, 3, 1))  # same day, later id
    Assessment.objects.create(member=member, kind="annual")  # a draft
    v1 = CarePlan.objects.create(member=member, version=1, status="superseded",
                                 finalized_on=date(2025, 1, 18))
    CarePlan.objects.create(member=member, version=3, status="draft")
    v2 = CarePlan.objects.create(member=member, version=2, status="finalized",
                                 finalized_on=date(2026, 2, 8))
    for on, medium in ((date(2025, 1, 30), "paper"), (date(2025, 1, 22), "electronic"),
                       (date(2025, 1, 22), "paper")):
        CarePlanDelivery.objects.create(care_plan=v1, language="es", medium=medium,
                                        delivered_on=on)
    for on, needed in ((date(2025, 3, 1), False), (date(2026, 3, 10), True)):
        MonitoringReview.objects.create(member=member, reviewed_on=on, icp_update_needed=needed)
    TransitionPlan.objects.create(member=member, recorded_on=date(2026, 2, 20))
    return v1, v2


def seed_coordination(member):
    contact(member, datetime(2025, 2, 1, 3, 30, tzinfo=UTC), with_member=True)  # Jan 31 local
    contact(member, datetime(2026, 2, 12, 15, 0, tzinfo=UTC), "telehealth", with_guardian=True)
    contact(member, datetime(2026, 2, 13, 15, 0, tzinfo=UTC), "phone", with_member=True)
    contact(member, datetime(2026, 2, 14, 15, 0, tzinfo=UTC), with_provider=True)
    HospitalStay.objects.create(member=member, key="STAY-1", setting="inpatient",
                                admitted_on=date(2025, 5, 1), discharged_on=date(2025, 5, 5),
                                follow_up_on=date(2025, 5, 7))
    HospitalStay.objects.create(member=member, setting="emergency", admitted_on=date(2025, 10, 28),
                                discharged_on=date(2025, 11, 3))  # discharged in e2
    HospitalStay.objects.create(member=member, setting="inpatient",
                                admitted_on=date(2026, 3, 15))  # still in hospital


def seed_referrals(member):
    r1 = referral(member, date(2025, 2, 1), key="REF-1", scheduled_on=date(2025, 2, 20))
    for on in (date(2025, 3, 5), date(2025, 2, 25)):
        ReferralFollowUp.objects.create(referral=r1, followed_up_on=on)
    ReferralInquiry.objects.create(referral=r1, received_on=date(2025, 2, 10), from_kind="other",
                                   from_name="Aunt", answered_on=date(2025, 2, 11))
    ReferralInquiry.objects.create(referral=r1, received_on=date(2025, 2, 3), from_kind="other",
                                   from_name="Uncle")
    r2 = referral(member, date(2025, 3, 1), referrer_kind="professional",
                  closed_on=date(2025, 4, 1))
    notice(r2, "decline", date(2025, 3, 30))  # before closing: no closure notice owed
    r3 = referral(member, date(2026, 2, 15), referrer_kind="professional",
                  closed_on=date(2026, 3, 1))
    notice(r3, "closure", date(2026, 3, 4))
    notice(r3, "decline", date(2026, 3, 2))  # after closing: owed, and the first notice
    referral(member, date(2026, 2, 16), closed_on=date(2026, 3, 1))  # the team's: not owed
    referral(member, date(2026, 2, 16), exception_reason="Family moved out of state.")
    return r1, r2, r3


@pytest.mark.django_db
def test_equal_to_the_instance_facts_on_edge_cases():
    member = MemberFactory(key="EDGE-1")
    e1, e2, e3 = seed_episodes(member)
    v1, v2 = seed_care(member)
    seed_coordination(member)
    r1, r2, r3 = seed_referrals(member)
    bare = MemberFactory()  # no episodes, yet records
    contact(bare, datetime(2026, 1, 5, 15, 0, tzinfo=UTC), with_member=True)
    ids = [member.pk, bare.pk]

    bulk = member_facts_in_bulk(ids)
    assert bulk == instance_facts(ids)

    edge, nothing = bulk
    assert (edge.key, nothing.key, nothing.episodes) == ("EDGE-1", str(bare.pk), ())
    assert [pk for pk, _ in edge.episodes] == [e1.pk, e2.pk, e3.pk]
    f1, f2, f3 = (f for _, f in edge.episodes)
    assert f1.enrollment_letter_sent[0] == date(2025, 1, 25)
    assert f1.termination_letter_sent[0] == date(2025, 11, 5)
    assert f2.termination_letter_sent is None
    assert f3.enrollment_letter_sent[0] == date(2026, 2, 5)
    assert f1.aftercare_plan[0] == date(2025, 9, 15)
    assert (f3.removal_initiated, f3.aftercare_plan) == (date(2026, 4, 1), None)
    assert f2.closed_before_enrollment == (date(2025, 11, 20), "declined")
    assert [on for on, _ in f1.icp_update_requests] == [date(2025, 6, 1)]
    assert [on for on, _ in f3.icp_update_requests] == [date(2026, 3, 10), date(2026, 3, 1)]
    assert [on for on, _ in f1.qualifying_contacts] == [date(2025, 1, 31)]
    assert [on for on, _ in f3.qualifying_contacts] == [date(2026, 2, 12)]
    assert [s.key for s in f1.hospital_stays] == ["STAY-1"]
    assert [s.discharged for s in f2.hospital_stays] == [date(2025, 11, 3)]
    assert [s.discharged for s in f3.hospital_stays] == [None]
    assert [d.on for d in f1.deliveries_by_icp[f"careplans.careplan:{v1.pk}"]] == [
        date(2025, 1, 22), date(2025, 1, 22), date(2025, 1, 30)]
    assert f1.deliveries_by_icp[f"careplans.careplan:{v2.pk}"] == ()
    assert [on for on, _ in f3.finalized_icps] == [date(2026, 2, 8)]
    referral_1 = f1.referrals[0]
    assert (referral_1.key, referral_1.follow_up[0]) == ("REF-1", date(2025, 2, 25))
    assert [i.received for i in f1.referral_inquiries] == [date(2025, 2, 3), date(2025, 2, 10)]
    closures = {c.referral: c for f in (f1, f3) for c in f.referral_closures}
    assert closures[str(r2.pk)].owed is False
    assert (closures[str(r3.pk)].owed, closures[str(r3.pk)].notice[0]) == (
        True, date(2026, 3, 2))
    assert sum(not c.owed for c in closures.values()) == 2
    assert any(r.exception_reason for r in f3.referrals)


# --- (c) a fixed number of queries --------------------------------------------------------------

@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_members():
    with override_settings(DEBUG=True):
        seed_demo_members(40, today=AS_OF)
    ids = all_ids()
    assert len(ids) == 40
    counts = []
    for chunk in (ids[:5], ids):
        with CaptureQueriesContext(connection) as queries:
            member_facts_in_bulk(chunk)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15


# --- (d) contact days around daylight saving time -----------------------------------------------

DST_DAYS = (date(2025, 3, 9), date(2025, 11, 2), date(2026, 3, 8), date(2026, 11, 1))


@pytest.mark.django_db
def test_contacts_on_daylight_saving_days_keep_their_local_day():
    member = MemberFactory()
    episode(member, date(2025, 1, 1))
    for day in DST_DAYS:  # 03:30 UTC: the evening before, in New York
        contact(member, datetime.combine(day, datetime.min.time(), UTC).replace(hour=3, minute=30),
                with_member=True)
        contact(member, datetime.combine(day, datetime.min.time(), UTC).replace(hour=7, minute=30),
                with_guardian=True)
    contact(member, datetime(2025, 3, 10, 3, 30, tzinfo=UTC), with_member=True)  # EDT: Mar 9
    bulk = member_facts_in_bulk([member.pk])
    assert bulk == instance_facts([member.pk])
    days = [on for on, _ in bulk[0].episodes[0][1].qualifying_contacts]
    assert days == [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 9), date(2025, 11, 1),
                    date(2025, 11, 2), date(2026, 3, 7), date(2026, 3, 8), date(2026, 10, 31),
                    date(2026, 11, 1)]


def test_local_days_are_timezone_localdate_every_half_hour_around_the_changes():
    local_day = LocalDays()
    zone = timezone.get_current_timezone()
    for day in DST_DAYS:
        start = datetime.combine(day - timedelta(days=1), datetime.min.time(), UTC)
        for step in range(3 * 48):
            at = start + timedelta(minutes=30 * step)
            expected = timezone.localdate(at, zone)
            assert local_day(at) == local_day(at.replace(tzinfo=None)) == expected, at
