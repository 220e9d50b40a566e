"""The member pages: intake, the lifecycle steps, care-team scoping, the caseload and the
directory. Every refusal shows why, keeps the input and saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cares.base.staff.models import User
from members import services
from members.models import (
    CareTeamMember,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Guardian,
    Member,
    MemberContact,
    Provider,
    ReleaseOfInformation,
    Removal,
)
from tests.factories import MemberFactory, ProviderFactory, enrolled_member, make_staff, sign_in

pytestmark = pytest.mark.django_db

S = EpisodeStatus
TODAY = timezone.localdate()
REFERRED_ON = TODAY - timedelta(days=40)


def day(n: int) -> str:
    """The referral date plus ``n`` days, as a form would send it."""
    return (REFERRED_ON + timedelta(days=n)).isoformat()


def intake_post(**overrides) -> dict:
    data = {
        "legal_first_name": "Rosa", "legal_last_name": "Quintero", "preferred_name": "",
        "date_of_birth": "2016-03-04", "masshealth_id": "100200300400", "sex_gender": "",
        "address_line1": "12 Elm St", "address_line2": "", "city": "Lowell", "state": "MA",
        "postal_code": "01852", "phone": "978-555-0101", "email": "",
        "primary_language": "pt-BR", "preferred_written_language": "pt-BR",
        "interpreter_needed": "on",
        "referral_date": REFERRED_ON.isoformat(), "referral_source": "pcp",
        "referring_entity": "Lowell Pediatrics", "referring_contact": "",
    }
    data.update(overrides)
    return data


ELIGIBILITY = {"evaluated_on": day(2), "criteria": ["under_21", "masshealth",
                                                    "medical_complexity"],
               "eligible": "yes", "rationale": "Three systems involved; G-tube and seizures."}
CONSENT = {"educated_on": day(5), "education_mode": "face_to_face", "rights_given_on": day(5),
           "choice_explained_on": day(5), "consent_on": day(6), "consent_by": "Ana Quintero",
           "consent_relationship": "mother"}
REMOVAL = {"initiated_on": day(20), "reason": "family_declined",
           "planned_termination_date": day(35)}
AFTERCARE = {
    "consent_signed_on": day(21), "consent_signed_by": "Ana Quintero",
    "recommendations": "Continue PCP follow-up every 3 months.",
    "referrals": "None needed", "services_in_place": "PT weekly (Example Therapy).",
    "medications": "Levetiracetam 250 mg twice daily.", "planned_termination_date": day(35),
}


@pytest.fixture
def coordinator_client(client, coordinator):
    sign_in(client, coordinator.user)
    return client


def html(response) -> str:
    return response.content.decode()


def snapshot() -> dict[str, int]:
    models = (Member, Episode, EpisodeStatusChange, EligibilityEvaluation, Engagement,
              CareTeamMember, Guardian, MemberContact, ReleaseOfInformation, Removal, Provider)
    return {m.__name__: m.objects.count() for m in models}


# --- Intake -----------------------------------------------------------------------------------

def test_intake_creates_the_member_and_a_referred_episode(coordinator_client, coordinator):
    provider = ProviderFactory()
    response = coordinator_client.post(reverse("members:intake"), intake_post(
        referring_contact=str(provider.pk), assigned_to=str(coordinator.pk)))
    member = Member.objects.get(masshealth_id="100200300400")
    assert response.status_code == 302
    assert response.url == reverse("members:eligibility", args=[member.pk])
    episode = member.episodes.get()
    assert (episode.status, episode.referral_date, episode.referring_contact) == (
        S.REFERRED, REFERRED_ON, provider)
    change = episode.status_changes.get()
    assert (change.to_status, change.changed_by) == (S.REFERRED, coordinator.user)
    assert member.primary_language == "pt-BR" and member.interpreter_needed
    # The coordinator who took the referral is on the care team, so they can carry it on.
    assert list(member.care_team.values_list("staff", "role", "since")) == [
        (coordinator.pk, "care_coordinator", REFERRED_ON)]
    assert coordinator_client.get(response.url).status_code == 200


def test_intake_page_offers_languages_and_defaults_to_the_signed_in_coordinator(
        coordinator_client, coordinator):
    page = html(coordinator_client.get(reverse("members:intake")))
    assert 'list="id_primary_language-languages"' in page
    assert '<option value="Portuguese (Brazil) — Português do Brasil">' in page
    assert '<option value="Chinese, traditional — 繁體中文">' in page
    assert f'<option value="{coordinator.pk}" selected>' in page


def test_intake_bad_input_gets_field_errors_and_saves_nothing(coordinator_client):
    before = snapshot()
    response = coordinator_client.post(reverse("members:intake"), intake_post(
        masshealth_id="10020030040", primary_language="portuguese!", referral_source=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"masshealth_id", "primary_language",
                                                     "referral_source"}
    assert "A MassHealth ID is exactly 12 digits." in html(response)
    assert "Nothing was saved. Please correct the problems shown." in html(response)
    assert snapshot() == before


def test_intake_of_a_member_aged_21_is_refused_and_keeps_the_input(coordinator_client):
    born = REFERRED_ON - relativedelta(years=21)
    before = snapshot()
    response = coordinator_client.post(reverse("members:intake"), intake_post(
        date_of_birth=born.isoformat()))
    page = html(response)
    assert response.status_code == 200
    assert 'id="refusal"' in page and "Refused; nothing was saved." in page
    assert "The member must be under 21 on the referral date" in page
    assert 'value="100200300400"' in page and 'value="Lowell Pediatrics"' in page
    assert snapshot() == before
    assert response.context["form"].instance.pk is None


def test_duplicate_masshealth_id_is_a_field_error(coordinator_client):
    MemberFactory(masshealth_id="100200300400")
    response = coordinator_client.post(reverse("members:intake"), intake_post())
    assert "Another member already has this MassHealth ID." in html(response)
    assert Member.objects.count() == 1


# --- The lifecycle, step by step --------------------------------------------------------------

def test_each_lifecycle_step_through_the_pages(coordinator_client, coordinator):
    client = coordinator_client
    helper = make_staff("family_support")
    client.post(reverse("members:intake"), intake_post(assigned_to=str(coordinator.pk)))
    member = Member.objects.get()

    def step(name, data):
        response = client.post(reverse(f"members:{name}", args=[member.pk]), data)
        assert response.status_code == 302, (name, response.context and (
            response.context.get("refused"), response.context["form"].errors))
        assert response.url == reverse("members:detail", args=[member.pk])
        return services.current_episode(member)

    detail = html(client.get(reverse("members:detail", args=[member.pk])))
    assert "Record eligibility evaluation" in detail
    assert step("eligibility", {**ELIGIBILITY, "evaluator": coordinator.pk}).status == S.ELIGIBLE
    assert step("consent", CONSENT).status == S.CONSENTED
    episode = step("enroll", {"effective_date": day(7), "primary_contact": coordinator.pk,
                              "team": [helper.pk]})
    assert (episode.status, episode.primary_contact, str(episode.effective_date)) == (
        S.ENROLLED, coordinator, day(7))
    assert set(member.care_team.filter(until__isnull=True).values_list("staff", "role")) == {
        (coordinator.pk, "care_coordinator"), (helper.pk, "family_support")}
    detail = html(client.get(reverse("members:detail", args=[member.pk])))
    assert "Enrolled" in detail and "Start removal of assignment" in detail

    assert step("removal", REMOVAL).status == S.REMOVAL_INITIATED
    # An incomplete plan is saved, and what is missing is listed with its citation.
    incomplete = {**AFTERCARE, "medications": ""}
    step("aftercare", incomplete)
    removal = Removal.objects.get()
    assert removal.plan_completed_on is None
    page = html(client.get(reverse("members:aftercare", args=[member.pk])))
    assert "(PS IX.B.5)" in page and 'id="missing"' in page
    # Termination is refused while the plan is incomplete.
    response = client.post(reverse("members:terminate", args=[member.pk]),
                           {"termination_date": day(35)})
    assert "The aftercare/transition plan is missing" in html(response)
    assert services.current_episode(member).status == S.REMOVAL_INITIATED

    step("aftercare", AFTERCARE)
    assert Removal.objects.get().plan_complete
    episode = step("terminate", {"termination_date": day(35)})
    assert (episode.status, str(episode.termination_date)) == (S.TERMINATED, day(35))

    # Re-referral starts a new episode and keeps the old one.
    episode = step("refer", {"referral_date": day(36), "referral_source": "family"})
    assert episode.status == S.REFERRED and member.episodes.count() == 2
    detail = html(client.get(reverse("members:detail", args=[member.pk])))
    assert "Previous episodes" in detail and "Terminated" in detail
    assert list(EpisodeStatusChange.objects.filter(episode__member=member)
                .order_by("pk").values_list("to_status", flat=True)) == [
        S.REFERRED, S.ELIGIBLE, S.CONSENTED, S.ENROLLED, S.REMOVAL_INITIATED, S.TERMINATED,
        S.REFERRED]


def test_enrolling_without_consent_is_refused_with_the_reason(coordinator_client,
                                                               coordinator):
    member = MemberFactory()
    episode = services.referral_create(member=member, referral_date=REFERRED_ON,
                                       referral_source="pcp")
    services.care_team_set(member=member, on=REFERRED_ON,
                           team=[(coordinator, "care_coordinator")])
    services.eligibility_record(episode=episode, evaluated_on=REFERRED_ON,
                                evaluator=coordinator, criteria=["under_21"], eligible=True,
                                rationale="Meets criteria.")
    before = snapshot()
    response = coordinator_client.post(reverse("members:enroll", args=[member.pk]), {
        "effective_date": day(3), "primary_contact": coordinator.pk})
    page = html(response)
    assert response.status_code == 200
    assert 'id="refusal"' in page
    assert ("Enrollment needs a positive eligibility evaluation and consent: no consent to "
            "receive services yet.") in page
    assert f'value="{day(3)}"' in page
    assert snapshot() == before
    episode.refresh_from_db()
    assert (episode.status, episode.primary_contact, episode.effective_date) == (
        S.ELIGIBLE, None, None)


def test_a_step_out_of_order_shows_the_services_message(coordinator_client, coordinator):
    member = enrolled_member(coordinator, referral_date=REFERRED_ON)
    response = coordinator_client.post(reverse("members:eligibility", args=[member.pk]), {
        **ELIGIBILITY, "evaluator": coordinator.pk})
    assert "Eligibility is evaluated once, right after referral; this episode is enrolled." \
        in html(response)
    assert EligibilityEvaluation.objects.count() == 1


def test_not_eligible_stops_the_stepper_and_offers_a_new_referral(coordinator_client,
                                                                   coordinator):
    coordinator_client.post(reverse("members:intake"), intake_post(
        assigned_to=str(coordinator.pk)))
    member = Member.objects.get()
    coordinator_client.post(reverse("members:eligibility", args=[member.pk]), {
        **ELIGIBILITY, "evaluator": coordinator.pk, "eligible": "no"})
    response = coordinator_client.get(reverse("members:detail", args=[member.pk]))
    assert services.current_episode(member).status == S.INELIGIBLE
    assert [s.state for s in response.context["steps"]] == [
        "done", "stopped", "todo", "todo", "todo", "todo"]
    assert "New referral" in html(response)


# --- Care-team scoping ------------------------------------------------------------------------

@pytest.fixture
def records_of(coordinator):
    """An enrolled member of ``coordinator`` with a guardian, a contact and a release."""
    member = enrolled_member(coordinator, referral_date=REFERRED_ON)
    guardian = Guardian.objects.create(member=member, name="Ana Quintero", relationship="mother")
    contact = MemberContact.objects.create(member=member, provider=ProviderFactory(), role="pcp")
    release = ReleaseOfInformation.objects.create(
        member=member, party="Example School", purpose="IEP", scope="Care plan",
        signed_on=REFERRED_ON, signed_by="Ana Quintero", expires_on=TODAY + timedelta(days=300))
    return member, guardian, contact, release


def member_urls(member, guardian, contact, release) -> dict[str, str]:
    pk = member.pk
    names = ["detail", "edit", "eligibility", "consent", "enroll", "removal", "aftercare",
             "terminate", "refer", "guardian_add", "contact_add", "release_add"]
    urls = {name: reverse(f"members:{name}", args=[pk]) for name in names}
    urls["guardian_edit"] = reverse("members:guardian_edit", args=[pk, guardian.pk])
    urls["contact_remove"] = reverse("members:contact_remove", args=[pk, contact.pk])
    urls["release_revoke"] = reverse("members:release_revoke", args=[pk, release.pk])
    return urls


POST_ANYTHING = {**REMOVAL, **AFTERCARE, "termination_date": day(30), "name": "Intruder",
                 "relationship": "none", "legal_authority": "none", "revoked_on": day(30),
                 "referral_date": day(30), "referral_source": "pcp"}


def test_another_coordinators_member_is_404_for_every_page_and_nothing_changes(
        client, records_of):
    member = records_of[0]
    other = make_staff("care_coordinator")
    sign_in(client, other.user)
    before = snapshot()
    for name, url in member_urls(*records_of).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, POST_ANYTHING).status_code == 404, name
    assert snapshot() == before
    assert services.current_episode(member).status == S.ENROLLED
    assert ReleaseOfInformation.objects.get().revoked_on is None
    assert member.pk not in [m.pk for m in client.get(
        reverse("members:list") + "?scope=team").context["page"]]


def test_family_support_on_the_care_team_reads_but_may_not_change(client, coordinator,
                                                                  records_of):
    member = records_of[0]
    helper = make_staff("family_support")
    services.care_team_set(member=member, on=REFERRED_ON, team=[
        (coordinator, "care_coordinator"), (helper, "family_support")])
    sign_in(client, helper.user)
    before = snapshot()
    for name, url in member_urls(*records_of).items():
        if name == "detail":
            response = client.get(url)
            assert response.status_code == 200
            assert "Edit member" not in html(response)  # no change buttons for a reader
            assert response.context["can_change"] is False
            continue
        if name not in ("contact_remove", "release_revoke"):
            assert client.get(url).status_code == 403, name
        assert client.post(url, POST_ANYTHING).status_code == 403, name
    assert snapshot() == before
    assert client.get(reverse("members:intake")).status_code == 403


def test_senior_medical_professional_gets_404_for_members_and_403_for_the_list(client,
                                                                               records_of):
    doctor = make_staff("senior_medical_professional")
    sign_in(client, doctor.user)
    urls = member_urls(*records_of)
    assert client.get(urls["detail"]).status_code == 404
    assert client.post(urls["eligibility"], {}).status_code == 404
    assert client.get(reverse("members:list")).status_code == 403
    assert client.get(reverse("directory:list")).status_code == 403


def test_senior_care_manager_sees_every_member_and_the_all_tab(client, records_of):
    manager = make_staff("senior_care_manager", credentials=("RN",))
    sign_in(client, manager.user)
    assert client.get(member_urls(*records_of)["detail"]).status_code == 200
    response = client.get(reverse("members:list") + "?scope=all")
    assert [key for key, _label in response.context["scopes"]] == ["mine", "team", "all"]
    assert [r.member for r in response.context["rows"]] == [records_of[0]]


def test_a_detail_page_post_is_not_allowed(coordinator_client, records_of):
    response = coordinator_client.post(member_urls(*records_of)["detail"])
    assert response.status_code == 405


# --- Guardians, contacts, releases ------------------------------------------------------------

def test_guardian_add_and_edit(coordinator_client, records_of):
    member, guardian = records_of[:2]
    data = {"name": "Luis Quintero", "relationship": "father", "legal_authority": "parent",
            "phone": "978-555-0102", "email": "", "address": "", "preferred_language": "es",
            "receives_letters": "on"}
    response = coordinator_client.post(reverse("members:guardian_add", args=[member.pk]), data)
    assert response.status_code == 302
    assert member.guardians.get(name="Luis Quintero").preferred_language == "es"
    url = reverse("members:guardian_edit", args=[member.pk, guardian.pk])
    response = coordinator_client.post(url, {**data, "name": "Ana Q.", "receives_letters": ""})
    guardian.refresh_from_db()
    assert (guardian.name, guardian.receives_letters) == ("Ana Q.", False)
    response = coordinator_client.post(url, {**data, "preferred_language": "not a tag"})
    assert "preferred_language" in response.context["form"].errors
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert "Luis Quintero" in page and "Spanish / Español" in page


def test_a_guardian_of_another_member_is_404(coordinator_client, coordinator, records_of):
    other_member = enrolled_member(coordinator, referral_date=REFERRED_ON)
    foreign = Guardian.objects.create(member=other_member, name="X", relationship="aunt")
    url = reverse("members:guardian_edit", args=[records_of[0].pk, foreign.pk])
    assert coordinator_client.get(url).status_code == 404


def test_care_team_contact_link_duplicate_and_remove(coordinator_client, records_of):
    member, _guardian, contact = records_of[:3]
    provider = ProviderFactory(organization="Example Neurology", kind="specialist")
    url = reverse("members:contact_add", args=[member.pk])
    data = {"provider": provider.pk, "role": "specialist", "notes": "Epilepsy"}
    assert coordinator_client.post(url, data).status_code == 302
    response = coordinator_client.post(url, data)
    assert 'id="refusal"' in html(response)
    assert member.contacts.filter(provider=provider).count() == 1
    remove = reverse("members:contact_remove", args=[member.pk, contact.pk])
    assert coordinator_client.get(remove).status_code == 405
    assert coordinator_client.post(remove).status_code == 302
    assert not MemberContact.objects.filter(pk=contact.pk).exists()


def test_releases_show_their_status_and_can_be_revoked(coordinator_client, records_of):
    member, release = records_of[0], records_of[3]
    ReleaseOfInformation.objects.create(
        member=member, party="Old Clinic", purpose="x", scope="x", signed_on=REFERRED_ON,
        signed_by="Ana", expires_on=REFERRED_ON + timedelta(days=1))
    url = reverse("members:release_add", args=[member.pk])
    response = coordinator_client.post(url, {
        "provider": "", "party": "", "purpose": "Care coordination", "scope": "All",
        "signed_on": day(1), "signed_by": "Ana", "expires_on": day(400)})
    assert "Name who the information is shared with" in html(response)
    response = coordinator_client.post(url, {
        "provider": "", "party": "MassHealth", "purpose": "Care coordination", "scope": "All",
        "signed_on": day(1), "signed_by": "Ana", "expires_on": day(0)})
    assert "The release expires before it was signed." in html(response)
    assert member.releases.count() == 2
    response = coordinator_client.post(reverse("members:release_revoke",
                                               args=[member.pk, release.pk]),
                                       {"revoked_on": TODAY.isoformat()})
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.revoked_on == TODAY
    response = coordinator_client.get(reverse("members:detail", args=[member.pk]))
    labels = {r.party: str(label) for r, label, _css in response.context["releases"]}
    assert labels == {"Example School": "Revoked", "Old Clinic": "Expired"}
    # Revoking twice is refused with the reason, as a message.
    response = coordinator_client.post(reverse("members:release_revoke",
                                               args=[member.pk, release.pk]),
                                       {"revoked_on": TODAY.isoformat()}, follow=True)
    assert "This release was already revoked on" in html(response)


def test_member_edit_goes_through_the_service(coordinator_client, records_of):
    member = records_of[0]
    url = reverse("members:edit", args=[member.pk])
    form = coordinator_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(preferred_name="Rosi", date_of_birth=member.date_of_birth.isoformat(),
                interpreter_needed="", electronic_contact_available="on")
    assert coordinator_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.preferred_name == "Rosi" and member.electronic_contact_available
    response = coordinator_client.post(url, {**data, "postal_code": "1234"})
    assert "postal_code" in response.context["form"].errors


# --- Caseload ---------------------------------------------------------------------------------

def test_caseload_search_by_name_date_of_birth_and_masshealth_id(coordinator_client,
                                                                coordinator):
    rosa = enrolled_member(coordinator, legal_first_name="Rosa", legal_last_name="Quintero",
                           date_of_birth=REFERRED_ON - relativedelta(years=9),
                           masshealth_id="100200300400")
    enrolled_member(coordinator, legal_first_name="Tomas", legal_last_name="Nguyen",
                    masshealth_id="555666777888")

    def found(q):
        response = coordinator_client.get(reverse("members:list"), {"q": q})
        return [row.member for row in response.context["rows"]]

    assert found("quin") == [rosa]
    assert found("Rosa Quintero") == [rosa]
    assert found(rosa.date_of_birth.isoformat()) == [rosa]
    assert found(rosa.date_of_birth.strftime("%m/%d/%Y")) == [rosa]
    assert found("1002003") == [rosa]
    assert len(found("")) == 2
    assert found("nobody") == []


def test_caseload_rows_status_primary_contact_and_turning_21(coordinator_client, coordinator):
    young = enrolled_member(coordinator)
    almost = enrolled_member(coordinator, date_of_birth=TODAY - relativedelta(years=20,
                                                                               months=7))
    response = coordinator_client.get(reverse("members:list"))
    assert response.context["scope"] == "mine"
    rows = {row.member: row for row in response.context["rows"]}
    assert rows[young].status == "Enrolled" and rows[young].flag == ""
    assert rows[young].primary_contact == str(coordinator)
    assert rows[almost].flag == "approaching"
    assert "Turns 21 on" in html(response)
    assert [key for key, _label in response.context["scopes"]] == ["mine", "team"]


def test_caseload_mine_and_team_tabs(client, coordinator):
    helper = make_staff("family_support")
    member = enrolled_member(coordinator)
    services.care_team_set(member=member, on=REFERRED_ON, team=[
        (coordinator, "care_coordinator"), (helper, "family_support")])
    sign_in(client, helper.user)
    response = client.get(reverse("members:list"))
    assert response.context["scope"] == "team"  # family support staff are nobody's primary
    assert [r.member for r in response.context["rows"]] == [member]
    assert [r.member for r in client.get(reverse("members:list"),
                                         {"scope": "mine"}).context["rows"]] == []
    # "all" is not offered to them, and asking for it falls back to their default.
    assert client.get(reverse("members:list"), {"scope": "all"}).context["scope"] == "team"


def test_caseload_query_count_does_not_grow_with_members(coordinator_client, coordinator,
                                                         django_assert_max_num_queries):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert coordinator_client.get(reverse("members:list")).status_code == 200
        return len(captured)

    for _ in range(3):
        enrolled_member(coordinator)
    few = queries()
    for _ in range(27):
        enrolled_member(coordinator)
    assert queries() == few
    with django_assert_max_num_queries(13):
        response = coordinator_client.get(reverse("members:list"))
    assert len(response.context["rows"]) == 30


def test_caseload_paginates_by_50(coordinator_client, coordinator):
    for _ in range(51):
        enrolled_member(coordinator)
    response = coordinator_client.get(reverse("members:list"))
    assert len(response.context["rows"]) == 50
    response = coordinator_client.get(reverse("members:list"), {"page": 2})
    assert len(response.context["rows"]) == 1


def test_member_detail_query_count_is_bounded(coordinator_client, coordinator,
                                              django_assert_max_num_queries):
    member = enrolled_member(coordinator, referral_date=REFERRED_ON)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert coordinator_client.get(
                reverse("members:detail", args=[member.pk])).status_code == 200
        return len(captured)

    few = queries()
    for i in range(8):
        Guardian.objects.create(member=member, name=f"G{i}", relationship="aunt",
                                preferred_language="es")
        MemberContact.objects.create(member=member, provider=ProviderFactory(), role="pcp")
        ReleaseOfInformation.objects.create(
            member=member, party=f"P{i}", purpose="x", scope="x", signed_on=REFERRED_ON,
            signed_by="Ana", expires_on=TODAY)
        services.care_team_set(member=member, on=REFERRED_ON + timedelta(days=i), team=[
            (coordinator, "care_coordinator"), (make_staff("family_support"),
                                                "family_support")])
    assert queries() == few
    # 9 of them read the care coordination records (members.coordination.selectors).
    with django_assert_max_num_queries(28):
        coordinator_client.get(reverse("members:detail", args=[member.pk]))


# --- Directory, home, admin -------------------------------------------------------------------

def test_directory_list_search_create_and_edit(coordinator_client):
    ProviderFactory(organization="Lowell Pediatrics", person="Dr. Ames")
    ProviderFactory(organization="Example DME Supply", kind="dme")
    response = coordinator_client.get(reverse("directory:list"), {"q": "lowell"})
    assert [p.organization for p in response.context["page"]] == ["Lowell Pediatrics"]
    data = {"kind": "school", "organization": "Lowell High School", "person": "Nurse Lee",
            "phone": "", "fax": "", "email": "nurse@school.example", "address": "",
            "active": "on"}
    response = coordinator_client.post(reverse("directory:create"), data)
    assert response.status_code == 302
    school = Provider.objects.get(organization="Lowell High School")
    response = coordinator_client.post(reverse("directory:edit", args=[school.pk]),
                                       {**data, "email": "not-an-email"})
    assert "email" in response.context["form"].errors
    coordinator_client.post(reverse("directory:edit", args=[school.pk]), {**data, "active": ""})
    school.refresh_from_db()
    assert not school.active


def test_family_support_reads_the_directory_but_may_not_edit_it(client):
    helper = make_staff("family_support")
    provider = ProviderFactory()
    sign_in(client, helper.user)
    assert client.get(reverse("directory:list")).status_code == 200
    assert client.get(reverse("directory:create")).status_code == 403
    assert client.post(reverse("directory:edit", args=[provider.pk]), {}).status_code == 403


def test_home_sends_coordinators_to_the_worklist_and_directors_to_the_dashboard(
        client, coordinator, director):
    sign_in(client, coordinator.user)
    assert client.get("/").url == reverse("dashboards:worklist")
    page = html(client.get(reverse("members:list")))
    assert f'href="{reverse("members:list")}"' in page and "Directory" in page
    sign_in(client, director.user)
    assert client.get("/").url == reverse("dashboards:program")
    sign_in(client, make_staff("family_support").user)
    assert client.get("/").url == reverse("members:list")


def test_admin_lists_every_members_model(client, coordinator, records_of):
    admin = User.objects.create_superuser(email="root@staff.example", password="x" * 16)
    sign_in(client, admin)
    for model in ("member", "episode", "episodestatuschange", "eligibilityevaluation",
                  "engagement", "careteammember", "guardian", "provider", "membercontact",
                  "releaseofinformation", "removal"):
        assert client.get(reverse(f"admin:members_{model}_changelist"),
                          {"q": "a"}).status_code == 200, model
    member = records_of[0]
    assert client.get(reverse("admin:members_member_history", args=[member.pk])
                      ).status_code == 200


def test_the_care_team_is_changed_from_a_date_and_its_history_kept(coordinator_client,
                                                                   coordinator):
    """PS VI.B.1.a: a new designated primary contact and team, from a date; who left the team
    and when stays on record."""
    member = enrolled_member(coordinator, referral_date=REFERRED_ON)
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    successor = make_staff("care_coordinator")
    page = html(coordinator_client.get(reverse("members:detail", args=[member.pk])))
    assert reverse("members:care_team", args=[member.pk]) in page
    response = coordinator_client.post(reverse("members:care_team", args=[member.pk]), {
        "effective_date": day(20), "primary_contact": successor.pk, "team": [family.pk]})
    assert response.status_code == 302
    episode = services.current_episode(member)
    assert episode.primary_contact == successor
    current = {(m.staff, m.role) for m in member.care_team.filter(until__isnull=True)}
    assert current == {(successor, "care_coordinator"), (family, "family_support")}
    left = member.care_team.get(staff=coordinator)
    assert left.until == REFERRED_ON + timedelta(days=20)
    # The coordinator who left no longer sees the member.
    assert coordinator_client.get(reverse("members:detail", args=[member.pk])).status_code \
        == 404


def test_an_unqualified_primary_contact_is_refused_and_nothing_changes(coordinator_client,
                                                                        coordinator):
    member = enrolled_member(coordinator, referral_date=REFERRED_ON)
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    before = snapshot()
    response = coordinator_client.post(reverse("members:care_team", args=[member.pk]), {
        "effective_date": day(20), "primary_contact": family.pk})
    assert response.status_code == 200
    assert snapshot() == before
    assert services.current_episode(member).primary_contact == coordinator
    response = coordinator_client.post(reverse("members:care_team", args=[member.pk]), {
        "effective_date": day(-1), "primary_contact": coordinator.pk})
    assert "before the enrollment effective date" in html(response)
    assert snapshot() == before


def test_a_refusal_about_one_date_is_shown_next_to_that_field(coordinator_client, coordinator):
    """Issue 3: errors next to the field. A service refusal that concerns one input (here an
    evaluation dated before the referral) marks that field, and is in the summary too."""
    member = MemberFactory()
    services.referral_create(member=member, referral_date=REFERRED_ON, referral_source="pcp")
    services.care_team_set(member=member, on=REFERRED_ON,
                           team=[(coordinator, "care_coordinator")])
    before = snapshot()
    response = coordinator_client.post(reverse("members:eligibility", args=[member.pk]), {
        **ELIGIBILITY, "evaluator": coordinator.pk, "evaluated_on": day(-1)})
    assert response.status_code == 200
    form = response.context["form"]
    assert "before the referral date" in " ".join(form.errors["evaluated_on"])
    assert any("before the referral date" in r for r in response.context["refused"])
    assert 'id="refusal"' in html(response)
    assert snapshot() == before
