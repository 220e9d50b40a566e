"""Letters rendered to PDF: the required content is in the PDF's text (pypdf) in English,
Spanish, Vietnamese and Chinese; an unapproved translation falls back to English and the gap
is recorded for staff; names are escaped; fonts are embedded."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from notices import rendering, services
from notices.models import Letter, LetterTemplate
from tests.factories import (
    approve_letter_templates,
    letter_ready_member,
    make_staff,
    terminate_member,
)

pytestmark = pytest.mark.django_db

EFFECTIVE = date(2026, 3, 2)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


def rendered_letter(kind: str, language: str, *, approve: bool = True, **member_fields):
    coordinator = make_staff("care_coordinator", phone="617-555-0142")
    member = letter_ready_member(coordinator, language=language, referral_date=EFFECTIVE,
                                 **member_fields)
    if approve and language != "en":
        approve_letter_templates(language)
    if kind == "termination":
        terminate_member(member, reason="moved_out_of_state", on=date(2026, 9, 30))
    episode = member.episodes.get()
    letter = services.letter_draft(episode=episode, kind=kind)
    services.letters_render([letter.pk])
    letter.refresh_from_db()
    with letter.document.file.open("rb") as handle:
        return letter, handle.read()


# What each language must say: the effective date as that language writes it, the overview,
# the care manager, the reminder that MassHealth is not affected (PS VIII).
ENROLLMENT = {
    "en": ["March 2, 2026", "Coordinating Aligned, Relationship-centered",
           "Your designated care manager is", "does not affect",
           "enrollment in MassHealth or in a health plan"],
    "es": ["2 de marzo de 2026", "Lo que CARES ofrece a su familia",
           "Su administrador de cuidados designado es", "no afecta los beneficios",
           "inscripción en MassHealth o en un plan de salud"],
    "vi": ["Ngày 02 tháng 3 năm 2026", "CARES hỗ trợ gia đình quý vị những gì",
           "Người quản lý chăm sóc được chỉ định cho quý vị là",
           "không ảnh hưởng đến quyền lợi", "chương trình bảo hiểm sức khỏe"],
    "zh-Hans": ["2026年3月2日", "CARES 为您的家庭提供的服务", "为您指定的护理经理是",
                "参加 CARES 计划不会影响", "健康保险计划"],
    "zh-Hant": ["2026年3月2日", "CARES 為您的家庭提供的服務", "為您指定的護理經理是",
                "參加 CARES 計劃不會影響", "健康保險計劃"],
}


@pytest.mark.parametrize("language", ["en", "es", "vi", "zh-Hans", "zh-Hant"])
def test_enrollment_letter_pdf_has_the_required_content(language):
    letter, data = rendered_letter("enrollment", language)
    text = squeeze(pdf_text(data))
    manager = letter.episode.primary_contact
    for phrase in ENROLLMENT[language] + ENROLLMENT["en"]:  # the family's language and English
        assert squeeze(phrase) in text, phrase
    for value in ("Test CARES Program", str(manager), "617-555-0142"):
        assert squeeze(value) in text, value
    expected = [language, "en"] if language != "en" else ["en"]
    assert [t.language for t in (letter.translated_template, letter.english_template) if t] \
        == expected
    assert letter.translation_gap == ""
    assert len(PdfReader(io.BytesIO(data)).pages) == len(expected)  # one page per language


TERMINATION = {
    "en": ["September 30, 2026", "The member has moved out of Massachusetts.",
           "does not affect"],
    "es": ["30 de septiembre de 2026", "El/la miembro se mudó fuera de Massachusetts.",
           "no afecta los beneficios"],
    "vi": ["Ngày 30 tháng 9 năm 2026", "Thành viên đã chuyển ra khỏi Massachusetts.",
           "không ảnh hưởng đến quyền lợi"],
    "zh-Hans": ["2026年9月30日", "该会员已迁出马萨诸塞州。", "CARES 计划的终止不会影响"],
}


@pytest.mark.parametrize("language", ["en", "es", "vi", "zh-Hans"])
def test_termination_letter_pdf_has_the_required_content(language):
    _letter, data = rendered_letter("termination", language)
    text = squeeze(pdf_text(data))
    for phrase in TERMINATION[language] + TERMINATION["en"]:
        assert squeeze(phrase) in text, phrase
    assert squeeze("Test CARES Program") in text and "617-555-0100" in text  # contact (PS IX.C)


def test_an_unapproved_translation_falls_back_to_english_and_staff_see_the_gap():
    letter, data = rendered_letter("enrollment", "es", approve=False)
    assert letter.translated_template is None
    assert letter.english_template.language == "en"
    assert "Spanish" in letter.translation_gap and "English only" in letter.translation_gap
    text = squeeze(pdf_text(data))
    assert squeeze("Your designated care manager is") in text
    assert squeeze("Su administrador de cuidados") not in text


def test_a_language_without_any_template_falls_back_to_english():
    letter, _data = rendered_letter("enrollment", "km")
    assert letter.translated_template is None
    assert "no Khmer" in letter.translation_gap


def test_the_newest_approved_version_is_used():
    letter, _data = rendered_letter("enrollment", "en")
    english = letter.english_template
    newer = LetterTemplate.objects.create(
        kind="enrollment", language="en", version=2, body=english.body.replace(
            "Welcome to the MassHealth CARES program.", "Welcome, version two."))
    assert rendering.choose_templates("enrollment", "en").english == english  # not approved
    services.template_approve(template=newer)
    assert rendering.choose_templates("enrollment", "en").english == newer


def test_names_with_markup_are_text_in_the_html_and_the_pdf():
    letter, data = rendered_letter("enrollment", "en", legal_first_name="<b>Zoé</b>")
    html = rendering.letter_html(letter, letter_date=date(2026, 3, 3)).html
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in html and "<b>Zoé" not in html
    assert "<b>Zoé</b>" in pdf_text(data)


def embedded_fonts(page) -> set[str]:
    fonts = set()
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        for child in font.get("/DescendantFonts", [font]):
            descriptor = child.get_object().get("/FontDescriptor")
            if descriptor is not None and {"/FontFile2", "/FontFile3"} & set(
                    descriptor.get_object()):
                fonts.add(str(child.get_object()["/BaseFont"]))
    return fonts


def test_each_section_embeds_the_fonts_of_its_script():
    _letter, data = rendered_letter("enrollment", "zh-Hant")
    chinese, english = PdfReader(io.BytesIO(data)).pages
    assert any("CJK-TC" in f for f in embedded_fonts(chinese)), embedded_fonts(chinese)
    assert not any("CJK-SC" in f for f in embedded_fonts(chinese))  # traditional glyphs
    assert any("DejaVu" in f for f in embedded_fonts(english)), embedded_fonts(english)


def test_dates_in_each_language():
    day = date(2026, 7, 4)
    assert rendering.format_date(day, "en") == "July 4, 2026"
    assert rendering.format_date(day, "es") == "4 de julio de 2026"
    assert rendering.format_date(day, "pt") == "4 de Julho de 2026"
    assert rendering.format_date(day, "ht") == "4 jiyè 2026"
    assert rendering.format_date(day, "vi") == "Ngày 04 tháng 7 năm 2026"
    assert rendering.format_date(day, "zh-Hans") == "2026年7月4日"


def test_a_chunk_of_letters_renders_in_one_child_process():
    first, _ = rendered_letter("enrollment", "en")
    second = Letter.objects.create(member=first.member, episode=first.episode,
                                   kind="termination")
    htmls = [rendering.letter_html(first, letter_date=date(2026, 3, 3)).html,
             rendering.letter_html(second, letter_date=date(2026, 3, 3)).html]
    pdfs = rendering.render_pdfs(htmls)
    assert len(pdfs) == 2 and all(p.startswith(b"%PDF") for p in pdfs)
