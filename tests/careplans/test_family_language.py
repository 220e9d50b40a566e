"""The PDF copy and the emergency plan default to the family's language, and the emergency plan
is printed in that language too; downloads carry a meaningful name without PHI (issue 16,
items 11 and 20)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from careplans import emergency
from careplans.selectors import family_copy_language
from cares.base.documents.models import Document
from cares.base.documents.services import document_read
from cares.base.toolkit import Refusal
from tests.factories import enrolled_member, finalized_care_plan, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def final(member, coordinator):
    return finalized_care_plan(member, coordinator, actor=coordinator.user)


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option value="([^"]+)"[^>]*selected', select).group(1)


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("primary", "written", "expected"), [
    ("vi", "vi", "vi"), ("es", "", "es"), ("ht", "en", "en"), ("pt-BR", "pt-BR", "pt-BR"),
    ("en", "", "en"), ("es", "zh-Hant", "zh-Hant"),
])
def test_the_family_language(coordinator, primary, written, expected):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=5),
                             primary_language=primary, preferred_written_language=written)
    assert family_copy_language(member) == expected


def test_the_copy_form_defaults_to_the_family_language(client, final, member, coordinator):
    sign_in(client, coordinator.user)
    for name in ("careplans:plan_copy", "careplans:plan_delivery"):
        response = client.get(reverse(name, args=[member.pk, final.pk]))
        assert response.status_code == 200
        assert response.context["form"]["language"].value() == "vi", name
    page = client.get(reverse("careplans:plan_copy", args=[member.pk, final.pk]))
    assert selected(page.content.decode(), "language") == "vi"  # what the person sees


def test_the_emergency_plan_is_offered_and_printed_in_the_family_language(
        client, final, member, coordinator):
    sign_in(client, coordinator.user)
    page = client.get(reverse("careplans:emergency", args=[member.pk])).content.decode()
    assert selected(page, "language") == "vi"
    assert 'value="en"' in page  # English stays on offer
    response = client.post(reverse("careplans:emergency_pdf", args=[member.pk]),
                           {"language": "vi"})
    assert response.status_code == 302
    document = member.documents.get(kind="emergency_plan")
    text = pdf_text(document_read(document=document))
    assert "KẾ HOẠCH CẤP CỨU" in text and "EMERGENCY PLAN" not in text
    download = client.get(response.url)
    assert download["Content-Disposition"] == (
        f'attachment; filename="emergency-plan-vi-{TODAY.isoformat()}.pdf"')
    assert "Nguy" not in download["Content-Disposition"]


def test_english_on_request_and_a_language_without_a_catalog_is_refused(final, member):
    english = emergency.emergency_pdf_make(member=member, language="en")
    assert "EMERGENCY PLAN" in pdf_text(document_read(document=english))
    assert english.download_name == f"emergency-plan-{TODAY.isoformat()}.pdf"
    count = Document.objects.count()
    for tag in ("km", "es"):  # no catalog; a catalog, but not the family's language
        with pytest.raises(Refusal, match="English or in the family's language"):
            emergency.emergency_pdf_make(member=member, language=tag)
    assert Document.objects.count() == count


def test_a_refused_language_is_shown_on_the_page(client, final, member, coordinator):
    sign_in(client, coordinator.user)
    response = client.post(reverse("careplans:emergency_pdf", args=[member.pk]),
                           {"language": "km"}, follow=True)
    assert "English or in the family" in response.content.decode()
    assert not member.documents.filter(kind="emergency_plan").exists()


def test_the_icp_copy_downloads_under_its_version_and_language(client, final, member,
                                                               coordinator):
    sign_in(client, coordinator.user)
    response = client.post(reverse("careplans:plan_copy", args=[member.pk, final.pk]),
                           {"language": "vi"})
    assert response.status_code == 302
    copy = final.copies.get(language="vi")
    download = client.get(reverse("document_download", args=[member.pk, copy.document_id]))
    assert download["Content-Disposition"] == (
        f'attachment; filename="icp-v{final.version}-vi-{TODAY.isoformat()}.pdf"')
