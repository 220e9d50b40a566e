"""The coordination admin: a referral's status rows are read-only, and their history page (the
admin's own: the rows keep no django-simple-history table) opens and is audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cares.base.audit.models import Action, AuditEvent
from members.coordination.models import ReferralStatusChange
from tests.factories import enrolled_member, make_referral, sign_in

pytestmark = pytest.mark.django_db


def test_status_rows_are_read_only_and_their_history_opens(client, director, coordinator):
    member = enrolled_member(coordinator, referral_date=date(2026, 1, 10))
    make_referral(member, referred_on=date(2026, 2, 2))
    row = ReferralStatusChange.objects.get()
    director.user.is_superuser = True
    director.user.save(update_fields=["is_superuser"])
    sign_in(client, director.user)
    assert client.get(reverse("admin:members_referralstatuschange_add")).status_code == 403
    change = reverse("admin:members_referralstatuschange_change", args=[row.pk])
    assert client.post(change, {"note": "edited"}).status_code == 403
    history = reverse("admin:members_referralstatuschange_history", args=[row.pk])
    assert client.get(history).status_code == 200
    assert AuditEvent.objects.filter(actor=director.user, action=Action.READ, member=member,
                                     detail__via="admin history").exists()
