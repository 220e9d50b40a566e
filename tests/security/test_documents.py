"""Documents: served only through an access-checked view, a meaningful name without PHI,
no-store, SHA-256."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from cares.base.documents.services import document_store
from tests.factories import enrolled_member, make_staff, sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 pretend letter for Leo"


@pytest.fixture
def document(coordinator):
    member = enrolled_member(coordinator, legal_last_name="Sentinelname")
    return document_store(member=member, kind="enrollment_letter", title="Enrollment letter",
                          content=PDF, actor=coordinator.user)


def url(document):
    return reverse("document_download", args=[document.member_id, document.pk])


def test_care_team_downloads_with_a_generic_name_and_no_store(client, coordinator, document):
    sign_in(client, coordinator.user)
    response = client.get(url(document))
    assert response.status_code == 200
    assert response.content == PDF
    made_on = timezone.localdate(document.created_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="enrollment-letter-{made_on}.pdf"')
    assert "Sentinelname" not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action=Action.DOWNLOAD, member=document.member).exists()
    assert "Sentinelname" not in document.file.name


def test_other_coordinator_gets_404(client, document):
    other = make_staff("care_coordinator")
    sign_in(client, other.user)
    assert client.get(url(document)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.DOWNLOAD).exists()


def test_document_of_another_member_is_404(client, coordinator, document):
    mine = enrolled_member(coordinator)
    sign_in(client, coordinator.user)
    response = client.get(reverse("document_download", args=[mine.pk, document.pk]))
    assert response.status_code == 404


def test_tampered_file_is_refused_and_flagged(client, coordinator, document):
    with document.file.open("wb") as handle:
        handle.write(b"%PDF-1.7 altered")
    sign_in(client, coordinator.user)
    response = client.get(url(document))
    assert response.status_code == 409
    assert b"altered" not in response.content
    assert AuditEvent.objects.filter(action=Action.DOWNLOAD, priority="high").exists()


def test_private_files_have_no_public_url(document):
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018


def test_family_support_cannot_open_clinical_documents(client, coordinator):
    from members.services import care_team_set

    member = enrolled_member(coordinator)
    helper = make_staff("family_support", caregiver_of_special_needs_youth=True)
    care_team_set(member=member, on=member.episodes.get().effective_date,
                  team=[(coordinator, "care_coordinator"), (helper, "family_support")])
    plan = document_store(member=member, kind="care_plan", title="ICP", content=PDF)
    letter = document_store(member=member, kind="enrollment_letter", title="Letter",
                            content=PDF)
    sign_in(client, helper.user)
    assert client.get(url(plan)).status_code == 404
    assert client.get(url(letter)).status_code == 200
