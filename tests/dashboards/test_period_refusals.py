"""Issue 16 item 1: a dashboard period that cannot be shown is refused next to its field
(never a server error, never silently replaced by this month)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("query", "field", "words"), [
    ("period=year&on=0001-01-01", "on", "Pick a date from 2000-01-01 to 2099-12-31."),
    ("period=month&on=9999-12-01", "on", "Pick a date from 2000-01-01 to 2099-12-31."),
    ("period=custom&start=2026-05-01&end=2026-04-01", "end",
     "The end date is before the start date."),
])
def test_bad_periods_are_refused_next_to_the_field(director_client, query, field, words):
    response = director_client.get(f"{reverse('dashboards:program')}?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="period-{field}-error">{words}</div>' in html
    assert 'aria-invalid="true"' in html
    assert "That period cannot be shown" in html
    # What was typed is kept; no numbers for a period that was not asked for.
    for part in query.split("&")[1:]:
        assert f'value="{part.split("=")[1]}"' in html
    assert 'id="compliance-table"' not in html
    assert 'id="period-label"' not in html


def test_a_refused_period_exports_nothing(director_client):
    response = director_client.get(reverse("dashboards:program"),
                                    {"period": "year", "on": "0001-01-01",
                                     "export": "compliance"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_the_earliest_month_has_no_previous_link(director_client):
    html = director_client.get(reverse("dashboards:program"),
                               {"period": "month", "on": "2000-01-15"}).content.decode()
    assert 'id="compliance-table"' in html
    assert "‹ Previous" not in html and "Next ›" in html
