"""Issue 16 item 2: the drill-down lists each deadline with the episode it belongs to and that
episode's primary contact at the time, not the member's current status after a re-referral."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cares.deadlines.models import Deadline
from members.models import Episode, EpisodeStatus
from tests.factories import enrolled_member, make_staff

pytestmark = pytest.mark.django_db


def name(staff) -> str:
    return f"{staff.user.first_name} {staff.user.last_name}"


def test_overdue_letter_lists_its_episode_and_primary_contact_then(director_client):
    today = timezone.localdate()
    then, now = make_staff("care_coordinator"), make_staff("care_coordinator")
    member = enrolled_member(then, referral_date=today - timedelta(days=100))
    first = member.episodes.get()
    # The episode's history begins before the letter fell due; its primary contact changed
    # since, and the member was referred again (the latest episode is only "Referred").
    Episode.history.filter(id=first.pk).update(
        history_date=timezone.now() - timedelta(days=100))
    first.primary_contact = now
    first.save()
    Episode.objects.create(member=member, status=EpisodeStatus.REFERRED, referral_date=today,
                           referral_source="pcp")
    letter = Deadline.objects.get(member=member, rule="enrollment_letter")
    assert letter.due < today

    response = director_client.get(reverse("dashboards:deadlines"),
                                   {"rule": "enrollment_letter", "status": "overdue"})
    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index(f'data-member="{member.pk}"'):]
    row = row[:row.index("</tr>")]
    assert f'data-episode="{first.pk}"' in row
    assert "Enrolled" in row and "Referred" not in row.replace("referred ", "")
    assert f"referred {first.referral_date:%Y-%m-%d}" in row
    assert name(then) in row and name(now) not in row

    export = director_client.get(reverse("dashboards:deadlines"),
                                 {"rule": "enrollment_letter", "status": "overdue",
                                  "export": "1"}).content.decode()
    line = next(x for x in export.splitlines() if f",{member.pk}," in x)
    assert line.endswith(f",enrolled,{name(then)}")


def test_a_deadline_without_an_episode_shows_none(director_client):
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator)
    one = Deadline.objects.filter(member=member).first()
    Deadline.objects.filter(pk=one.pk).update(cycle_key="e0/c9/r")
    html = director_client.get(reverse("dashboards:deadlines")).content.decode()
    assert f'data-member="{member.pk}"' in html
    assert 'data-episode=""' in html
