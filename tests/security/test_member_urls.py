"""Every URL that takes a member, found by walking the URL resolver (so a new view is covered
without anyone adding it here): a care coordinator who is not on the member's care team gets
404 for GET and for POST, nothing in the database changes, no PHI of the member is in the
response, and exactly one denied-access audit event is written per request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cares.base.audit.models import Action
from tests.factories import enrolled_member, sign_in
from tests.security.world import (
    MEMBER_PARAMS,
    NESTED,
    OTHER_RECORDS,
    World,
    app_routes,
    build_world,
    database_state,
    is_member_route,
    last_audit_pk,
    member_param,
    member_routes,
    member_url,
    new_audit_events,
    phi_in,
    world_icp,
)

pytestmark = pytest.mark.django_db

MEMBER_ROUTES = member_routes()
# Member URLs opened by the consultation's senior medical professional, not the care team.
CONSULTANT_ROUTES = {"members:consult_answer"}

# The member URLs that exist today: the walk must find at least these.
KNOWN = {
    "members:detail", "members:edit", "members:eligibility", "members:consent",
    "members:enroll", "members:care_team", "members:removal", "members:aftercare",
    "members:terminate", "members:close",
    "members:refer", "members:guardian_add", "members:guardian_edit", "members:contact_add",
    "members:contact_remove", "members:release_add", "members:release_revoke",
    "document_download",
    "members:referral_add", "members:referral_detail", "members:referral_edit",
    "members:referral_status", "members:referral_follow_up", "members:referral_exception",
    "members:referral_inquiry", "members:referral_notice", "members:inquiry_answer",
    "members:monitoring_add", "members:monitoring_icp", "members:transition_plan",
    "members:stay_add", "members:stay_detail", "members:stay_discharge",
    "members:stay_follow_up", "members:stay_reassessment",
    "members:contact_record", "members:on_call_add", "members:case_review_add",
    "members:consult_add", "members:consult_response",
    "letters:new", "letters:detail", "letters:refresh", "letters:send", "letters:mailed",
    "letters:correct", "letters:retry_email",
    "careplans:overview", "careplans:assessment_new", "careplans:assessment",
    "careplans:assessment_edit", "careplans:assessment_complete", "careplans:plan_new",
    "careplans:plan", "careplans:plan_meeting", "careplans:plan_team", "careplans:plan_summary",
    "careplans:plan_goals", "careplans:plan_steps", "careplans:plan_transitions",
    "careplans:plan_emergency", "careplans:plan_finalize", "careplans:plan_share",
    "careplans:plan_delivery", "careplans:plan_copy", "careplans:plan_translation",
    "careplans:emergency", "careplans:emergency_pdf", "careplans:link_new",
    "careplans:link_revoke",
}


def test_the_walk_finds_the_member_urls():
    found = {route.key for route in MEMBER_ROUTES}
    assert found >= KNOWN, KNOWN - found


def test_every_url_parameter_is_known():
    """A member URL's other parameters are records of the member (NESTED); a URL with a
    parameter that is not a member is listed in OTHER_RECORDS. Anything else fails here, so
    nobody forgets to cover a new view."""
    for route in app_routes():
        if is_member_route(route):
            for param in route.params:
                assert param == member_param(route) or param in NESTED, (
                    f"{route.pattern}: add a factory for {param!r} to NESTED "
                    f"(tests/security/world.py)")
        elif route.params:
            assert route.key in OTHER_RECORDS, (
                f"{route.pattern} takes {route.params}: if one of them is a member, name it "
                f"{MEMBER_PARAMS} or put it under members/<int:pk>/; otherwise list the "
                f"pattern in OTHER_RECORDS (tests/security/world.py)")


def plausible_post(world: World) -> dict:
    """Valid input for every form of the member pages at once (each form takes its fields)."""
    today = timezone.localdate()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    icp = world_icp(world)

    def day(n: int = 0) -> str:
        return (today + timedelta(days=n)).isoformat()

    return {
        # the member's own record
        "legal_first_name": "Intruder", "legal_last_name": "Example", "preferred_name": "",
        "date_of_birth": "2014-01-01", "masshealth_id": "111222333444", "sex_gender": "",
        "address_line1": "1 Other St", "address_line2": "", "city": "Salem", "state": "MA",
        "postal_code": "01970", "phone": "978-555-0199", "email": "x@family.example",
        "primary_language": "en", "preferred_written_language": "en",
        "electronic_contact_available": "on",
        # referral, eligibility, consent, enrollment
        "referral_date": day(), "referral_source": "pcp", "referring_entity": "Other PCP",
        "referring_contact": "",
        "evaluated_on": day(), "evaluator": str(world.coordinator.pk),
        "criteria": ["under_21", "masshealth"], "eligible": "yes",
        "rationale": "Written by an intruder.",
        "educated_on": day(), "education_mode": "telehealth", "rights_given_on": day(),
        "choice_explained_on": day(), "consent_on": day(), "consent_by": "Intruder",
        "consent_relationship": "mother",
        "effective_date": day(), "primary_contact": str(world.coordinator.pk),
        # removal, aftercare, termination
        "initiated_on": day(), "reason": "family_declined",
        "planned_termination_date": day(30), "consent_signed_on": day(),
        "consent_signed_by": "Intruder", "recommendations": "x", "referrals": "None needed",
        "services_in_place": "x", "medications": "x", "termination_date": day(),
        # closing before enrollment (PS VIII, reading 12)
        "closed_on": day(), "closing_reason": "declined", "closing_note": "x",
        # guardian, care-team contact, release, revocation
        "name": "Intruder Guardian", "relationship": "aunt", "legal_authority": "none",
        "address": "2 Other St", "preferred_language": "en", "receives_letters": "on",
        "provider": str(world.provider.pk), "role": "specialist", "notes": "",
        "party": "Intruder Clinic", "purpose": "x", "scope": "x", "signed_on": day(),
        "signed_by": "Intruder", "expires_on": day(300), "revoked_on": day(),
        # care coordination: referrals, their closed loop and follow-ups
        "service": "Intruder service", "provider_person": "", "referred_on": day(),
        "scheduled_on": day(), "referrer_kind": "cares_team", "referrer_name": "",
        "referrer_contact": "", "icp_goal": "", "to_status": "closed", "changed_on": day(),
        "decline_reason": "", "closure_reason": "services_received", "status_note": "",
        "followed_up_on": day(), "with_kind": "provider", "with_whom": "Intruder Clinic",
        "services_received": "yes", "met_need": "yes", "exception_kind": "unexpected",
        "exception_reason": "Written by an intruder.", "received_on": day(),
        "from_kind": "member_family", "from_name": "Intruder", "question": "x",
        "answered_on": day(), "answer": "Accepted by the provider.",
        "notice_kind": "closure", "sent_on": day(), "sent_to": "Intruder PCP",
        "notice_method": "secure_email",
        # monitoring, transition plan, contacts, on-call, case reviews, consultations
        "reviewed_on": day(), "participants": "Intruder", "services_per_icp": "yes",
        "services_adequate": "yes", "changes_reflected": "yes",
        "care_plan": str(icp.pk) if icp else "", "plan_on": day(), "goals_actions": "x",
        "medical_summary": "x", "emergency_plan": "x", "guardianship_need": "not_needed",
        "contact_at": now, "contact_mode": "phone", "parties": ["with_guardian"],
        "summary": "x", "called_at": now, "answered_live": "on",
        "caller": "Intruder", "call_category": "medical_question", "triage_decision": "advice",
        "held_on": day(), "meeting_mode": "video", "attendees": "Intruder",
        "guardian_attended": "on", "decisions": "x", "requested_at": now,
        "consultant": str(world.medical.pk), "responded_at": now, "response_mode": "phone",
        "response": "x",
        # hospital stays: the stay, its discharge, the follow-up, no reassessment needed
        "setting": "emergency", "facility": str(world.provider.pk), "admitted_on": day(-2),
        "discharged_on": day(-1), "follow_up_on": day(), "follow_up_notes": "x",
        # letters: draft, release (confirmed), certified mailing, correction
        "kind": "enrollment", "confirm": "on", "tracking_number": "9407 1118 9876 5432 1000 00",
        "mailed_on": day(), "correction_reason": "Written by an intruder.",
        # assessments and care plans (lists of rows are formsets: none sent)
        "assessment_kind": "initial", "completed_on": day(), "meeting_on": day(),
        "meeting_place": "Telehealth", "finalized_on": day(), "recipient_kind": "pcp",
        "recipient": "Intruder PCP", "shared_on": day(), "method": "fax", "language": "en",
        "medium": "paper", "delivered_on": day(), "delivered_to": "Intruder",
        # what became of an ICP goal (PS VII.B)
        "achievement": "not_met", "assessed_on": day(),
        **{f"{prefix}-{field}": "0" for prefix in (
            "sources", "participants", "team", "goals", "steps", "medications", "allergies")
           for field in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }


@pytest.fixture
def world(db) -> World:
    return build_world()


def signed_in(user) -> Client:
    return sign_in(Client(), user)


@pytest.mark.parametrize("route", MEMBER_ROUTES, ids=str)
def test_a_coordinator_outside_the_care_team_gets_404_and_changes_nothing(world, route):
    member = world.member
    url = member_url(route, world)
    client = signed_in(world.outsider.user)
    before = database_state()
    for method, send in (("GET", client.get), ("POST", client.post)):
        since = last_audit_pk()
        response = send(url, plausible_post(world)) if method == "POST" else send(url)
        assert response.status_code == 404, (method, url, response.status_code)
        text = response.content.decode(errors="replace") + str(response.headers)
        assert phi_in(text) == [], (method, url)
        assert new_audit_events(since) == [
            (Action.DENIED, member.pk, world.outsider.user_id)], (method, url)
        assert database_state() == before, (method, url)


@pytest.mark.parametrize("route", [r for r in MEMBER_ROUTES if len(r.params) > 1], ids=str)
def test_a_record_of_another_member_is_404_under_ones_own_member(world, route):
    """Nested ids are looked up among the member's own records: the outsider's own member
    in the URL does not open the world member's guardian, contact, release or document."""
    own = enrolled_member(world.outsider)
    url = member_url(route, world, member=own)
    client = signed_in(world.outsider.user)
    before = database_state()
    for send in (client.get, client.post):
        response = send(url, plausible_post(world)) if send == client.post else send(url)
        assert response.status_code in (404, 405), (url, response.status_code)
        assert phi_in(response.content.decode(errors="replace")) == [], url
    assert database_state() == before


@pytest.mark.parametrize("route", MEMBER_ROUTES, ids=str)
def test_the_post_data_is_plausible(world, route):
    """The same POST by the member's own coordinator is not refused for its input: it is
    saved (302), or a form shows a service's refusal with no field errors, or the page takes
    no POST (405). So the 404 above is what stops the outsider. A consultation is answered
    by the senior medical professional it is addressed to, not the care team."""
    insider = world.medical if route.key in CONSULTANT_ROUTES else world.coordinator
    client = signed_in(insider.user)
    response = client.post(member_url(route, world), plausible_post(world))
    assert response.status_code in (200, 302, 405), response.status_code
    if response.status_code == 200:
        form = response.context["form"]
        assert form.errors == {}, form.errors
        assert response.context["refused"]
