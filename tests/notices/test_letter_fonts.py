"""Letter fonts (issue 20): a simplified-Chinese letter sets its Chinese in Droid Sans Fallback
(a TrueType face, quick to subset and embed), embeds it once, and its PDF says every word of
its HTML; Vietnamese keeps DejaVu Sans and its diacritics; the PDF warm-up renders once per set
of stylesheets, and the rendering child's peak RSS is known (for the benchmark)."""

from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader

from cares.base import pdf
from notices import rendering
from tests.notices.test_rendering import embedded_fonts, pdf_text, rendered_letter, squeeze

pytestmark = pytest.mark.django_db

BLOCK = re.compile(r"<(p|li|h2)\b[^>]*>(.*?)</\1>", re.S)


def section_html(letter_html: str, language: str) -> str:
    start = letter_html.index(f'data-section="{language}"')
    return letter_html[start:letter_html.index("</article>", start)]


def blocks(section: str) -> list[str]:
    """The text of each paragraph, list item and heading, without markup."""
    texts = [squeeze(html.unescape(re.sub(r"<[^>]+>", "", inner)))
             for _tag, inner in BLOCK.findall(section)]
    return [text for text in texts if text]


def stored_html(letter) -> str:
    rendered = rendering.letter_html(letter, letter_date=letter.letter_date)
    assert rendered.sha256 == letter.html_sha256  # the HTML this PDF was made from
    return rendered.html


def font_names(page) -> set[str]:
    return {name.split("+", 1)[-1] for name in embedded_fonts(page)}


def test_simplified_chinese_is_set_in_one_light_face_and_says_all_its_text():
    letter, data = rendered_letter("enrollment", "zh-Hans")
    chinese, _english = PdfReader(io.BytesIO(data)).pages
    fonts = font_names(chinese)
    assert "Droid-Sans-Fallback" in fonts, fonts  # installed by .ci/system-deps
    assert not any("CJK" in name for name in fonts), fonts  # no 20 MB CFF collection
    assert sum("Droid" in name for name in fonts) == 1, fonts  # no second, "bold" copy
    text = squeeze(chinese.extract_text())
    chinese_blocks = blocks(section_html(stored_html(letter), "zh-Hans"))
    assert len(chinese_blocks) > 10 and any("护理经理" in block for block in chinese_blocks)
    for block in chinese_blocks:
        assert block in text, block


def test_vietnamese_keeps_dejavu_and_its_diacritics():
    letter, data = rendered_letter("enrollment", "vi")
    vietnamese, _english = PdfReader(io.BytesIO(data)).pages
    assert font_names(vietnamese) <= {"DejaVu-Sans", "DejaVu-Sans-Bold"}, font_names(vietnamese)
    text = squeeze(vietnamese.extract_text())
    vietnamese_blocks = blocks(section_html(stored_html(letter), "vi"))
    assert any(squeeze("Người quản lý chăm sóc") in block for block in vietnamese_blocks)
    for block in vietnamese_blocks:
        assert block in text, block


def test_warm_up_renders_once_per_set_of_stylesheets(monkeypatch):
    rendered = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "_warmed", set())
    monkeypatch.setattr(pdf, "html_to_pdf",
                        lambda html, **kw: rendered.append(kw["stylesheets"]) or real(html, **kw))
    pdf.warm_up(rendering.STYLESHEETS)
    pdf.warm_up(rendering.STYLESHEETS)
    pdf.warm_up()
    pdf.warm_up()
    assert rendered == [tuple(rendering.STYLESHEETS), pdf.WARM_UP_STYLESHEETS]


def test_the_warm_up_page_sets_every_script_of_the_letters():
    page = pdf.html_to_pdf(pdf.warm_up_html(), stylesheets=rendering.STYLESHEETS)
    text = squeeze(pdf_text(page))
    for phrase in ("Your designated care manager is", "Người quản lý chăm sóc",
                   "为您指定的护理经理是", "為您指定的護理經理是"):
        assert squeeze(phrase) in text, phrase


def test_the_rendering_child_reports_its_peak_rss():
    pdf.render_html_to_pdf('<html lang="en"><p>x</p></html>')
    peak = pdf.last_child_peak_rss_mb()
    assert peak is not None and 10 < peak < 4096
