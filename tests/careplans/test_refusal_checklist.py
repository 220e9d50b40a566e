"""A refused ICP finalization is a checklist grouped by section, each item a link to the field
that supplies it; the section pages mark what finalizing needs; a refusal about the date is
shown next to it (issue 16, item 12)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import CarePlanStatus
from careplans.rules import PLAN_SECTION_TITLES
from careplans.views.common import missing_link, plan_checklist
from tests.factories import ready_care_plan, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LINK = re.compile(r'<a class="alert-link[^"]*" href="([^"]+)">([^<]+)</a>')


@pytest.fixture
def client_(client, coordinator):
    return sign_in(client, coordinator.user)


def _refusal(html: str) -> str:
    start = html.index('id="refusal"')
    return html[start:html.index("</div>\n", start)]


def test_each_missing_element_names_its_section_and_field(member):
    plan = services.care_plan_start(member=member)
    missing = {m.key: m for m in services.care_plan_missing(plan, TODAY)}
    assert (missing["meeting_date"].section, missing["meeting_date"].field) == (
        "meeting", "meeting_on")
    assert (missing["meeting_member"].section, missing["meeting_member"].field) == (
        "meeting", "participants")
    assert (missing["goal_clinical"].section, missing["goal_clinical"].field) == (
        "goals", "goals")
    assert (missing["diagnoses"].section, missing["diagnoses"].field) == (
        "emergency", "diagnoses")
    # Every element belongs to a section of the plan; the strings refused are unchanged.
    assert {m.section for m in missing.values()} <= set(PLAN_SECTION_TITLES)
    assert services.missing_reasons([missing["diagnoses"]]) == [
        "Missing: the diagnoses (PS VI.A.1.c.5.e)"]


def test_each_link_goes_to_the_page_and_field_that_supplies_it(member):
    plan = ready_care_plan(member, diagnoses="", current_services="")
    by = {m.key: m for m in services.care_plan_missing(plan, TODAY)}
    base = f"/members/{member.pk}/care-plans/{plan.pk}/"
    assert missing_link(plan, by["diagnoses"]) == f"{base}emergency/#id_diagnoses"
    assert missing_link(plan, by["current_services"]) == f"{base}summary/#id_current_services"
    plan.team.filter(emergency=True).update(emergency=False)
    by = {m.key: m for m in services.care_plan_missing(plan, TODAY)}
    # On the emergency plan, but fixed on the care team page.
    assert missing_link(plan, by["emergency_providers"]) == f"{base}team/#formset-team"
    groups = dict(plan_checklist(plan, services.care_plan_missing(plan, TODAY)))
    assert [text for text, _link in groups["Emergency plan"]][:1] == [
        "the diagnoses (PS VI.A.1.c.5.e)"]
    assert list(groups) == ["Comprehensive assessment",
                            "Health summary, educational needs and HRSN supports",
                            "Emergency plan"]
    assert groups["Comprehensive assessment"][0][1] == \
        f"/members/{member.pk}/care-plan/#assessments-heading"


def test_a_refused_finalize_lists_grouped_items_whose_links_reach_their_field(
        client_, member, coordinator):
    plan = services.care_plan_start(member=member, actor=coordinator.user)
    url = reverse("careplans:plan_finalize", args=[member.pk, plan.pk])
    response = client_.post(url, {"finalized_on": TODAY.isoformat()})
    assert response.status_code == 200
    refusal = _refusal(response.content.decode())
    assert "Refused; nothing was saved." in refusal
    for title in ("Care planning meeting and participants", "Care managers and care team",
                  "Goals", "Emergency plan"):
        assert f'<h2 class="h6 mt-2 mb-1 fw-semibold checklist-section">{title}</h2>' in refusal
    assert "Missing:" not in refusal  # the checklist, not a sentence each
    links = {text: href for href, text in LINK.findall(refusal)}
    assert links["the date of the care planning meeting (PS VI.A.1)"].endswith(
        "/meeting/#id_meeting_on")
    # Every link opens a page that has the field it points at.
    for href in sorted(set(links.values())):
        path, anchor = href.split("#")
        page = client_.get(path)
        assert page.status_code == 200, href
        assert f'id="{anchor}"' in page.content.decode(), href
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.DRAFT


def test_the_pages_mark_what_finalizing_needs(client_, member, coordinator):
    plan = services.care_plan_start(member=member, actor=coordinator.user)
    summary = client_.get(reverse("careplans:plan_summary", args=[member.pk, plan.pk]))
    html = summary.content.decode()
    label = re.search(r'<label\s+for="id_medical_history"[^>]*>(.*?)</label>', html, re.S)
    assert "Needed to finalize" in label.group(1)
    meeting = client_.get(reverse("careplans:plan_meeting", args=[member.pk, plan.pk]))
    html = meeting.content.decode()
    place = re.search(r'<label\s+for="id_meeting_place"[^>]*>(.*?)</label>', html, re.S)
    assert "Needed to finalize" not in place.group(1)  # optional
    legend = re.search(r'id="formset-participants".*?<legend[^>]*>(.*?)</legend>', html, re.S)
    assert "Needed to finalize" in legend.group(1)
    page = client_.get(reverse("careplans:plan", args=[member.pk, plan.pk])).content.decode()
    assert f'href="/members/{member.pk}/care-plans/{plan.pk}/goals/#formset-goals"' in page


def test_a_refusal_about_the_date_is_shown_next_to_it(client_, member, coordinator):
    plan = ready_care_plan(member, actor=coordinator.user)
    url = reverse("careplans:plan_finalize", args=[member.pk, plan.pk])
    future = (TODAY + timedelta(days=3)).isoformat()
    html = client_.post(url, {"finalized_on": future}).content.decode()
    field = html[html.index('id="div_id_finalized_on"'):]
    field = field[:field.index("</div>\n</div>") if "</div>\n</div>" in field else 800]
    assert "The finalization date cannot be in the future." in field
    assert 'id="refusal"' in html
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.DRAFT
