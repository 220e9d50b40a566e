"""Every quality screen (PS VII, issue 18) as its users see it, at 1280 px and at 390 px (a
phone): it opens, has a heading, and nothing runs off the side of a phone's screen. The
program director and a senior care manager walk the hub, requests, packets, surveys (with a
refused import), grievances (acknowledged, then resolved), the dashboard sections, the outcome
drill-downs and a goal's outcome; a care coordinator sees no Quality link, and records the
outcome of a goal of their own member's ICP.

Screenshots go to artifacts/browser/quality-screens/ (or the directory in $QUALITY_SHOTS)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.documents.services import document_store
from members.models import CareTeamMember, PacketStatus, RecordPacket
from members.quality import grievances, surveys
from members.quality import requests as rules
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import axe_problems
from tests.factories import (
    PASSWORD,
    enrolled_member,
    finalized_care_plan,
    make_director,
    make_staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("QUALITY_SHOTS", str(ARTIFACTS / "quality-screens")))
# The outermost elements sticking out on the right, to say what to fix.
TOO_WIDE = """() => [...document.querySelectorAll("main *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
          && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className)"""
TOO_WIDE_PAGES: list[str] = []  # filled by look(), checked at the end of each walk
AXE_PROBLEMS: list[str] = []  # axe-core's serious and critical findings, likewise
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def look(page, name: str, *, heading: str | re.Pattern | None = None) -> None:
    """The page as it stands at both widths: a heading, no horizontal overflow on a phone,
    a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    if heading is not None:
        expect(h1).to_contain_text(heading)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    if name.startswith("director"):  # once per screen is enough: the director's walk
        AXE_PROBLEMS.extend(axe_problems(page))
    page.set_viewport_size(PHONE)
    try:
        page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
        wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if wide[0] > wide[1]:
            TOO_WIDE_PAGES.append(f"{name}: {wide[0]} px wide on a {wide[1]} px screen; "
                                  f"sticking out: {page.evaluate(TOO_WIDE)}")
    finally:
        page.set_viewport_size(WIDE)


def visit(page, url: str, name: str, heading=None) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    look(page, name, heading=heading)


def world():
    """A member with a finalized ICP, a request with a ready packet, another overdue, a
    survey round with a response, a grievance."""
    today = timezone.localdate()
    director = make_director()
    coordinator = make_staff("care_coordinator")
    member = enrolled_member(coordinator, referral_date=today - timedelta(days=200),
                             legal_first_name="Marisol", legal_last_name="Featherstonehaugh")
    if not CareTeamMember.objects.filter(member=member, staff=coordinator).exists():
        CareTeamMember.objects.create(member=member, staff=coordinator,
                                      role="care_coordinator", since=today - timedelta(days=200))
    plan = finalized_care_plan(member, coordinator, on=today - timedelta(days=150))
    request = rules.request_create(
        reference="UR-2026-LONGREFERENCE-000123", kind="medical_necessity",
        requester="MassHealth Office of Clinical Affairs",
        requester_contact="clinical@example.org",
        received_on=today - timedelta(days=5), due_on=today + timedelta(days=25),
        masshealth_ids=member.masshealth_id, asked="Everything since enrollment.",
        records_from=today - timedelta(days=180), records_to=today - timedelta(days=1),
        actor=director.user)
    document = document_store(member=member, kind="record_packet", title="Record packet",
                              content=b"%PDF-1.4 test")
    packet = RecordPacket.objects.create(
        member=member, request=request, records_from=today - timedelta(days=180),
        records_to=today - timedelta(days=1), status=PacketStatus.READY, document=document,
        pages=3, seconds=1.2, finished_at=timezone.now(), requested_by=director.user)
    rules.request_create(
        reference="AUD-7", kind="audit", requester="MassHealth audit unit",
        received_on=today - timedelta(days=40), due_on=today - timedelta(days=3),
        masshealth_ids=member.masshealth_id, asked="Contact notes.", actor=director.user)
    survey = surveys.round_create(
        title="Autumn family survey", period_start=today - timedelta(days=120),
        period_end=today, languages=["es"], actor=None, questions=[
            {"id": None, "kind": "scale", "text": "How well did we coordinate care?",
             "translations": {"es": "¿Qué tan bien coordinamos?"}},
            {"id": None, "kind": "yes_no", "text": "Did we call back in time?"},
            {"id": None, "kind": "text", "text": "What could we do better?"}])
    questions = {q.position: q.pk for q in survey.questions.all()}
    surveys.response_record(round_id=survey.pk, member=member,
                            received_on=today, mode="paper", language="",
                            actor=None, answers={questions[1]: 4, questions[2]: True,
                                                 questions[3]: "Call back sooner."})
    grievance = grievances.grievance_record(
        received_on=today - timedelta(days=2), from_name="Parent Example", from_kind="family",
        topic="coordination", description="No one returned my calls for two weeks.",
        masshealth_id=member.masshealth_id, actor=director.user)
    return {"director": director, "coordinator": coordinator, "member": member, "plan": plan,
            "request": request, "packet": packet, "survey": survey, "grievance": grievance}


@pytest.fixture(autouse=True)
def _fits_a_phone():
    """Each page of the walk fits a phone's width and axe-core finds no serious or critical
    problem on it (all the pages that fail, at the end)."""
    TOO_WIDE_PAGES.clear()
    AXE_PROBLEMS.clear()
    yield
    assert not TOO_WIDE_PAGES, "\n".join(TOO_WIDE_PAGES)
    assert not AXE_PROBLEMS, "\n".join(AXE_PROBLEMS)


def walk_quality(page, w, who: str, tmp_path) -> None:
    page.goto("/")
    page.locator("#nav-quality").click()
    look(page, f"{who}-hub", heading="Quality and audits")
    visit(page, reverse("quality:requests"), f"{who}-requests")
    visit(page, reverse("quality:requests") + "?show=overdue", f"{who}-requests-overdue")
    expect(page.get_by_role("main")).to_contain_text("AUD-7")
    visit(page, reverse("quality:request", args=[w["request"].pk]), f"{who}-request")
    visit(page, reverse("quality:request_add"), f"{who}-request-add")
    visit(page, reverse("quality:request_edit", args=[w["request"].pk]), f"{who}-request-edit")
    visit(page, reverse("quality:request_answer", args=[w["request"].pk]),
          f"{who}-request-answer", heading="Record the answer")
    # From the hub, each part is a link away.
    for name, url in (("Member record packets", "quality:packets"),
                      ("Member experience surveys", "quality:surveys"),
                      ("Grievances and complaints", "quality:grievances"),
                      ("Review and documentation requests", "quality:requests")):
        page.goto(reverse("quality:index"))
        page.get_by_role("main").get_by_role("link", name=name).click()
        expect(page).to_have_url(re.compile(re.escape(reverse(url)) + "$"))
    visit(page, reverse("quality:packets"), f"{who}-packets")
    visit(page, reverse("quality:packet", args=[w["packet"].pk]), f"{who}-packet")
    visit(page, reverse("quality:packet_add"), f"{who}-packet-add")
    visit(page, reverse("quality:surveys"), f"{who}-surveys")
    visit(page, reverse("quality:survey_add"), f"{who}-survey-add")
    visit(page, reverse("quality:survey", args=[w["survey"].pk]), f"{who}-survey",
          heading="Autumn family survey")
    visit(page, reverse("quality:survey_edit", args=[w["survey"].pk]), f"{who}-survey-edit")
    visit(page, reverse("quality:survey_response_add", args=[w["survey"].pk]),
          f"{who}-survey-response")

    # A bad CSV: refused whole, each problem by row and column, nothing saved.
    visit(page, reverse("quality:survey_import", args=[w["survey"].pk]), f"{who}-survey-import")
    bad = tmp_path / f"{who}-bad.csv"
    bad.write_text("masshealth_id,received_on,mode,language,q1,q2,q3\n"
                   "999999999999,2026-13-45,pigeon,,9,maybe,\n", encoding="utf-8")
    page.locator("#import-form input[type='file']").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#refusal")).to_be_visible()
    expect(page.locator("#import-problems li").first).to_be_visible()
    look(page, f"{who}-survey-import-refused")
    assert w["survey"].responses.count() == 1

    visit(page, reverse("quality:grievances"), f"{who}-grievances")
    visit(page, reverse("quality:grievance_add"), f"{who}-grievance-add")
    visit(page, reverse("quality:grievance", args=[w["grievance"].pk]), f"{who}-grievance")


def walk_program(page, w, who: str) -> None:
    visit(page, reverse("dashboards:program"), f"{who}-dashboard")
    for section in ("#review-requests", "#grievances", "#surveys-section", "#outcomes"):
        expect(page.locator(section)).to_be_visible()
    for name in ("stays", "goals", "contacts"):
        visit(page, reverse(f"dashboards:outcome_{name}"), f"{who}-outcome-{name}")


def test_director_walks_the_quality_screens(page, sign_in, tmp_path):
    w = world()
    sign_in(w["director"].user.email, PASSWORD)
    walk_quality(page, w, "director", tmp_path)

    # The grievance: acknowledged, then resolved, from its page.
    grievance = w["grievance"]
    page.goto(reverse("quality:grievance", args=[grievance.pk]))
    page.locator("#acknowledge-form").get_by_role(
        "button", name="Record the acknowledgement").click()
    expect(page.locator("#acknowledge-section")).to_contain_text("On time.")
    page.locator("#resolve-form textarea").fill("Called back; a new coordinator assigned.")
    page.locator("#resolve-form").get_by_role("button", name="Record the resolution").click()
    expect(page.locator("#grievance-resolution")).to_contain_text("new coordinator")
    look(page, "director-grievance-resolved")

    walk_program(page, w, "director")
    member, plan = w["member"], w["plan"]
    page.goto(reverse("careplans:plan", args=[member.pk, plan.pk]))
    goal = plan.goals.order_by("pk").first()
    page.locator(f"[data-goal-outcome='{goal.pk}']").get_by_role(
        "link", name="Record outcome").click()
    look(page, "director-goal-outcome", heading="Outcome of a goal")


def test_senior_care_manager_walks_the_quality_screens(page, sign_in, tmp_path):
    w = world()
    manager = make_staff("senior_care_manager", credentials=("RN",))
    sign_in(manager.user.email, PASSWORD)
    walk_quality(page, w, "manager", tmp_path)
    walk_program(page, w, "manager")


def test_care_coordinator_has_no_quality_link_and_records_a_goal_outcome(page, sign_in):
    w = world()
    member, plan = w["member"], w["plan"]
    sign_in(w["coordinator"].user.email, PASSWORD)
    page.goto("/")
    expect(page.locator("#nav-quality")).to_have_count(0)
    assert page.goto(reverse("quality:index")).status == 403

    page.goto(reverse("careplans:plan", args=[member.pk, plan.pk]))
    goal = plan.goals.order_by("pk").first()
    page.locator(f"[data-goal-outcome='{goal.pk}']").get_by_role(
        "link", name="Record outcome").click()
    look(page, "coordinator-goal-outcome", heading="Outcome of a goal")
    # Met, without the day: refused by the field, focus on it.
    page.get_by_label("Met", exact=True).check()
    page.locator("#id_achieved_on").fill("")
    page.get_by_role("button", name="Record outcome").click()
    look(page, "coordinator-goal-outcome-refused")
    page.locator("#id_achieved_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator(f"[data-goal-outcome='{goal.pk}']")).to_contain_text("Met")
    look(page, "coordinator-plan-with-outcome")
