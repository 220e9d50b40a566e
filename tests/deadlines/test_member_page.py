"""Deadlines show their rule title and spec citation on the member page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import enrolled_member, sign_in

pytestmark = pytest.mark.django_db


def test_member_page_lists_deadlines_with_title_and_citation(client, coordinator):
    member = enrolled_member(coordinator, referral_date=timezone.localdate() - timedelta(days=70))
    sign_in(client, coordinator.user)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    table = html[html.index('id="member-deadlines"'):]
    assert "Comprehensive assessment and ICP" in table
    assert "PS VI.A.1, VIII" in table
    assert "Overdue" in table or "overdue" in table
    assert "Enrollment letter" in table and "PS VIII" in table
