"""Hospital stays and emergency-department visits (PS VI.B.1.i, VI.A.1.b.2, VI.A.1.c.4): the
stay, its discharge, the follow-up after it (``discharge_follow_up``, deadlines.md reading 14),
the significant-change reassessment a discharge suggests, the ICP shared with the discharge
team, and the worklist sections. Every refusal says why and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careplans import services as careplans
from careplans.copies import care_plan_share_record
from careplans.models import Assessment, CarePlanShare
from cares.base.audit.models import Action, AuditEvent
from cares.base.toolkit import Refusal
from members.coordination import services as coordination
from members.coordination.models import HospitalStay
from tests.concurrency.race import failures, postgres_only, race, successes
from tests.factories import (
    ProviderFactory,
    completed_assessment,
    enrolled_member,
    finalized_care_plan,
    make_staff,
    sign_in,
    terminate_member,
)
from tests.members.coordination_support import stored

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ENROLLED = TODAY - timedelta(days=90)


def ago(n: int):
    return TODAY - timedelta(days=n)


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=ENROLLED, legal_first_name="Rosa",
                           legal_last_name="Quintero")


@pytest.fixture
def hospital(db):
    return ProviderFactory(kind="health_system", organization="Lowell General Hospital",
                           person="")


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator.user)


def record(member, *, admitted=None, discharged=None, **fields):
    return coordination.hospital_stay_record(
        member=member, setting=fields.pop("setting", "emergency"),
        admitted_on=admitted or ago(5), discharged_on=discharged, **fields)


def follow_up(stay, on):
    return coordination.hospital_stay_follow_up(stay=stay, follow_up_on=on,
                                                follow_up_notes="Home and doing well.")


def state() -> dict:
    return {"stays": list(HospitalStay.objects.order_by("pk").values()),
            "history": HospitalStay.history.count(),
            "audit": AuditEvent.objects.exclude(action=Action.READ).count(),
            "assessments": Assessment.objects.count(), "shares": CarePlanShare.objects.count()}


def refused(call, *fragments: str) -> list[str]:
    """``call`` is refused with messages containing each fragment, and writes nothing."""
    before = state()
    with pytest.raises(Refusal) as caught:
        call()
    messages = caught.value.messages
    for fragment in fragments:
        assert any(fragment in m for m in messages), (fragment, messages)
    assert state() == before
    return messages


def url(name: str, member, *args) -> str:
    return reverse(f"members:{name}", args=[member.pk, *args])


# --- The services and their refusals --------------------------------------------------------

def test_recording_a_stay_checks_the_setting_the_facility_and_the_dates(member, hospital,
                                                                        coordinator):
    closed = ProviderFactory(organization="Closed Clinic", active=False)
    refused(lambda: record(member, setting=""), "emergency-department visit")
    refused(lambda: record(member, facility=closed), "no longer active in the directory")
    refused(lambda: record(member, admitted=ago(-1)), "cannot be in the future")
    refused(lambda: record(member, admitted=ago(3), discharged=ago(4)),
            "discharge date is before the admission")
    refused(lambda: record(member, admitted=ago(3), discharged=ago(-1)),
            "discharge date cannot be in the future")

    stay = record(member, setting="inpatient", facility=hospital, reason="  Pneumonia. ",
                  team_on_site=True, actor=coordinator.user)
    assert (stay.setting, stay.facility, stay.reason, stay.in_progress, stay.team_on_site,
            stay.recorded_by) == ("inpatient", hospital, "Pneumonia.", True, True,
                                  coordinator.user)
    assert AuditEvent.objects.filter(action=Action.CREATE, member=member,
                                     actor=coordinator.user).exists()


def test_the_discharge_is_recorded_once_and_not_before_the_admission(member, coordinator):
    stay = record(member, admitted=ago(5))
    refused(lambda: coordination.hospital_stay_discharge(stay=stay, discharged_on=ago(6)),
            "before the admission")
    refused(lambda: coordination.hospital_stay_discharge(stay=stay, discharged_on=ago(-1)),
            "cannot be in the future")
    done = coordination.hospital_stay_discharge(stay=stay, discharged_on=ago(2),
                                                discharge_planning=True,
                                                actor=coordinator.user)
    assert (done.discharged_on, done.discharge_planning, done.reassessment_pending) == (
        ago(2), True, True)
    assert AuditEvent.objects.filter(action=Action.UPDATE, member=member).exists()
    refused(lambda: coordination.hospital_stay_discharge(stay=stay, discharged_on=ago(1)),
            f"already discharged on {ago(2).isoformat()}")


def test_the_follow_up_comes_after_the_discharge_with_notes_once(member):
    stay = record(member, admitted=ago(5))

    def follow_up(on, notes="Home, eating well; PCP visit booked."):
        return lambda: coordination.hospital_stay_follow_up(stay=stay, follow_up_on=on,
                                                            follow_up_notes=notes)

    refused(follow_up(ago(0)), "record the discharge first")
    coordination.hospital_stay_discharge(stay=stay, discharged_on=ago(3))
    refused(follow_up(ago(4)), "dated before the discharge")
    refused(follow_up(ago(-1)), "cannot be in the future")
    refused(follow_up(ago(1), notes="  "), "what the follow-up found")
    done = follow_up(ago(1))()
    assert (done.follow_up_on, done.follow_up_notes) == (
        ago(1), "Home, eating well; PCP visit booked.")
    refused(follow_up(ago(0)), f"already recorded on {ago(1).isoformat()}")


def test_the_reassessment_suggestion_is_decided_once_after_the_discharge(member, coordinator):
    stay = record(member, admitted=ago(5))
    assert not stay.reassessment_pending
    refused(lambda: coordination.hospital_stay_reassessment_decide(
        stay=stay, accept=False, reason="Brief visit."), "record the discharge first")
    coordination.hospital_stay_discharge(stay=stay, discharged_on=ago(4))
    refused(lambda: coordination.hospital_stay_reassessment_decide(
        stay=stay, accept=False, reason=" "), "why no reassessment is needed")
    coordination.hospital_stay_reassessment_decide(
        stay=stay, accept=False, reason="Sprained wrist; no change in needs.",
        actor=coordinator.user)
    stay.refresh_from_db()
    assert (stay.reassessment, stay.reassessment_reason, stay.reassessment_pending) == (
        "dismissed", "Sprained wrist; no change in needs.", False)
    assert stay.history.first().history_user == coordinator.user
    assert AuditEvent.objects.filter(action=Action.UPDATE, member=member,
                                     detail__decision="dismissed").exists()
    refused(lambda: coordination.hospital_stay_reassessment_decide(stay=stay, accept=True),
            "already decided: not needed")


def test_starting_the_reassessment_links_it_to_the_stay(member, coordinator):
    other = enrolled_member(coordinator, referral_date=ENROLLED)
    completed_assessment(member, coordinator, completed_on=ago(60))
    stay = record(member, admitted=ago(5), discharged=ago(3))
    dismissed = record(member, admitted=ago(40), discharged=ago(39))
    coordination.hospital_stay_reassessment_decide(stay=dismissed, accept=False,
                                                   reason="No change.")
    refused(lambda: careplans.assessment_create(member=member, kind="significant_change",
                                                hospital_stay=dismissed),
            "already decided: not needed")
    refused(lambda: careplans.assessment_create(member=member, kind="annual",
                                                hospital_stay=stay),
            "significant-change reassessment")
    refused(lambda: careplans.assessment_create(member=other, kind="significant_change",
                                                hospital_stay=stay), "another member's")
    started = careplans.assessment_create(member=member, kind="significant_change",
                                          hospital_stay=stay, actor=coordinator.user)
    stay.refresh_from_db()
    assert (started.hospital_stay, stay.reassessment) == (stay, "accepted")
    # Started once: a second start is refused (a draft exists, and the suggestion is answered).
    refused(lambda: careplans.assessment_create(member=member, kind="significant_change",
                                                hospital_stay=stay), "still a draft")


def test_the_icp_shared_with_the_discharge_team_names_the_stay(member, coordinator,
                                                                hospital):
    plan = finalized_care_plan(member, coordinator, on=ago(30))
    stay = record(member, admitted=ago(5), facility=hospital)

    def share(kind="discharge_team", days_ago=4):
        return lambda: care_plan_share_record(plan=plan, recipient_kind=kind,
                                              recipient="Lowell General discharge team",
                                              shared_on=ago(days_ago), hospital_stay=stay)

    refused(share(kind="pcp"), "goes to its discharge team")
    refused(share(days_ago=6), "before the admission")
    done = share()()
    assert (done.hospital_stay, done.recipient_kind, done.release) == (
        stay, "discharge_team", None)


# --- The deadline engine (reading 14) -------------------------------------------------------

def test_a_discharge_before_the_enrollment_starts_no_follow_up(member):
    record(member, admitted=ENROLLED - timedelta(days=4),
           discharged=ENROLLED - timedelta(days=1))
    assert stored(member, "discharge_follow_up") == []


def test_follow_up_on_day_7_is_met_and_on_day_8_late(member):
    first = record(member, admitted=ago(32), discharged=ago(30))
    second = record(member, admitted=ago(21), discharged=ago(20))
    follow_up(first, ago(23))
    follow_up(second, ago(12))
    assert stored(member, "discharge_follow_up") == [
        (ago(30), ago(23), "met", ago(23), ""), (ago(20), ago(13), "late", ago(12), "")]


def test_a_stay_in_progress_has_no_follow_up_deadline_until_discharged(member):
    stay = record(member, admitted=ago(3))
    assert stored(member, "discharge_follow_up") == []
    coordination.hospital_stay_discharge(stay=stay, discharged_on=ago(1))
    assert stored(member, "discharge_follow_up") == [(ago(1), ago(-6), "open", None, "")]
    follow_up(stay, TODAY)
    assert stored(member, "discharge_follow_up") == [(ago(1), ago(-6), "met", TODAY, "")]


def test_termination_closes_an_open_follow_up_as_excepted(member):
    record(member, admitted=ago(4), discharged=ago(2))
    terminate_member(member, on=TODAY)
    [(start, due, status, satisfied, reason)] = stored(member, "discharge_follow_up")
    assert (start, due, status, satisfied) == (ago(2), ago(-5), "excepted", None)
    assert "terminated" in reason


# --- Two people at once (PostgreSQL) ----------------------------------------------------------

def _only_one_wins(results) -> None:
    assert len(successes(results)) == 1, results
    for exc in failures(results):
        assert isinstance(exc, Refusal), repr(exc)
        assert exc.messages and all(m.strip() for m in exc.messages)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_discharges_at_once_one_wins(coordinator):
    member = enrolled_member(coordinator, referral_date=ENROLLED)
    stay = record(member, admitted=ago(5))
    results = race([lambda n=n: coordination.hospital_stay_discharge(
        stay=HospitalStay.objects.get(pk=stay.pk), discharged_on=ago(n)) for n in (1, 2)])
    _only_one_wins(results)
    assert any("already discharged" in m for m in failures(results)[0].messages)
    assert HospitalStay.history.filter(id=stay.pk, discharged_on__isnull=False).count() == 1
    assert len(stored(member, "discharge_follow_up")) == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_one_wins(coordinator):
    member = enrolled_member(coordinator, referral_date=ENROLLED)
    stay = record(member, admitted=ago(5), discharged=ago(2))
    results = race([
        lambda: coordination.hospital_stay_reassessment_decide(
            stay=HospitalStay.objects.get(pk=stay.pk), accept=False, reason="No change."),
        lambda: coordination.hospital_stay_reassessment_decide(
            stay=HospitalStay.objects.get(pk=stay.pk), accept=True)] * 4)
    _only_one_wins(results)
    assert all("already decided" in exc.messages[0] for exc in failures(results))
    assert HospitalStay.objects.get(pk=stay.pk).reassessment in ("accepted", "dismissed")


# --- The pages --------------------------------------------------------------------------------

def html(response) -> str:
    return response.content.decode()


def test_a_coordinator_records_a_stay_its_discharge_and_follow_up(coordinator_client, member,
                                                                 hospital):
    response = coordinator_client.post(url("stay_add", member), {
        "setting": "emergency", "facility": hospital.pk, "admitted_on": ago(2).isoformat(),
        "reason": "Seizure cluster."})
    stay = HospitalStay.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == url("stay_detail", member, stay.pk)
    body = html(coordinator_client.get(url("stay_detail", member, stay.pk)))
    assert "In progress" in body and "Lowell General Hospital" in body
    assert f'action="{url("stay_discharge", member, stay.pk)}"' in body
    assert "There is no finalized ICP yet to share with the discharge team." in body

    response = coordinator_client.post(url("stay_discharge", member, stay.pk), {
        "discharged_on": ago(1).isoformat(), "discharge_planning": "on"})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert (stay.discharged_on, stay.discharge_planning, stay.team_on_site) == (
        ago(1), True, False)
    body = html(coordinator_client.get(url("stay_detail", member, stay.pk)))
    assert f"Due {ago(-6).isoformat()}" in body
    assert 'id="reassessment-suggested"' in body
    start = reverse("careplans:assessment_new", args=[member.pk]) + f"?stay={stay.pk}"
    assert f'href="{start}"' in body

    response = coordinator_client.post(url("stay_follow_up", member, stay.pk), {
        "follow_up_on": TODAY.isoformat(), "follow_up_notes": "Back home; neurology visit booked."})
    assert response.status_code == 302
    body = html(coordinator_client.get(url("stay_detail", member, stay.pk)))
    assert f"Followed up on {TODAY.isoformat()}" in body
    assert 'data-deadline="discharge_follow_up">met<' in body


def test_a_refused_step_on_the_pages_says_why_and_saves_nothing(coordinator_client, member):
    response = coordinator_client.post(url("stay_add", member), {
        "setting": "inpatient", "admitted_on": ago(-1).isoformat()})
    assert response.status_code == 200 and not HospitalStay.objects.exists()
    assert "cannot be in the future" in html(response)
    assert "Refused; nothing was saved." in html(response)
    stay = record(member, admitted=ago(3))
    before = state()
    response = coordinator_client.post(url("stay_discharge", member, stay.pk), {
        "discharged_on": ago(4).isoformat()})
    assert response.status_code == 200 and "before the admission" in html(response)
    response = coordinator_client.post(url("stay_follow_up", member, stay.pk), {
        "follow_up_on": TODAY.isoformat(), "follow_up_notes": "Too early."})
    assert response.status_code == 200 and "record the discharge first" in html(response)
    response = coordinator_client.post(url("stay_reassessment", member, stay.pk),
                                       {"reason": ""})
    assert response.status_code == 200
    assert state() == before


def test_the_member_page_lists_the_stays_in_progress_first(coordinator_client, member):
    old = record(member, admitted=ago(40), discharged=ago(38), setting="inpatient")
    newer = record(member, admitted=ago(10), discharged=ago(9))
    now = record(member, admitted=ago(1))
    response = coordinator_client.get(reverse("members:detail", args=[member.pk]))
    assert response.context["coordination"]["hospital_stays"] == [now, newer, old]
    body = html(response)
    assert "Hospital stays and ED visits" in body and 'data-flag="in-hospital"' in body
    assert body.index(f'data-stay="{now.pk}"') < body.index(f'data-stay="{old.pk}"')
    assert f'href="{url("stay_add", member)}"' in body
    timeline = response.context["timeline"]
    assert any(e.title == "Discharged from the hospital" and e.on == ago(38)
               for e in timeline)


def test_saying_no_reassessment_is_needed(coordinator_client, member):
    stay = record(member, admitted=ago(5), discharged=ago(3))
    response = coordinator_client.post(url("stay_reassessment", member, stay.pk),
                                       {"reason": "Sprained wrist."})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert (stay.reassessment, stay.reassessment_reason) == ("dismissed", "Sprained wrist.")
    body = html(coordinator_client.get(url("stay_detail", member, stay.pk)))
    assert "Not needed" in body and "Sprained wrist." in body
    assert 'id="reassessment-suggested"' not in body


def test_accepting_opens_a_significant_change_reassessment_for_the_stay(
        coordinator_client, coordinator, member):
    completed_assessment(member, coordinator, completed_on=ago(60))
    stay = record(member, admitted=ago(5), discharged=ago(3))
    new = reverse("careplans:assessment_new", args=[member.pk])
    response = coordinator_client.get(f"{new}?stay={stay.pk}")
    assert response.context["form"].initial == {"assessment_kind": "significant_change"}
    assert f"after the discharge of {ago(3).isoformat()}" in html(response)
    other = record(enrolled_member(coordinator, referral_date=ENROLLED), admitted=ago(2))
    assert coordinator_client.get(f"{new}?stay={other.pk}").status_code == 404
    assert coordinator_client.get(f"{new}?stay=x").status_code == 404
    response = coordinator_client.post(f"{new}?stay={stay.pk}",
                                       {"assessment_kind": "significant_change"})
    assessment = Assessment.objects.get(hospital_stay=stay)
    assert response.status_code == 302 and assessment.kind == "significant_change"
    stay.refresh_from_db()
    assert stay.reassessment == "accepted"
    body = html(coordinator_client.get(url("stay_detail", member, stay.pk)))
    assert "Reassessment started" in body
    assert reverse("careplans:assessment", args=[member.pk, assessment.pk]) in body


def test_sharing_the_icp_with_the_discharge_team_from_the_stay_page(coordinator_client,
                                                                   coordinator, member,
                                                                   hospital):
    plan = finalized_care_plan(member, coordinator, on=ago(30))
    stay = record(member, admitted=ago(2), facility=hospital)
    share = reverse("careplans:plan_share", args=[member.pk, plan.pk]) + f"?stay={stay.pk}"
    assert f'href="{share}"' in html(coordinator_client.get(url("stay_detail", member,
                                                                stay.pk)))
    form = coordinator_client.get(share).context["form"]
    assert form.initial == {"recipient_kind": "discharge_team",
                            "recipient": "Lowell General Hospital"}
    response = coordinator_client.post(share, {
        "recipient_kind": "discharge_team", "recipient": "Lowell General discharge team",
        "shared_on": ago(1).isoformat(), "method": "fax"})
    assert response.status_code == 302
    assert response["Location"] == url("stay_detail", member, stay.pk)
    assert CarePlanShare.objects.get().hospital_stay == stay
    body = html(coordinator_client.get(url("stay_detail", member, stay.pk)))
    assert f"ICP shared with the discharge team on {ago(1).isoformat()}" in body
    assert f'href="{share}"' not in body


# --- The worklist -------------------------------------------------------------------------------

WORKLIST = "/worklist/"


def _worklist(client):
    context = client.get(WORKLIST).context
    items = [i for _key, _title, found, _n in context["sections"] for i in found
             if i.deadline.rule == "discharge_follow_up"]
    return context, items


def test_the_worklist_sections_and_the_record_it_link(coordinator_client, member, hospital):
    in_hospital = record(member, admitted=ago(1), facility=hospital)
    discharged = record(member, admitted=ago(5), discharged=ago(3), key="ED-2026-77")
    context, items = _worklist(coordinator_client)
    assert [i.stay for i in context["in_hospital"]] == [in_hospital]
    assert [i.stay for i in context["reassessments"]] == [discharged]
    [item] = items  # the stay in progress has none
    assert item.deadline.ref == "ED-2026-77" and item.has_form
    assert item.url == url("stay_follow_up", member, discharged.pk)
    body = html(coordinator_client.get(WORKLIST))
    assert "In hospital or ED now" in body and "Reassessment suggested after a discharge" in body
    assert f'href="{url("stay_reassessment", member, discharged.pk)}"' in body

    follow_up(discharged, TODAY)
    coordination.hospital_stay_reassessment_decide(stay=discharged, accept=False,
                                                   reason="No change.")
    coordination.hospital_stay_discharge(stay=in_hospital, discharged_on=TODAY)
    context, items = _worklist(coordinator_client)
    assert context["in_hospital"] == []
    assert [i.stay for i in context["reassessments"]] == [in_hospital]
    assert [i.url for i in items] == [url("stay_follow_up", member, in_hospital.pk)]


def test_the_worklist_shows_only_my_members_stays(client, member):
    record(member, admitted=ago(1))
    other = make_staff("care_coordinator")
    context, _items = _worklist(sign_in(client, other.user))
    assert context["in_hospital"] == [] and context["reassessments"] == []


WORKLIST_QUERIES = 15


def _count(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(WORKLIST).status_code == 200
    return len(captured)


def test_the_worklist_query_count_does_not_grow_with_stays(coordinator_client, coordinator,
                                                           hospital,
                                                           django_assert_max_num_queries):
    def stays_for_a_new_member():
        member = enrolled_member(coordinator, referral_date=ENROLLED)
        record(member, admitted=ago(1), facility=hospital)
        record(member, admitted=ago(6), discharged=ago(4), facility=hospital)

    for _ in range(2):
        stays_for_a_new_member()
    few = _count(coordinator_client)
    for _ in range(6):
        stays_for_a_new_member()
    assert _count(coordinator_client) == few
    with django_assert_max_num_queries(WORKLIST_QUERIES):
        response = coordinator_client.get(WORKLIST)
    assert len(response.context["in_hospital"]) == len(response.context["reassessments"]) == 8
