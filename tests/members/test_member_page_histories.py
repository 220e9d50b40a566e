"""The member page shows the long histories' most recent part first (issue 20): the 20 most
recent timeline entries, the open and overdue deadlines with the 5 most recent others, each
with a "Show all (N)" link to all of it on the same page (``?show=``), which keeps the
page's access rules, its clinical-detail rule and its audited read."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.deadlines.models import Deadline
from members.coordination.models import Contact
from members.selectors import member_timeline
from members.services import care_team_set
from tests.factories import enrolled_member, make_staff, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ENROLLED_ON = TODAY - timedelta(days=200)


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=ENROLLED_ON)


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator.user)


def contacts(member, n: int) -> list[Contact]:
    """``n`` contacts, one a day, the newest yesterday, each with a summary naming it."""
    now = timezone.now()
    return [Contact.objects.create(member=member, contact_at=now - timedelta(days=1 + i),
                                   contact_mode="phone", with_guardian=True,
                                   summary=f"Summary number {i}.") for i in range(n)]


def page(client, member, **params) -> str:
    response = client.get(reverse("members:detail", args=[member.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def entries(body: str) -> int:
    return body.count('class="mb-1 timeline-entry"')


def show_all_link(body: str, element_id: str) -> tuple[str, int]:
    found = re.search(rf'href="([^"]*)" id="{element_id}">Show all \((\d+)\)<span', body)
    assert found, element_id
    return found.group(1).replace("&amp;", "&"), int(found.group(2))


def test_the_timeline_shows_the_20_most_recent_entries_and_links_to_all(
        coordinator_client, member):
    contacts(member, 30)
    total = len(member_timeline(member, clinical=True))
    body = page(coordinator_client, member)
    assert entries(body) == 20
    assert "Summary number 0." in body and "Summary number 29." not in body
    link, shown_total = show_all_link(body, "timeline-show-all")
    assert shown_total == total and link.startswith("?show=timeline")
    everything = page(coordinator_client, member, show="timeline")
    assert entries(everything) == total
    assert "Summary number 29." in everything and 'id="timeline-show-all"' not in everything
    assert f"All {total} entries shown." in everything


def test_a_short_timeline_has_no_link(coordinator_client, member):
    contacts(member, 2)
    body = page(coordinator_client, member)
    assert entries(body) == len(member_timeline(member, clinical=True)) < 20
    assert 'id="timeline-show-all"' not in body


def test_the_recent_entries_are_the_first_of_the_whole_timeline(coordinator_client, member):
    """Entries of every kind: the recent part is exactly the start of the full list."""
    contacts(member, 25)
    response = coordinator_client.get(reverse("members:detail", args=[member.pk]))
    full = member_timeline(member, clinical=True)
    assert response.context["timeline"] == full[:20]
    assert response.context["timeline_total"] == len(full)


def deadline(member, rule: str, due, status: str, cycle: str) -> Deadline:
    return Deadline.objects.create(
        member=member, subject_key=f"m{member.pk}", rule=rule, cycle_key=cycle,
        start=due - timedelta(days=30), due=due, status=status,
        satisfied_on=due if status == "met" else None, computed_on=TODAY)


def test_open_and_overdue_deadlines_show_in_full_and_only_the_recent_met_ones(
        coordinator_client, member):
    Deadline.objects.filter(member=member).delete()
    met = [deadline(member, "member_contact", TODAY - timedelta(days=10 * (i + 1)), "met",
                    f"met{i}") for i in range(12)]
    pending = [deadline(member, "monitoring", TODAY + timedelta(days=i), "open", f"open{i}")
               for i in range(7)] + [deadline(member, "monitoring", TODAY - timedelta(days=1),
                                              "overdue", "late")]
    body = page(coordinator_client, member)
    table = body[body.index('id="member-deadlines"'):body.index('id="timeline-heading"')]
    assert table.count("<tr") == 1 + len(pending) + 5  # the header row
    for d in pending + met[:5]:
        assert d.due.isoformat() in table
    for d in met[5:]:
        assert d.due.isoformat() not in table
    link, total = show_all_link(body, "deadlines-show-all")
    assert total == 20 and link.startswith("?show=deadlines")
    everything = page(coordinator_client, member, show="deadlines")
    table = everything[everything.index('id="member-deadlines"'):
                       everything.index('id="timeline-heading"')]
    assert table.count("<tr") == 1 + 20
    assert all(d.due.isoformat() in table for d in met)


def test_all_of_the_timeline_keeps_the_access_rules_and_the_audited_read(client, coordinator,
                                                                         member):
    contacts(member, 25)
    helper = make_staff("family_support", caregiver_of_special_needs_youth=True)
    care_team_set(member=member, on=ENROLLED_ON, team=[
        (coordinator, "care_coordinator"), (helper, "family_support")])
    sign_in(client, helper.user)
    reads = AuditEvent.objects.filter(action=Action.READ, member=member)
    before = reads.count()
    body = page(client, member, show="timeline")
    assert reads.count() == before + 1
    assert "Summary number 24." not in body and entries(body) > 25  # no clinical detail
    outsider = make_staff("care_coordinator")
    sign_in(client, outsider.user)
    denied = AuditEvent.objects.filter(action=Action.DENIED).count()
    url = reverse("members:detail", args=[member.pk])
    assert client.get(url, {"show": "timeline"}).status_code == 404
    assert AuditEvent.objects.filter(action=Action.DENIED).count() == denied + 1


def test_the_last_regular_contact_may_be_older_than_the_recent_contacts(coordinator_client,
                                                                        member):
    old = timezone.now() - timedelta(days=90)
    Contact.objects.create(member=member, contact_at=old, contact_mode="in_person",
                           with_guardian=True, summary="Home visit.")
    contacts(member, 25)  # by phone: not regular contact
    response = coordinator_client.get(reverse("members:detail", args=[member.pk]))
    last = response.context["regular_contact"].last
    assert last is not None and last.contact_at == old
