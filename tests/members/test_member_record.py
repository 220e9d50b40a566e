"""The member's own record (``members.services.member_save``): the intake rules hold on every
edit (issue 13, item 12), and a MassHealth ID saved twice at once is the form's duplicate
error, never a 500 whose log would quote the ID (item 6)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.toolkit import Refusal
from members import services
from members.models import Episode, Member
from tests.concurrency.race import postgres_only, race
from tests.factories import MemberFactory, enrolled_member, make_staff, sign_in

TODAY = timezone.localdate()
REFERRED_ON = TODAY - timedelta(days=40)
BORN = REFERRED_ON - relativedelta(years=9)
DUPLICATE_ID = "555444333222"
DUPLICATE = "Another member already has this MassHealth ID."


def intake_post(coordinator, **overrides) -> dict:
    data = {
        "legal_first_name": "Rosa", "legal_last_name": "Quintero", "preferred_name": "",
        "date_of_birth": BORN.isoformat(), "masshealth_id": DUPLICATE_ID, "sex_gender": "",
        "address_line1": "12 Elm St", "address_line2": "", "city": "Lowell", "state": "MA",
        "postal_code": "01852", "phone": "", "email": "", "primary_language": "en",
        "preferred_written_language": "en", "referral_date": REFERRED_ON.isoformat(),
        "referral_source": "pcp", "referring_entity": "", "referring_contact": "",
        "assigned_to": str(coordinator.pk),
    }
    data.update(overrides)
    return data


def edit_data(client, member) -> tuple[str, dict]:
    url = reverse("members:edit", args=[member.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items()
            if k in form.fields and v is not None and v is not False}
    data["date_of_birth"] = member.date_of_birth.isoformat()
    return url, data


def stored(member) -> dict:
    return Member.objects.values().get(pk=member.pk)


# --- Item 12: the intake rules on edit ---------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("born", "message"), [
    # An enrolled member made 30 on their referral date.
    (REFERRED_ON - relativedelta(years=30), "The member must be under 21 on the referral date"),
    (REFERRED_ON - relativedelta(years=21), "The member must be under 21 on the referral date"),
    # Born after they were referred.
    (REFERRED_ON + timedelta(days=1), "The date of birth cannot be after the referral date"),
    (TODAY + timedelta(days=1), "The date of birth cannot be in the future."),
], ids=["aged-30", "aged-21", "after-referral", "future"])
def test_an_edit_of_the_date_of_birth_keeps_the_intake_rules(client, coordinator, born,
                                                              message):
    member = enrolled_member(coordinator, date_of_birth=BORN, referral_date=REFERRED_ON)
    sign_in(client, coordinator.user)
    url, data = edit_data(client, member)
    before = stored(member)
    updates = AuditEvent.objects.filter(action=Action.UPDATE, member_id=member.pk).count()

    response = client.post(url, {**data, "date_of_birth": born.isoformat(),
                                 "phone": "978-555-0199"})

    assert response.status_code == 200
    errors = response.context["form"].errors["date_of_birth"]
    assert any(message in error for error in errors), errors
    assert "Nothing was saved" in response.content.decode()
    assert stored(member) == before  # the phone number was not saved either
    assert AuditEvent.objects.filter(action=Action.UPDATE,
                                     member_id=member.pk).count() == updates


@pytest.mark.django_db
def test_an_edit_within_the_rules_is_saved(client, coordinator):
    member = enrolled_member(coordinator, date_of_birth=BORN, referral_date=REFERRED_ON)
    sign_in(client, coordinator.user)
    url, data = edit_data(client, member)
    # The last day on which they are still 20 on the referral date, and the referral date.
    for born in (REFERRED_ON - relativedelta(years=21) + timedelta(days=1), REFERRED_ON):
        assert client.post(url, {**data, "date_of_birth": born.isoformat()}).status_code == 302
        member.refresh_from_db()
        assert member.date_of_birth == born
    event = AuditEvent.objects.filter(action=Action.UPDATE, member_id=member.pk).latest("pk")
    assert event.actor == coordinator.user
    assert event.detail["fields"] == ["date_of_birth"]


@pytest.mark.django_db
def test_the_service_refuses_for_every_caller(coordinator):
    """The rule is the service's, so any path that saves the record (a view, a command) keeps
    it; a closed earlier episode counts for "not after any referral date"."""
    member = MemberFactory(date_of_birth=BORN)
    first = services.referral_create(member=member, referral_date=REFERRED_ON - timedelta(days=20),
                                     referral_source="pcp")
    Episode.objects.filter(pk=first.pk).update(status="ineligible")
    services.referral_create(member=member, referral_date=REFERRED_ON, referral_source="pcp")
    member.date_of_birth = REFERRED_ON - timedelta(days=10)  # after the first referral
    with pytest.raises(Refusal) as refused:
        services.member_save(member=member)
    assert list(refused.value.error_dict) == ["date_of_birth"]
    assert Member.objects.get(pk=member.pk).date_of_birth == BORN


# --- Item 6: a duplicate MassHealth ID at the same moment ------------------------------------

@pytest.fixture
def unseen_rival(monkeypatch):
    """Another member with the same MassHealth ID whose transaction commits between our
    checks and our INSERT: every uniqueness check before the INSERT misses it (as it would
    on PostgreSQL), the INSERT itself does not."""
    rival = MemberFactory(masshealth_id=DUPLICATE_ID)
    attempted = threading.Event()
    real_validate, real_save = Member.validate_unique, Member.save

    def validate_unique(self, exclude=None):
        if attempted.is_set():
            return real_validate(self, exclude)
        return None

    def save(self, *args, **kwargs):
        attempted.set()
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Member, "validate_unique", validate_unique)
    monkeypatch.setattr(Member, "save", save)
    return rival


@pytest.mark.django_db
def test_the_database_refusal_is_the_forms_duplicate_error(unseen_rival):
    member = MemberFactory.build(masshealth_id=DUPLICATE_ID)
    with pytest.raises(ValidationError) as refused:
        services.member_save(member=member)
    assert refused.value.message_dict == {"masshealth_id": [DUPLICATE]}
    assert refused.value.__suppress_context__  # the database's message (with the ID) is gone
    assert member.pk is None and Member.objects.count() == 1


@pytest.mark.django_db
def test_intake_racing_a_duplicate_shows_the_field_error_and_logs_no_id(
        client, coordinator, unseen_rival, caplog):
    sign_in(client, coordinator.user)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("members:intake"), intake_post(coordinator))
    assert response.status_code == 200
    assert response.context["form"].errors["masshealth_id"] == [DUPLICATE]
    assert Member.objects.count() == 1 and not Episode.objects.exists()
    for record in caplog.records:
        assert DUPLICATE_ID not in record.getMessage() + repr(record.args)
        assert record.levelno < logging.ERROR, record.getMessage()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_intakes_of_one_masshealth_id_at_once_one_wins_one_field_error(monkeypatch,
                                                                            caplog):
    """Two people submit the same new member at the same moment (PostgreSQL). Both pass
    every check before saving; both INSERT; the loser gets the field error, never a 500."""
    coordinator = make_staff("care_coordinator")
    clients = [sign_in(Client(), coordinator.user) for _ in range(2)]
    # Both requests reach the INSERT only once both have validated.
    at_insert = threading.Barrier(2, timeout=30)
    real_save = Member.save

    def save(self, *args, **kwargs):
        if self.pk is None and self.masshealth_id == DUPLICATE_ID:
            at_insert.wait()
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Member, "save", save)
    data = intake_post(coordinator)
    with caplog.at_level(logging.DEBUG):
        responses = race([lambda c=c: c.post(reverse("members:intake"), data) for c in clients])
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert sorted(r.status_code for r in responses) == [200, 302]
    [loser] = [r for r in responses if r.status_code == 200]
    assert loser.context["form"].errors["masshealth_id"] == [DUPLICATE]
    assert Member.objects.filter(masshealth_id=DUPLICATE_ID).count() == 1
    assert Episode.objects.count() == 1
    for record in caplog.records:
        assert DUPLICATE_ID not in record.getMessage() + repr(record.args)
        assert record.levelno < logging.ERROR, record.getMessage()


def test_the_admin_holds_the_same_rules(client, coordinator):
    """Editing the date of birth in the admin is refused the same way (issue 13.12)."""
    from django.contrib.admin.sites import site

    from cares.base.staff.models import User

    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=30))
    root = User.objects.create_superuser(email="root@staff.example", password="x" * 16)
    sign_in(client, root)
    admin = site._registry[Member]
    request = type("R", (), {"user": root})()
    form_class = admin.get_form(request, member)
    data = {f: getattr(member, f) for f in form_class.base_fields
            if hasattr(member, f) and not isinstance(getattr(member, f), (list, dict))}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["date_of_birth"] = (TODAY - relativedelta(years=30)).isoformat()
    form = form_class(data, instance=Member.objects.get(pk=member.pk))
    assert not form.is_valid()
    assert "under 21 on the referral date" in " ".join(form.errors["date_of_birth"])
    assert Member.objects.get(pk=member.pk).date_of_birth == member.date_of_birth


# --- Issue 16, item 17: a duplicate MassHealth ID leads to the member on file ------------------

@pytest.mark.django_db
def test_a_duplicate_id_links_to_the_member_on_file_and_offers_a_new_referral(client):
    coordinator = make_staff("care_coordinator")
    on_file = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=400),
                              masshealth_id=DUPLICATE_ID, legal_first_name="Rosa",
                              legal_last_name="Quintero")
    sign_in(client, coordinator.user)
    response = client.post(reverse("members:intake"), intake_post(coordinator))
    page = response.content.decode()
    assert response.status_code == 200 and Member.objects.count() == 1
    assert 'id="already-on-file"' in page
    assert reverse("members:detail", args=[on_file.pk]) in page
    assert reverse("members:refer", args=[on_file.pk]) in page


@pytest.mark.django_db
def test_a_duplicate_id_of_a_member_the_user_may_not_see_names_nobody(client):
    coordinator = make_staff("care_coordinator")
    # A name no staff member can have (a random last name once matched a coordinator's first
    # name in the page's staff list).
    stranger = enrolled_member(make_staff("care_coordinator"), masshealth_id=DUPLICATE_ID,
                               legal_first_name="Quillon", legal_last_name="Verbrugghe-Okafor")
    sign_in(client, coordinator.user)
    response = client.post(reverse("members:intake"), intake_post(coordinator))
    page = response.content.decode()
    assert response.context["form"].errors["masshealth_id"] == [DUPLICATE]
    assert 'id="already-on-file"' not in page
    assert stranger.legal_last_name not in page and stranger.legal_first_name not in page
    assert reverse("members:refer", args=[stranger.pk]) not in page
