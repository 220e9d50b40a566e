"""The ICP leaves the program: PDF copies in English and the family's language (headings and
labels translated by Django's translation machinery, typed text as typed), attached
translations, deliveries to the family and sharing with the PCP (PS VI.A.1.c.4-5, VIII)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from careplans import copies
from careplans.models import CarePlanCopy, CarePlanDelivery, CopySource
from cares.base.documents.services import document_read
from cares.base.toolkit import Refusal
from cares.deadlines.models import Deadline
from tests.factories import enrolled_member, finalized_care_plan, ready_care_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def pdf_text(data: bytes) -> str:
    """The PDF's text with runs of whitespace (line breaks of the layout) made one space."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.mark.parametrize(("tag", "code"), [
    ("en", "en"), ("en-US", "en"), ("es", "es"), ("es-419", "es"), ("pt", "pt"),
    ("pt-BR", "pt"), ("vi", "vi"), ("zh-Hans", "zh-hans"), ("zh", "zh-hans"),
    ("zh-CN", "zh-hans"), ("zh-Hant", "zh-hant"), ("zh-TW", "zh-hant"), ("zh-Hant-HK", "zh-hant"),
    ("km", None), ("ht", None), ("ase", None),
])
def test_catalog_language(tag, code):
    assert copies.catalog_language(tag) == code


@pytest.mark.parametrize(("code", "heading"), [
    ("es", "Plan de Cuidado Individual"), ("pt", "Plano de Cuidados Individual"),
    ("vi", "Kế hoạch Chăm sóc Cá nhân"), ("zh-hans", "个人护理计划"),
    ("zh-hant", "個人護理計劃"),
])
def test_the_catalogs_are_compiled(code, heading):
    with translation.override(code):
        assert translation.gettext("Individual Care Plan") == heading


@pytest.fixture
def final(member, coordinator):
    return finalized_care_plan(member, coordinator, actor=coordinator.user,
                               medical_history="Typed in English by the team.")


def test_the_vietnamese_pdf(final):
    html, pdf = copies.render_icp(final, "vi")
    text = pdf_text(pdf)
    for heading in ("Kế hoạch Chăm sóc Cá nhân", "Cuộc họp lập kế hoạch chăm sóc",
                    "Tóm tắt sức khỏe", "Mục tiêu", "Kế hoạch cấp cứu", "Dị ứng",
                    "Người quản lý chăm sóc", "Ngắn hạn"):
        assert heading in text, heading
    assert "Minh Anh Nguyễn" in text  # the member's name, as typed
    # Typed text stays as typed. pypdf reads the kerned "Ty" of the layout as "T y", so the
    # words are compared without spaces.
    assert "TypedinEnglishbytheteam." in text.replace(" ", "")
    assert "Individual Care Plan" not in text
    assert 'lang="vi"' in html


@pytest.mark.parametrize(("tag", "headings"), [
    ("zh-Hant", ("個人護理計劃", "健康摘要", "緊急計劃", "過敏", "目標", "護理經理", "臨床")),
    ("zh-Hans", ("个人护理计划", "健康摘要", "紧急计划", "过敏", "目标", "护理经理", "临床")),
])
def test_the_chinese_pdfs(coordinator, tag, headings):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=10),
                             legal_first_name="小明", legal_last_name="陳",
                             primary_language=tag)
    plan = finalized_care_plan(member, coordinator)
    _html, pdf = copies.render_icp(plan, tag)
    text = pdf_text(pdf)
    for heading in headings:
        assert heading in text, heading
    assert "小明 陳" in text
    assert "Seizure disorder; G-tube." in text


def test_the_english_pdf(final):
    _html, pdf = copies.render_icp(final, "en")
    text = pdf_text(pdf)
    assert "Individual Care Plan" in text and "Minh Anh Nguyễn" in text
    assert "a) Care managers and care team" in text and "e) Emergency plan" in text


def test_copies_and_deliveries_satisfy_icp_copies(final, member, coordinator):
    user = coordinator.user
    for language in ("en", "vi"):
        for medium in ("paper", "electronic"):
            copies.care_plan_delivery_record(plan=final, language=language, medium=medium,
                                             delivered_on=TODAY, delivered_to="Lan Nguyễn",
                                             actor=user)
    # One copy per language, made once and reused by both deliveries.
    made = CarePlanCopy.objects.filter(care_plan=final)
    assert sorted(made.values_list("language", flat=True)) == ["en", "vi"]
    assert all(d.copy is not None for d in CarePlanDelivery.objects.filter(care_plan=final))
    vi = made.get(language="vi")
    assert "Kế hoạch Chăm sóc Cá nhân" in pdf_text(document_read(document=vi.document))
    status = Deadline.objects.filter(member=member, rule="icp_copies").values_list(
        "status", flat=True).get()
    assert status == "met"


