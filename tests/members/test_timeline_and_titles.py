"""The member page's timeline orders a day's entries by time and shows it; a long note is
folded; no page of a member puts the child's name in the browser tab (issue 16, items 4, 18,
19)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from careplans.models import CarePlan
from cares.base.staff.models import Role
from members.coordination.models import (
    CallCategory,
    Contact,
    ContactMode,
    OnCallCall,
    TriageDecision,
)
from members.selectors import member_timeline
from tests.factories import (
    completed_assessment,
    enrolled_member,
    make_staff,
    ready_care_plan,
    sign_in,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - timedelta(days=3)


def _at(hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(DAY, time(hour, minute)))


@pytest.fixture
def coordinator():
    return make_staff(Role.CARE_COORDINATOR)


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=TODAY - timedelta(days=40),
                           legal_first_name="Xiomara", legal_last_name="Quispe")


def _contact(member, coordinator, at: datetime, summary: str = "Talked.") -> Contact:
    return Contact.objects.create(member=member, contact_at=at, staff=coordinator,
                                  contact_mode=ContactMode.PHONE, with_guardian=True,
                                  summary=summary)


def test_same_day_entries_are_ordered_by_time_newest_first(member, coordinator):
    _contact(member, coordinator, _at(9, 5))
    _contact(member, coordinator, _at(16, 40))
    OnCallCall.objects.create(member=member, called_at=_at(13, 15), caller="Ana, mother",
                              call_category=list(CallCategory)[0], summary="Pump alarm",
                              triage_decision=list(TriageDecision)[0])

    day = [e for e in member_timeline(member, clinical=True) if e.on == DAY]

    assert [e.at for e in day] == [time(16, 40), time(13, 15), time(9, 5)]


def test_the_member_page_shows_the_time_and_folds_a_long_note(client, member, coordinator):
    long_note = "Discharge-planning-call-" + "x" * 25_000
    _contact(member, coordinator, _at(10, 30), summary=long_note)
    sign_in(client, coordinator.user)

    html = client.get(f"/members/{member.pk}/").content.decode()

    entry = re.search(r'<li class="mb-1 timeline-entry">.*?</li>', html, re.S).group(0)
    assert "<time>10:30</time>" in entry
    # Folded: the first ~300 characters in the summary, the whole note inside <details>.
    summary = re.search(r"<summary>(.*?)</summary>", entry, re.S).group(1)
    assert "Discharge-planning-call-" in summary and len(summary) < 500
    assert "show all" in summary
    assert long_note in entry
    assert '<details class="timeline-long' in entry


def test_member_pages_keep_the_name_out_of_the_tab_title(client, member, coordinator):
    completed = completed_assessment(member, coordinator)
    plan = ready_care_plan(member)
    assert isinstance(plan, CarePlan)
    sign_in(client, coordinator.user)

    for url in (f"/members/{member.pk}/", f"/members/{member.pk}/care-plan/",
                f"/members/{member.pk}/care-plans/{plan.pk}/",
                f"/members/{member.pk}/assessments/{completed.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
        assert title.endswith(" · CARES Kids"), (url, title)
        assert "Member record" in title, (url, title)
        assert "Xiomara" not in title and "Quispe" not in title, (url, title)
        assert "Xiomara" in response.content.decode()  # the page itself still names the child


@pytest.mark.parametrize("url", ["/accounts/login/", "/worklist/", "/members/"])
def test_every_page_title_names_the_page_then_the_program(client, coordinator, url):
    if url != "/accounts/login/":
        sign_in(client, coordinator.user)
    html = client.get(url).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    page, _sep, program = title.rpartition(" · ")
    assert program == "CARES Kids" and page and "CARES Kids" not in page, title
