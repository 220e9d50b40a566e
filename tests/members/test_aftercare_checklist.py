"""Termination refused for an incomplete aftercare/transition plan is a checklist grouped by
section, each item a link to the field that supplies it; the aftercare page marks what
completing the plan needs; a refusal about one field is shown next to it (issue 16, item 12)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import EpisodeStatus, Removal
from members.pages import aftercare_checklist
from tests.factories import MemberFactory, sign_in
from tests.members.lifecycle_support import COMPLETE_PLAN, refer, removal_under_way

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="alert-link[^"]*" href="([^"]+)">([^<]+)</a>')


def _block(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</div>\n", start)]


def _field(html: str, name: str) -> str:
    """The field's wrapper: its label, input, errors and help, up to the next field."""
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start:end if end > 0 else None]


def test_each_missing_element_names_its_section_and_field(coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **{**COMPLETE_PLAN, "consent_signed_by": "",
                                                  "referrals": ""})
    removal = Removal.objects.get(pk=removal.pk)
    assert [(m.section, m.field, m.citation) for m in removal.missing_items()] == [
        ("Removal and signed consent", "consent_signed_by", "PS IX.B.1"),
        ("Aftercare/transition plan", "referrals", "PS IX.B.3")]
    member = removal.episode.member
    assert aftercare_checklist(member, removal) == [
        ("Removal and signed consent", [(
            "date and reason for removal and the signed consent form (PS IX.B.1)",
            f"/members/{member.pk}/aftercare/#id_consent_signed_by")]),
        ("Aftercare/transition plan", [(
            "referrals to other service providers (PS IX.B.3)",
            f"/members/{member.pk}/aftercare/#id_referrals")])]
    assert aftercare_checklist(member, removal, here=True)[1][1][0][1] == "#id_referrals"


def test_a_refused_termination_lists_grouped_items_whose_links_reach_their_field(
        client, coordinator):
    removal = removal_under_way(coordinator)
    member = removal.episode.member
    sign_in(client, coordinator.user)
    response = client.post(reverse("members:terminate", args=[member.pk]),
                           {"termination_date": "2026-06-20"})
    assert response.status_code == 200
    refusal = _block(response.content.decode(), "refusal")
    assert "Refused; nothing was saved." in refusal
    assert "The aftercare/transition plan is missing" in refusal
    for title in ("Removal and signed consent", "Aftercare/transition plan"):
        assert f'<h2 class="h6 mt-2 mb-1 fw-semibold checklist-section">{title}</h2>' in refusal
    links = LINK.findall(refusal)
    assert len(links) == 5
    aftercare = client.get(reverse("members:aftercare", args=[member.pk])).content.decode()
    for href, _text in links:
        path, anchor = href.split("#")
        assert path == reverse("members:aftercare", args=[member.pk])
        assert f'id="{anchor}"' in aftercare
        assert "Needed to complete the plan" in _field(aftercare, anchor.removeprefix("id_"))
    # The aftercare page links to its own fields.
    assert 'href="#id_recommendations"' in _block(aftercare, "missing")
    assert services.current_episode(member).status == EpisodeStatus.REMOVAL_INITIATED


def test_a_refused_termination_date_is_shown_next_to_the_field(client, coordinator):
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, **COMPLETE_PLAN)
    member = removal.episode.member
    sign_in(client, coordinator.user)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    html = client.post(reverse("members:terminate", args=[member.pk]),
                       {"termination_date": future}).content.decode()
    assert "The termination date cannot be in the future." in _field(html, "termination_date")
    assert 'id="refusal"' in html
    assert services.current_episode(member).status == EpisodeStatus.REMOVAL_INITIATED


def test_eligible_with_no_criterion_met_is_refused_under_the_criteria(client, coordinator):
    member = MemberFactory()
    episode = refer(member)
    member.care_team.create(staff=coordinator, role="care_coordinator",
                            since=episode.referral_date)
    sign_in(client, coordinator.user)
    html = client.post(reverse("members:eligibility", args=[member.pk]), {
        "evaluated_on": episode.referral_date.isoformat(), "evaluator": str(coordinator.pk),
        "eligible": "yes", "rationale": "Weighed."}).content.decode()
    field = _field(html, "criteria")
    assert "needs at least one criterion met" in field
    # Marked invalid, so Bootstrap shows the message under the list rather than hiding it.
    assert '<div id="id_criteria" class="criteria is-invalid">' in field
