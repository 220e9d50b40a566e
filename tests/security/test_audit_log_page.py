"""Issue 16 item 15: the audit log names people and records, says the action in words, has
labelled filters with a date range, and says what each export held."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action
from cares.base.audit.services import audit_record
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_people_records_and_actions_in_words(director_client, director, coordinator):
    member = MemberFactory(legal_first_name="Lucía", legal_last_name="Ramírez")
    coordinator.user.first_name, coordinator.user.last_name = "Casey", "Rivera"
    coordinator.user.save()
    audit_record(action=Action.READ, actor=coordinator.user, member=member, obj=member)
    html = director_client.get(reverse("audit_log")).content.decode()
    assert "Casey Rivera" in html
    assert "Read a member record" in html
    assert "member record of Lucía Ramírez" in html
    assert f'href="{reverse("members:detail", args=[member.pk])}">Lucía Ramírez</a>' in html
    assert "members.Member" not in html
    for field in ("Action", "Priority", "Member (name or number)", "Staff (name or e-mail)",
                  "From", "To"):
        assert f">{field}</label>" in html


def test_exports_say_what_was_exported(director_client, director):
    director_client.get(reverse("dashboards:program"),
                        {"period": "month", "on": "2026-11-02", "export": "compliance"})
    html = director_client.get(reverse("audit_log"), {"action": "export"}).content.decode()
    assert "Exported the dashboard deadlines by rule:" in html
    assert "filters: period month, start 2026-11-01, end 2026-11-30" in html


def test_filters_by_member_name_staff_and_date_range(director_client, director, coordinator):
    lucia = MemberFactory(legal_first_name="Lucía", legal_last_name="Ramírez")
    other = MemberFactory(legal_first_name="Omar", legal_last_name="Haddad")
    for m in (lucia, other):
        audit_record(action=Action.READ, actor=coordinator.user, member=m, obj=m)
    today = timezone.localdate()
    html = director_client.get(reverse("audit_log"), {"member": "ramírez"}).content.decode()
    assert "Lucía Ramírez" in html and "Omar Haddad" not in html
    html = director_client.get(reverse("audit_log"), {
        "start": (today + timedelta(days=1)).isoformat(),
        "end": (today + timedelta(days=2)).isoformat()}).content.decode()
    assert "Lucía Ramírez" not in html and "No events." in html
    html = director_client.get(reverse("audit_log"), {
        "start": today.isoformat(), "end": today.isoformat(),
        "actor": coordinator.user.email}).content.decode()
    assert "Lucía Ramírez" in html and "Omar Haddad" in html


def test_a_reversed_date_range_is_refused_next_to_the_field(director_client, director):
    audit_record(action=Action.SIGN_IN, actor=director.user)
    response = director_client.get(reverse("audit_log"),
                                   {"start": "2026-05-02", "end": "2026-05-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="audit-end-error">The end date is before the start date.</div>' in html
    assert 'value="2026-05-02"' in html and "No events." in html


def test_the_page_stays_within_its_query_budget(director_client, director, coordinator,
                                                django_assert_max_num_queries):
    for _ in range(30):
        m = MemberFactory()
        audit_record(action=Action.READ, actor=coordinator.user, member=m, obj=m)
    with django_assert_max_num_queries(12):
        assert director_client.get(reverse("audit_log")).status_code == 200


def test_the_navigation_offers_the_directors_pages_to_the_director_only(
        client, director_client, coordinator):
    from tests.factories import sign_in

    html = director_client.get(reverse("staff:list")).content.decode()
    for link in ("nav-letter-templates", "nav-mailing", "nav-audit-log"):
        assert f'id="{link}"' in html
    sign_in(client, coordinator.user)
    html = client.get(reverse("dashboards:worklist")).content.decode()
    for link in ("nav-letter-templates", "nav-mailing", "nav-audit-log"):
        assert f'id="{link}"' not in html