def test_a_language_without_a_catalog_needs_an_attached_translation(coordinator):
    member = enrolled_member(coordinator, referral_date=TODAY - timedelta(days=10),
                             primary_language="km")
    plan = finalized_care_plan(member, coordinator)
    with pytest.raises(Refusal, match="not translated into Khmer"):
        copies.care_plan_delivery_record(plan=plan, language="km", medium="paper",
                                         delivered_on=TODAY)
    assert not CarePlanDelivery.objects.filter(care_plan=plan).exists()
    translation_copy = copies.care_plan_translation_attach(
        plan=plan, language="km", content=b"%PDF-1.7 translated by a translator")
    delivery = copies.care_plan_delivery_record(plan=plan, language="km", medium="paper",
                                                delivered_on=TODAY)
    assert delivery.copy == translation_copy
    assert translation_copy.source == CopySource.TRANSLATION


def test_an_attached_translation_counts_as_that_languages_copy(final):
    made = copies.care_plan_copy_make(plan=final, language="vi")
    attached = copies.care_plan_translation_attach(plan=final, language="vi",
                                                   content=b"%PDF-1.7 full translation")
    assert made.source == CopySource.GENERATED
    assert copies.current_copy(final, "vi") == attached
    assert copies.care_plan_copy_make(plan=final, language="vi") == attached


@pytest.mark.parametrize(("language", "content", "message"), [
    ("vi", None, "Attach the translated document"),
    ("vi", b"<html>not a pdf</html>", "must be a PDF"),
    ("en", b"%PDF-1.7", "The English copy is the plan itself"),
    ("not a tag!", b"%PDF-1.7", "is not a language tag"),
])
def test_translation_attachments_are_checked(final, language, content, message):
    with pytest.raises(Refusal, match=message):
        copies.care_plan_translation_attach(plan=final, language=language, content=content)
    assert not CarePlanCopy.objects.filter(care_plan=final).exists()


def test_a_draft_is_neither_copied_nor_delivered_nor_shared(member, coordinator):
    draft = ready_care_plan(member)
    with pytest.raises(Refusal, match="only once the ICP is finalized"):
        copies.care_plan_copy_make(plan=draft, language="en")
    with pytest.raises(Refusal, match="only once the ICP is finalized"):
        copies.care_plan_delivery_record(plan=draft, language="en", medium="paper",
                                         delivered_on=TODAY)
    with pytest.raises(Refusal, match="only once the ICP is finalized"):
        copies.care_plan_share_record(plan=draft, recipient_kind="pcp", recipient="Dr. X",
                                      shared_on=TODAY)


def test_delivery_dates_are_checked(final):
    with pytest.raises(Refusal, match="before the ICP was finalized"):
        copies.care_plan_delivery_record(plan=final, language="en", medium="paper",
                                         delivered_on=TODAY - timedelta(days=1))
    with pytest.raises(Refusal, match="cannot be in the future"):
        copies.care_plan_delivery_record(plan=final, language="en", medium="paper",
                                         delivered_on=TODAY + timedelta(days=1))


def test_sharing_with_the_pcp_and_with_others(final, member):
    share = copies.care_plan_share_record(plan=final, recipient_kind="pcp",
                                          recipient="Dr. Example", shared_on=TODAY,
                                          method="fax")
    assert share.release is None
    with pytest.raises(Refusal, match="needs a signed release of information"):
        copies.care_plan_share_record(plan=final, recipient_kind="school",
                                      recipient="Example School", shared_on=TODAY)
    expired = member.releases.create(party="Example School", purpose="IEP", scope="ICP",
                                     signed_on=TODAY - timedelta(days=400),
                                     signed_by="Lan Nguyễn",
                                     expires_on=TODAY - timedelta(days=35))
    with pytest.raises(Refusal, match="not in force"):
        copies.care_plan_share_record(plan=final, recipient_kind="school",
                                      recipient="Example School", shared_on=TODAY,
                                      release=expired)
    current = member.releases.create(party="Example School", purpose="IEP", scope="ICP",
                                     signed_on=TODAY - timedelta(days=5),
                                     signed_by="Lan Nguyễn",
                                     expires_on=TODAY + timedelta(days=300))
    shared = copies.care_plan_share_record(plan=final, recipient_kind="school",
                                           recipient="Example School", shared_on=TODAY,
                                           release=current)
    assert shared.release == current
