"""The one PDF function: only the app's own static files, text stays text, time-limited."""

import io

import pytest
from pypdf import PdfReader
from weasyprint.urls import URLFetchingError

from cares.base.pdf import (
    PDFRenderError,
    make_url_fetcher,
    render_html_to_pdf,
    render_template_to_pdf,
)

HOSTILE = '<img src="file:///etc/passwd"> Nguyễn Thị Minh 陳小明'


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_hostile_name_renders_as_text_in_html_and_pdf():
    html, pdf = render_template_to_pdf("pdf/test_document.html",
                                       {"title": "Letter", "body": HOSTILE})
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "<img" not in html
    text = pdf_text(pdf)
    assert 'src="file:///etc/passwd"' in text
    assert "Nguyễn Thị Minh" in text and "陳小明" in text
    assert "root:" not in text


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x.png",
    "https://example.org/logo.png", "cares-static:/../../../etc/passwd",
    "cares-static:/css/does-not-exist.css", "data:text/plain,hello",
])
def test_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(URLFetchingError):
        make_url_fetcher().fetch(url)


def test_fetcher_serves_our_stylesheet():
    response = make_url_fetcher().fetch("cares-static:/css/print.css")
    assert b"font-family" in response.read()


def test_file_urls_in_html_are_not_embedded():
    pdf = render_html_to_pdf('<p>x</p><img src="file:///etc/hostname">'
                             '<link rel="stylesheet" href="file:///etc/passwd">')
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0


def test_fonts_are_embedded_for_cjk_and_vietnamese():
    pdf = render_html_to_pdf('<link rel="stylesheet" href="cares-static:/css/print.css">'
                             "<p>Tiếng Việt 简体中文 繁體中文</p>")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            for child in descriptor.get("/DescendantFonts", [descriptor]):
                desc = child.get_object().get("/FontDescriptor")
                if desc and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2",
                                                                  "/FontFile3")):
                    fonts.add(str(child.get_object()["/BaseFont"]))
    assert any("DejaVu" in f for f in fonts), fonts
    assert any("CJK" in f for f in fonts), fonts


def test_render_time_limit():
    with pytest.raises(PDFRenderError, match="longer than"):
        render_html_to_pdf("<p>" + "x " * 200000 + "</p>", timeout=0.01)
