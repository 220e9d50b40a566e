"""Issue 12.1: an episode closes before enrollment (PS VIII; deadlines.md reading 12).

From referred, evaluated eligible or consented, with a reason, a date and a note; audited; on
the timeline; refused from any other status and for a date in the future or before the
referral. On the closing date the 60-day duties not yet satisfied become excepted, open or
already overdue alike, everywhere the stored deadlines are read; the member leaves the
caseload's current view and the coordinator's worklist; a new referral starts a new episode.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import AuditEvent
from cares.deadlines.models import Deadline
from cares.deadlines.rules import MemberFacts, compute_member
from cares.program.dashboards.worklist import deadline_section
from members import services
from members.models import Episode, EpisodeStatus
from members.selectors import caseload, member_timeline
from tests.factories import MemberFactory, enrolled_member, sign_in
from tests.members.test_services import consent, evaluate, refused

pytestmark = pytest.mark.django_db
S = EpisodeStatus
TODAY = timezone.localdate()


def referred(coordinator, on):
    member = MemberFactory()
    return services.intake_create(member=member, referral_date=on, referral_source="pcp",
                                  assigned_to=coordinator)


def close(episode, on=None, reason="declined", note="Mother declined by phone on Tuesday."):
    return services.episode_close(episode=episode, closed_on=on or TODAY,
                                  closing_reason=reason, closing_note=note)


def duties(member):
    return {d.rule: (d.status, d.exception_reason) for d in Deadline.objects.filter(
        member=member, rule__in=("initial_assessment_icp", "icp_copies"))}


# --- the rule (reading 12) -----------------------------------------------------------------------

def facts(**kw):
    base = {"date_of_birth": date(2015, 1, 1), "referral_date": date(2026, 1, 10)}
    return MemberFacts(**{**base, **kw})


def by_rule(found, rule):
    [d] = [d for d in found if d.rule == rule]
    return d


@pytest.mark.parametrize("closed_on", [date(2026, 2, 1), date(2026, 3, 11), date(2026, 4, 1)])
def test_open_or_overdue_on_the_closing_date_becomes_excepted(closed_on):
    f = facts(closed_before_enrollment=(closed_on, "unreachable"))
    for rule in ("initial_assessment_icp", "icp_copies"):
        d = by_rule(compute_member(f, date(2026, 6, 30)), rule)
        assert (d.status, d.satisfied_on, d.exception) == (
            "excepted", None, "closed before enrollment: family could not be reached")


def test_a_closing_after_the_as_of_date_is_not_known():
    f = facts(closed_before_enrollment=(date(2026, 4, 1), "declined"))
    assert by_rule(compute_member(f, date(2026, 3, 31)), "initial_assessment_icp").status == \
        "overdue"


def test_satisfied_on_or_before_the_closing_date_keeps_its_status():
    f = facts(initial_assessments=((date(2026, 2, 1), "a"),),
              finalized_icps=((date(2026, 2, 10), "p"),),
              closed_before_enrollment=(date(2026, 2, 10), "withdrew"))
    d = by_rule(compute_member(f, date(2026, 6, 30)), "initial_assessment_icp")
    assert (d.status, d.satisfied_on) == ("met", date(2026, 2, 10))
    # The copies were never delivered: released.
    assert by_rule(compute_member(f, date(2026, 6, 30)), "icp_copies").status == "excepted"


def test_satisfied_only_after_the_closing_date_is_still_excepted():
    f = facts(initial_assessments=((date(2026, 5, 1), "a"),),
              finalized_icps=((date(2026, 5, 2), "p"),),
              closed_before_enrollment=(date(2026, 4, 1), "declined"))
    assert by_rule(compute_member(f, date(2026, 6, 30)), "initial_assessment_icp").status == \
        "excepted"


def test_only_the_60_day_duties_are_released():
    from cares.deadlines.rules import ReferralFacts

    f = facts(referrals=(ReferralFacts("r1", date(2026, 1, 20)),),
              closed_before_enrollment=(date(2026, 2, 1), "declined"))
    assert by_rule(compute_member(f, date(2026, 6, 30)), "referral_follow_up").status == \
        "overdue"


# --- the service ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["referred", "eligible", "consented"])
def test_closing_from_each_status_before_enrollment(coordinator, stage):
    episode = referred(coordinator, TODAY - timedelta(days=70))
    if stage in ("eligible", "consented"):
        evaluate(episode, coordinator)
    if stage == "consented":
        consent(episode)
    assert duties(episode.member) == {"initial_assessment_icp": ("overdue", ""),
                                      "icp_copies": ("overdue", "")}
    close(episode, on=TODAY - timedelta(days=1))
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.status, stored.closed_on, stored.closure_reason, stored.is_open) == (
        S.CLOSED_UNENROLLED, TODAY - timedelta(days=1), "declined", False)
    change = stored.status_changes.last()
    assert (change.from_status, change.to_status) == (stage, S.CLOSED_UNENROLLED)
    reason = "closed before enrollment: family declined CARES services"
    assert duties(episode.member) == {"initial_assessment_icp": ("excepted", reason),
                                      "icp_copies": ("excepted", reason)}
    event = AuditEvent.objects.filter(member=episode.member_id, action="update").order_by(
        "pk").filter(detail__reason="declined")
    assert event.exists()


def test_a_negative_evaluation_is_the_same_closing(coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=70))
    evaluate(episode, coordinator, eligible=False, on=TODAY - timedelta(days=2))
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.status, stored.closed_on, stored.closure_reason) == (
        S.INELIGIBLE, TODAY - timedelta(days=2), "ineligible")
    reason = "closed before enrollment: found not eligible"
    assert duties(episode.member) == {"initial_assessment_icp": ("excepted", reason),
                                      "icp_copies": ("excepted", reason)}


def test_an_enrolled_member_cannot_be_closed_this_way(coordinator):
    episode = services.current_episode(enrolled_member(coordinator))
    with refused("an enrolled member leaves CARES through removal of assignment"):
        close(episode)


def test_a_closed_episode_cannot_be_closed_again(coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=10))
    close(episode)
    with refused("this episode is already closed before enrollment"):
        close(Episode.objects.get(pk=episode.pk), reason="withdrew")


def test_a_date_in_the_future_or_before_the_referral_is_refused(coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=10))
    with refused("The closing date cannot be in the future"):
        close(episode, on=TODAY + timedelta(days=1))
    with refused("The closing date is before the referral date"):
        close(episode, on=TODAY - timedelta(days=11))
    with refused("Record what happened"):
        close(episode, note="  ")
    with refused("Choose why the referral is closed"):
        close(episode, reason="bored")
    assert Episode.objects.get(pk=episode.pk).status == S.REFERRED


def test_a_stale_copy_of_the_episode_gets_the_ordinary_refusal(coordinator):
    """Two people closing at once: the second works from a copy read before the first
    saved; the row lock re-reads it and refuses (never two closings)."""
    episode = referred(coordinator, TODAY - timedelta(days=10))
    stale = Episode.objects.get(pk=episode.pk)
    close(episode)
    with refused("already closed before enrollment"):
        close(stale, reason="withdrew")
    assert Episode.objects.get(pk=episode.pk).closure_reason == "declined"


def test_a_new_referral_starts_a_new_episode_owing_the_duties_again(coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=100))
    close(episode, on=TODAY - timedelta(days=50))
    again = services.referral_create(member=episode.member, referral_date=TODAY,
                                     referral_source="family")
    assert again.pk != episode.pk and again.status == S.REFERRED
    rows = Deadline.objects.filter(member=episode.member, rule="initial_assessment_icp")
    assert sorted(r.status for r in rows) == ["excepted", "open"]


def test_the_closed_member_leaves_the_current_caseload_and_the_worklist(coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=70))
    user = coordinator.user
    assert sorted(i.deadline.rule for i in deadline_section(user, "overdue", TODAY)) == [
        "icp_copies", "initial_assessment_icp"]
    assert list(caseload(user, scope="team")) == [episode.member]
    close(episode)
    assert deadline_section(user, "overdue", TODAY) == []
    assert list(caseload(user, scope="team")) == []
    assert list(caseload(user, scope="team", show="closed")) == [episode.member]
    assert list(caseload(user, scope="team", show="all")) == [episode.member]


def test_on_the_timeline_with_reason_and_note(coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=10))
    close(episode, reason="unreachable", note="Three calls and a letter, no answer.")
    events = member_timeline(episode.member, clinical=False)
    assert any(e.title == "Closed before enrollment: Family could not be reached"
               and "Three calls and a letter, no answer." in e.detail for e in events), events


# --- the pages ------------------------------------------------------------------------------------

def test_close_through_the_page(client, coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=70))
    sign_in(client, coordinator.user)
    detail = client.get(reverse("members:detail", args=[episode.member_id])).content.decode()
    assert reverse("members:close", args=[episode.member_id]) in detail
    page = client.get(reverse("members:close", args=[episode.member_id])).content.decode()
    assert "Family could not be reached" in page and "PS VIII" in page
    response = client.post(reverse("members:close", args=[episode.member_id]), {
        "closed_on": TODAY.isoformat(), "closing_reason": "withdrew",
        "closing_note": "Family moved away."})
    assert response.status_code == 302
    detail = client.get(reverse("members:detail", args=[episode.member_id])).content.decode()
    assert "Closed before enrollment" in detail and "Family withdrew before enrollment" in detail
    assert "released" in detail


def test_bad_input_on_the_page_keeps_it_and_says_why(client, coordinator):
    episode = referred(coordinator, TODAY - timedelta(days=10))
    sign_in(client, coordinator.user)
    response = client.post(reverse("members:close", args=[episode.member_id]), {
        "closed_on": (TODAY - timedelta(days=30)).isoformat(),
        "closing_reason": "declined", "closing_note": "Declined at the first visit."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The closing date is before the referral date" in page
    assert "Nothing was saved" in page
    assert "Declined at the first visit." in page
    assert Episode.objects.get(pk=episode.pk).status == S.REFERRED


def test_only_the_latest_episode_says_whether_a_member_is_closed(coordinator):
    """``closed_before_enrollment`` against each member's latest episode (latest referral
    date, then the later record on the same day), as the caseload's status column reads it."""
    user = coordinator.user
    reopened = referred(coordinator, TODAY - timedelta(days=100))
    close(reopened, on=TODAY - timedelta(days=60))
    services.referral_create(member=reopened.member, referral_date=TODAY - timedelta(days=5),
                             referral_source="family")
    closed = referred(coordinator, TODAY - timedelta(days=40))
    close(closed, on=TODAY - timedelta(days=30))
    same_day = referred(coordinator, TODAY - timedelta(days=20))
    close(same_day, on=TODAY - timedelta(days=10))
    services.referral_create(member=same_day.member, referral_date=TODAY - timedelta(days=20),
                             referral_source="family")  # the same day, recorded later
    current = {m.pk for m in caseload(user, scope="team")}
    shown_closed = {m.pk for m in caseload(user, scope="team", show="closed")}
    assert current == {reopened.member_id, same_day.member_id}
    assert shown_closed == {closed.member_id}
    assert all(m.episode_status != "closed_unenrolled" for m in caseload(user, scope="team"))
    assert [m.episode_status for m in caseload(user, scope="team", show="closed")] == [
        "closed_unenrolled"]
