"""The worklist: deadlines overdue, due within 7 and within 30 days, sorted by due date, each
with its rule, citation and a link to where it is done; referrals waiting for follow-up;
members turning 16 or 21 soon; releases of information expiring."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.deadlines.rules import RULES
from cares.deadlines.services import refresh_deadlines
from cares.program.dashboards import worklist
from cares.program.dashboards.actions import RULE_FORMS, SECTION, action_url
from cares.program.dashboards.worklist import born_between
from members.models import (
    HospitalStay,
    ReferralFollowUp,
    ReleaseOfInformation,
    ServiceReferral,
)
from tests.dashboards.conftest import coordinators
from tests.factories import enrolled_member, make_staff, sign_in

pytestmark = pytest.mark.django_db


def test_sections_hold_the_right_deadlines_sorted_by_due(program):
    today = timezone.localdate()
    coordinator = coordinators()[0]
    context = sign_in(Client(), coordinator.user).get("/worklist/").context
    sections = {key: items for key, _title, items, _count in context["sections"]}
    counts = {key: n for key, _title, _items, n in context["sections"]}
    assert counts == context["counts"] and counts["overdue"] > 0
    for key, items in sections.items():
        dues = [i.deadline.due for i in items]
        assert dues == sorted(dues), key
        assert len(items) == min(counts[key], 100)
        for item in items:
            d = item.deadline
            assert item.title == RULES[d.rule].title and item.citation == RULES[d.rule].citation
            if key == "overdue":
                assert d.due < today and d.status in ("open", "overdue")
                assert item.days == (today - d.due).days
            elif key == "week":
                assert today <= d.due <= today + timedelta(days=7) and d.status == "open"
            else:
                assert today + timedelta(days=7) < d.due <= today + timedelta(days=30)
            if d.rule == "referral_follow_up":
                referral = ServiceReferral.objects.get(member=d.member_id, pk=int(d.ref))
                assert item.url == reverse("members:referral_follow_up",
                                           args=[d.member_id, referral.pk])
                assert item.has_form
            elif d.rule == "discharge_follow_up":  # ref: the stay's key, or its id
                stay = next(s for s in HospitalStay.objects.filter(member=d.member_id)
                            if str(s.key or s.pk) == d.ref)
                assert item.url == reverse("members:stay_follow_up",
                                           args=[d.member_id, stay.pk])
                assert item.has_form
            else:
                assert item.url == action_url(d.rule, d.member_id)


def test_each_rule_links_to_its_form_or_the_members_deadlines(db):
    assert action_url("aftercare_plan", 7) == reverse("members:aftercare", args=[7])
    assert action_url("monitoring", 7) == reverse("members:monitoring_add", args=[7])
    assert action_url("referral_follow_up", 7, 3) == reverse("members:referral_follow_up",
                                                             args=[7, 3])
    assert action_url("discharge_follow_up", 7, 4) == reverse("members:stay_follow_up",
                                                              args=[7, 4])
    assert action_url("discharge_follow_up", 7) == f"/members/7/#{SECTION}"
    assert action_url("enrollment_letter", 7) == "/members/7/#letters-heading"
    # A referral deadline whose referral is unknown, and rules with no form, go to the
    # member's deadlines.
    assert action_url("referral_follow_up", 7) == f"/members/7/#{SECTION}"
    for rule in RULES:
        url = action_url(rule, 7)
        if rule in RULE_FORMS and rule != "referral_follow_up":
            assert url.startswith("/members/7/"), rule
    assert action_url("staff_initial_training", None) == ""


def test_a_new_members_deadlines_and_a_waiting_referral(db):
    today = timezone.localdate()
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=25))
    waiting = ServiceReferral.objects.create(member=member, service="Physical therapy",
                                             referred_on=today - timedelta(days=20),
                                             scheduled_on=today - timedelta(days=3))
    done = ServiceReferral.objects.create(member=member, service="Speech therapy",
                                          referred_on=today - timedelta(days=20),
                                          scheduled_on=today - timedelta(days=10))
    ReferralFollowUp.objects.create(referral=done, followed_up_on=today - timedelta(days=1))
    ServiceReferral.objects.create(member=member, service="Respite care",
                                   referred_on=today - timedelta(days=20),
                                   scheduled_on=today - timedelta(days=5),
                                   exception_reason="Family abroad.")
    ServiceReferral.objects.create(member=member, service="Future", referred_on=today,
                                   scheduled_on=today + timedelta(days=5))
    refresh_deadlines(member_ids=[member.pk])
    response = sign_in(Client(), coordinator.user).get("/worklist/")
    context = response.context
    sections = {key: items for key, _t, items, _n in context["sections"]}
    week = [i.deadline.rule for i in sections["week"]]
    month = [i.deadline.rule for i in sections["month"]]
    # Enrollment letter due in 5 days; assessment/ICP and copies in 35 (not yet shown).
    assert "enrollment_letter" in week
    assert "initial_assessment_icp" not in week + month
    assert [i.referral for i in context["referrals"]] == [waiting]
    assert context["referrals"][0].due == waiting.scheduled_on + timedelta(days=30)
    body = response.content.decode()
    assert "Enrollment letter" in body and "PS VIII" in body
    assert f'href="/members/{member.pk}/#letters-heading"' in body  # the enrollment letter


def test_birthdays_and_releases(db):
    today = timezone.localdate()
    coordinator = make_staff("care_coordinator")
    sixteen = enrolled_member(coordinator, referral_date=today - timedelta(days=60),
                              date_of_birth=today - relativedelta(years=16) + timedelta(days=20))
    twenty_one = enrolled_member(
        coordinator, referral_date=today - timedelta(days=60),
        date_of_birth=today - relativedelta(years=21) + timedelta(days=150))
    enrolled_member(coordinator, referral_date=today - timedelta(days=60),
                    date_of_birth=today - relativedelta(years=10))
    expiring = ReleaseOfInformation.objects.create(
        member=sixteen, party="Example School", purpose="IEP", scope="ICP",
        signed_on=today - timedelta(days=340), signed_by="Parent",
        expires_on=today + timedelta(days=12))
    ReleaseOfInformation.objects.create(
        member=sixteen, party="Revoked", purpose="x", scope="x", signed_on=today - timedelta(
            days=340), signed_by="Parent", expires_on=today + timedelta(days=5),
        revoked_on=today - timedelta(days=1))
    ReleaseOfInformation.objects.create(
        member=twenty_one, party="Later", purpose="x", scope="x", signed_on=today,
        signed_by="Parent", expires_on=today + timedelta(days=200))
    context = sign_in(Client(), coordinator.user).get("/worklist/").context
    assert [(b.member, b.age) for b in context["birthdays"]] == [(sixteen, 16), (twenty_one, 21)]
    assert context["birthdays"][0].on == today + timedelta(days=20)
    assert context["releases"] == [expiring]


@pytest.mark.parametrize("born_on", [date(2008, 2, 29), date(2010, 12, 31), date(2009, 3, 1)])
def test_born_between_is_exact_at_the_edges(born_on):
    for years in (16, 21):
        birthday = born_on + relativedelta(years=years)
        lo, hi = born_between(years, birthday, birthday)
        assert lo <= born_on <= hi
        for day in (lo, hi):
            assert day + relativedelta(years=years) == birthday
        assert (lo - timedelta(days=1)) + relativedelta(years=years) < birthday
        assert (hi + timedelta(days=1)) + relativedelta(years=years) > birthday


def test_one_read_of_the_sections_gives_each_section_and_its_count(program):
    """``deadline_sections`` (the page: one query, the caseload read once) gives what each
    ``deadline_section`` and ``section_counts`` give, record links included."""
    today = timezone.localdate()
    for coordinator in coordinators():
        user = coordinator.user
        caseload = worklist.caseload_of(user)
        sections, counts = worklist.deadline_sections(user, today, caseload=caseload)
        assert counts == worklist.section_counts(user, today)
        for key in worklist.SECTIONS:
            one = worklist.deadline_section(user, key, today)
            assert [(i.deadline.pk, i.url, i.has_form, i.days) for i in sections[key]] == \
                [(i.deadline.pk, i.url, i.has_form, i.days) for i in one], key
        whole, _counts = worklist.deadline_sections(user, today, limit=None)
        assert {k: len(v) for k, v in whole.items()} == counts
