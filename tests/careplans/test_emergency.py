"""The emergency plan for EMTs and emergency departments (PS VI.A.1.c.5.e): a one-page PDF, and
a responder link that works, is recorded each time it is used, and refuses with nothing but
a plain message once revoked or expired."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from careplans import emergency, services
from careplans.models import EmergencyAccessLink, EmergencyAccessUse, LinkUseOutcome
from cares.base.audit.models import AuditEvent
from cares.base.documents.services import document_read
from cares.base.toolkit import Refusal
from tests.factories import finalized_care_plan, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
UA = "Mozilla/5.0 (Linux; Android 14) AmbulanceTablet/1.0"
SHOWN = ("Minh Anh Nguyễn", "Levetiracetam", "250 mg", "Penicillin",
         "Local anesthesia for IV access", "617-555-0199", "Epilepsy")


def base_url(token: str) -> str:
    return f"https://cares.example{reverse('careplans:responder', args=[token])}"


@pytest.fixture
def final(member, coordinator):
    return finalized_care_plan(member, coordinator, actor=coordinator.user)


@pytest.fixture
def link(final, member, coordinator):
    return emergency.emergency_link_create(member=member, expires_on=TODAY + timedelta(days=30),
                                           url_for=base_url, actor=coordinator.user)


def open_link(token: str, client: Client | None = None):
    client = client or Client()
    return client.get(reverse("careplans:responder", args=[token]), HTTP_USER_AGENT=UA,
                      REMOTE_ADDR="198.51.100.7")


def test_the_emergency_pdf_is_one_page(final, member):
    document = emergency.emergency_pdf_make(member=member)
    reader = PdfReader(io.BytesIO(document_read(document=document)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for value in SHOWN:
        assert value in text, value
    assert "EMERGENCY PLAN" in text and "Dr. Example" in text


def test_the_card_carries_the_link_as_a_qr_code(link, member):
    stored, token = link
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    assert not EmergencyAccessLink.objects.filter(token_sha256=token).exists()  # hashed
    assert stored.token_sha256 == emergency.token_digest(token)
    reader = PdfReader(io.BytesIO(document_read(document=stored.card)))
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    assert token in text  # printed under the QR code
    assert "Scanforthecurrentemergencyplan" in text
    svg = emergency.qr_svg(base_url(token))
    assert svg.startswith("<svg") and "<path" in svg


def test_the_link_opens_the_emergency_plan_and_every_use_is_recorded(link, member, client):
    _stored, token = link
    response = open_link(token)
    assert response.status_code == 200
    page = response.content.decode()
    for value in SHOWN:
        assert value in page, value
    assert "Seizure disorder; G-tube." not in page  # the ICP's health summary is not shown
    assert response["Cache-Control"].count("no-store") == 1
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    use = EmergencyAccessUse.objects.get()
    assert (use.client_address, use.user_agent, use.outcome) == ("198.51.100.7", UA, "shown")
    event = AuditEvent.objects.filter(member=member, object_type="careplans.EmergencyAccessLink"
                                      ).latest("pk")
    assert event.action == "read" and event.actor is None
    assert event.client_address == "198.51.100.7"
    assert token not in event.path and token not in str(event.detail)


def test_the_care_team_sees_each_use(link, member, coordinator, client):
    open_link(link[1])
    sign_in(client, coordinator.user)
    page = client.get(reverse("careplans:emergency", args=[member.pk])).content.decode()
    assert "198.51.100.7" in page and "AmbulanceTablet/1.0" in page


def assert_plain_refusal(response):
    assert response.status_code == 404
    text = response.content.decode()
    assert "This link is not valid. It may have expired or been revoked." in text
    for value in SHOWN:
        assert value not in text, value


def test_a_revoked_link_refuses(link, coordinator):
    stored, token = link
    assert open_link(token).status_code == 200
    emergency.emergency_link_revoke(link=stored, actor=coordinator.user)
    assert_plain_refusal(open_link(token))
    assert list(EmergencyAccessUse.objects.values_list("outcome", flat=True)) == [
        LinkUseOutcome.REVOKED, LinkUseOutcome.SHOWN]
    with pytest.raises(Refusal, match="already revoked"):
        emergency.emergency_link_revoke(link=stored)


def test_an_expired_link_refuses(link):
    stored, token = link
    assert open_link(token).status_code == 200
    EmergencyAccessLink.objects.filter(pk=stored.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert_plain_refusal(open_link(token))
    assert EmergencyAccessUse.objects.first().outcome == LinkUseOutcome.EXPIRED


def test_an_unknown_token_refuses_and_records_nothing(link):
    _stored, token = link
    assert_plain_refusal(open_link(token[:-1] + ("A" if token[-1] != "A" else "B")))
    assert_plain_refusal(open_link("x" * 200))
    assert not EmergencyAccessUse.objects.exists()


def test_a_signed_in_user_gets_the_same_public_page(link, coordinator, client):
    sign_in(client, coordinator.user)
    assert open_link(link[1], client).status_code == 200


def test_the_link_shows_the_version_in_force(link, final, member, coordinator):
    draft = services.care_plan_start(member=member)
    services.care_plan_update(plan=draft, values={"meeting_on": TODAY,
                                                  "accommodations": "Numbing cream first."})
    services.care_plan_finalize(plan=draft, finalized_on=TODAY)
    page = open_link(link[1]).content.decode()
    assert "Numbing cream first." in page and "Local anesthesia" not in page


def test_link_creation_is_checked(member, coordinator):
    with pytest.raises(Refusal, match="finalize one first"):
        emergency.emergency_link_create(member=member, expires_on=TODAY + timedelta(days=5),
                                        url_for=base_url)
    finalized_care_plan(member, coordinator)
    with pytest.raises(Refusal, match="expire after today"):
        emergency.emergency_link_create(member=member, expires_on=TODAY, url_for=base_url)
    with pytest.raises(Refusal, match="at most 730 days"):
        emergency.emergency_link_create(member=member, expires_on=TODAY + timedelta(days=731),
                                        url_for=base_url)
    assert not EmergencyAccessLink.objects.exists()


def test_a_break_glass_reader_gets_no_responder_card(link, member, client):
    """Break-glass is read-only and short-lived: it must not yield the card, whose QR code is
    a bearer link that outlives the grant (README, Security). The team still gets it."""
    from cares.base.audit.break_glass import break_glass_open
    from cares.base.audit.models import Action
    from tests.factories import make_staff

    stored, token = link
    outsider = make_staff("care_coordinator")
    break_glass_open(user=outsider.user, member=member,
                     reason="Child in the ED after hours, care team unreachable by phone.")
    sign_in(client, outsider.user)
    page = client.get(reverse("careplans:emergency", args=[member.pk]))
    assert page.status_code == 200  # the emergency plan itself is readable
    card_url = reverse("document_download", args=[member.pk, stored.card_id])
    assert card_url not in page.content.decode()
    response = client.get(card_url)
    assert response.status_code == 403
    assert token.encode() not in response.content
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=outsider.user,
                                     member=member).exists()
    # The plain emergency PDF (no link in it) is still a read the grant allows.
    plain = emergency.emergency_pdf_make(member=member)
    assert client.get(reverse("document_download",
                              args=[member.pk, plain.pk])).status_code == 200


def test_the_care_team_downloads_the_card(link, member, coordinator, client):
    stored, token = link
    sign_in(client, coordinator.user)
    card_url = reverse("document_download", args=[member.pk, stored.card_id])
    assert card_url in client.get(reverse("careplans:emergency", args=[member.pk])
                                  ).content.decode()
    response = client.get(card_url)
    assert response.status_code == 200
    assert token in "".join(PdfReader(io.BytesIO(response.content)).pages[0]
                            .extract_text().split())
