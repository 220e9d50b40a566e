"""Benefits (PS VI.B.1.h): MassHealth renewal date, health plan, third-party insurance and
state-agency services on the member record; the member page shows them (to family support
staff too: they are not clinical), and the worklist lists renewals within 60 days."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cares.base.access import may_see_clinical
from cares.base.audit.models import Action, AuditEvent
from cares.base.toolkit import Refusal
from members import services
from members.models import RENEWAL_LOOKAHEAD_DAYS, Member
from tests.factories import enrolled_member, make_staff, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REFERRED_ON = TODAY - timedelta(days=40)
BENEFITS = ("masshealth_renewal_date", "health_plan", "third_party_insurance", "state_agencies")


@pytest.fixture
def member(coordinator):
    return enrolled_member(coordinator, referral_date=REFERRED_ON)


@pytest.fixture
def coordinator_client(coordinator):
    return sign_in(Client(), coordinator.user)


def html(response) -> str:
    return response.content.decode()


def section(page: str, id_: str, tag: str = "dd") -> str:
    """The text of the ``tag`` element with ``id_`` (tags dropped, spaces collapsed)."""
    found = re.search(rf'<{tag}[^>]*id="{id_}"[^>]*>(.*?)</{tag}>', page, re.S)
    assert found, id_
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def edit_post(client, member, **benefits) -> tuple[str, dict]:
    url = reverse("members:edit", args=[member.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items()
            if k in form.fields and v is not None and v is not False and v != []}
    data["date_of_birth"] = member.date_of_birth.isoformat()
    data.update(benefits)
    return url, data


def stored(member) -> dict:
    return Member.objects.values(*BENEFITS).get(pk=member.pk)


# --- The member record -------------------------------------------------------------------------

def test_benefits_round_trip_through_the_member_form(coordinator_client, member):
    renewal = TODAY + timedelta(days=45)
    url, data = edit_post(coordinator_client, member,
                          masshealth_renewal_date=renewal.isoformat(),
                          health_plan="Example ACO", third_party_insurance="Blue Example PPO",
                          state_agencies=["DPH", "DDS"])
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert stored(member) == {"masshealth_renewal_date": renewal, "health_plan": "Example ACO",
                              "third_party_insurance": "Blue Example PPO",
                              "state_agencies": ["DDS", "DPH"]}
    audit = AuditEvent.objects.filter(action=Action.UPDATE, member_id=member.pk,
                                      object_type="members.Member").latest("pk")
    assert set(BENEFITS) <= set(audit.detail["fields"])
    # The form shows them again, the agencies ticked.
    page = html(coordinator_client.get(url))
    assert re.search(r'value="DDS"[^>]*checked', page)
    assert not re.search(r'value="DCF"[^>]*checked', page)
    assert f'value="{renewal.isoformat()}"' in page
    # And they can be cleared.
    url, data = edit_post(coordinator_client, member, masshealth_renewal_date="",
                          health_plan="", third_party_insurance="")
    data.pop("state_agencies", None)
    assert coordinator_client.post(url, data).status_code == 302
    assert stored(member) == {"masshealth_renewal_date": None, "health_plan": "",
                              "third_party_insurance": "", "state_agencies": []}


def test_an_unknown_agency_is_refused_and_nothing_is_saved(coordinator_client, member):
    before = stored(member)
    audits = AuditEvent.objects.filter(action=Action.UPDATE, member_id=member.pk).count()
    url, data = edit_post(coordinator_client, member, health_plan="Changed",
                          state_agencies=["DDS", "FBI"])
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert "state_agencies" in response.context["form"].errors
    # The service refuses it too, whoever calls it (an import, a command).
    record = Member.objects.get(pk=member.pk)
    record.health_plan, record.state_agencies = "Changed", ["DDS", "FBI"]
    with pytest.raises(Refusal, match="Unknown state agency: FBI"):
        services.member_save(member=record)
    record.state_agencies = "DDS"
    with pytest.raises(Refusal, match="a list of agencies"):
        services.member_save(member=record)
    assert stored(member) == before
    assert AuditEvent.objects.filter(action=Action.UPDATE, member_id=member.pk).count() == audits


# --- The member page ---------------------------------------------------------------------------

def test_the_member_page_shows_benefits_in_words(coordinator_client, member):
    Member.objects.filter(pk=member.pk).update(
        masshealth_renewal_date=TODAY + timedelta(days=12), health_plan="Example ACO",
        state_agencies=["DYS", "DCF"])
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert section(page, "benefits-renewal") == \
        f"{(TODAY + timedelta(days=12)).isoformat()} (in 12 days)"
    assert section(page, "benefits-agencies") == ("DCF (Department of Children and Families) "
                                                  "DYS (Department of Youth Services)")
    assert "Example ACO" in section(page, "benefits", "section")
    Member.objects.filter(pk=member.pk).update(masshealth_renewal_date=TODAY - timedelta(days=1),
                                               state_agencies=[])
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert section(page, "benefits-renewal").endswith("(passed 1 day ago)")
    assert section(page, "benefits-agencies") == "none recorded"


def test_family_support_staff_see_benefits(member, coordinator):
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    services.care_team_set(member=member, on=TODAY, team=[
        (coordinator, "care_coordinator"), (family, "family_support")])
    Member.objects.filter(pk=member.pk).update(
        masshealth_renewal_date=TODAY + timedelta(days=3), third_party_insurance="Example PPO",
        state_agencies=["DDS"])
    assert not may_see_clinical(family.user)
    page = html(sign_in(Client(), family.user).get(reverse("members:detail",
                                                           args=[member.pk])))
    assert section(page, "benefits-renewal").endswith("(in 3 days)")
    assert "Example PPO" in section(page, "benefits", "section")
    assert "DDS (Department of Developmental Services)" in section(page, "benefits-agencies")


# --- The worklist ------------------------------------------------------------------------------

def renewing(coordinator, days: int) -> Member:
    member = enrolled_member(coordinator, referral_date=REFERRED_ON)
    Member.objects.filter(pk=member.pk).update(
        masshealth_renewal_date=TODAY + timedelta(days=days))
    return member


def test_the_worklist_lists_renewals_within_60_days(coordinator_client, coordinator):
    assert RENEWAL_LOOKAHEAD_DAYS == 60
    last_day = renewing(coordinator, 60)
    renewing(coordinator, 61)  # out
    passed = renewing(coordinator, -5)
    soon = renewing(coordinator, 0)
    enrolled_member(coordinator, referral_date=REFERRED_ON)  # no date: out
    renewing(make_staff("care_coordinator"), 10)  # not on my care teams: out
    response = coordinator_client.get(reverse("dashboards:worklist"))
    assert [(i.member.pk, i.days) for i in response.context["renewals"]] == [
        (passed.pk, -5), (soon.pk, 0), (last_day.pk, 60)]
    table = section(html(response), "worklist-renewals", "table")
    assert "MassHealth renewals in the next 60 days" in html(response)
    assert "passed 5 days ago" in table and "Confirm the renewal" in table
    assert "in 60 days" in table and "in 61 days" not in table
    export = coordinator_client.get(reverse("dashboards:worklist"), {"export": "renewals"})
    assert export.status_code == 200
    assert len(b"".join(export.streaming_content if export.streaming else [export.content])
               .decode().strip().splitlines()) == 4  # the header and three rows


def test_the_renewals_section_reads_a_fixed_number_of_queries(coordinator_client, coordinator,
                                                              django_assert_max_num_queries):
    renewing(coordinator, 5)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert coordinator_client.get(reverse("dashboards:worklist")).status_code == 200
        return len(captured)

    few = queries()
    for days in range(6):
        renewing(coordinator, days * 9)
    assert queries() == few
    with django_assert_max_num_queries(few):
        response = coordinator_client.get(reverse("dashboards:worklist"))
    assert len(response.context["renewals"]) == 7
