"""cares.base.pdf as the letter workers use it: warm once per process, a chunk of documents in one
child process with a time limit each, usable inside Celery's daemonic prefork processes, and
the start-up check of the font-subsetting path."""

from __future__ import annotations

import multiprocessing

import pytest

from cares.base import pdf
from notices.checks import harfbuzz_subset_check


def test_a_chunk_renders_in_order_in_one_child():
    pdfs = pdf.render_many_html_to_pdf(['<html lang="en"><p>one</p>', '<html lang="en"><p>two</p>'])
    assert len(pdfs) == 2 and all(p.startswith(b"%PDF") for p in pdfs)
    assert pdf.render_many_html_to_pdf([]) == []


def test_each_document_of_a_chunk_has_the_time_limit():
    with pytest.raises(pdf.PDFRenderError, match="longer than"):
        pdf.render_many_html_to_pdf(['<p>fast</p>', "<p>" + "x " * 200000 + "</p>"],
                                    timeout=0.5)


def test_a_failing_document_is_reported(monkeypatch):
    pdf.warm_up()

    def broken(html, **kwargs):
        raise ValueError("broken layout")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    with pytest.raises(pdf.PDFRenderError, match="ValueError: broken layout"):
        pdf.render_many_html_to_pdf(["<p>ok</p>"])


def _render_in_daemon(queue):
    try:
        queue.put(pdf.render_html_to_pdf('<html lang="en"><p>x</p>')[:5])
    except Exception as exc:  # reported to the test
        queue.put(repr(exc))


def test_rendering_works_in_a_daemonic_process_like_a_prefork_worker():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_render_in_daemon, args=(queue,), daemon=True)
    process.start()
    answer = queue.get(timeout=60)
    process.join(10)
    assert answer == b"%PDF-", answer


def test_warm_up_once_and_say_which_subsetting_path():
    backend = pdf.warm_up(("notices/letters.css",))
    assert backend in ("harfbuzz", "fonttools")
    assert backend == ("harfbuzz" if pdf.harfbuzz_subset_installed() else "fonttools")
    assert pdf.stylesheet("notices/letters.css") is pdf.stylesheet("notices/letters.css")
    assert pdf.font_config() is pdf.font_config()


def test_start_up_check_warns_without_harfbuzz_subset(monkeypatch):
    monkeypatch.setattr("cares.base.pdf.harfbuzz_subset_installed", lambda: True)
    assert harfbuzz_subset_check() == []
    monkeypatch.setattr("cares.base.pdf.harfbuzz_subset_installed", lambda: False)
    [warning] = harfbuzz_subset_check()
    assert warning.id == "notices.W001" and "libharfbuzz-subset0" in warning.msg
