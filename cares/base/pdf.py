"""The one PDF function of the project (WeasyPrint).

``render_template_to_pdf`` renders a Django template to HTML and then to PDF and returns both,
so tests can check the HTML. Its URL fetcher serves only the application's own static files
(addressed as ``cares-static:/path``) and refuses everything else: ``file://`` (which could pull
host files into a document), other hosts and private addresses. Rendering runs in a child
process with a time limit, so a hostile or broken document cannot hang a worker.

Speed. ``weasyprint`` is imported lazily, in one place (``weasy``; web start-up stays fast),
but the first render in a process calls ``warm_up``: it imports WeasyPrint, creates one shared
``FontConfiguration``, parses the shared stylesheets once and renders a constant page
(``templates/pdf/warm_up.html``: Latin, Vietnamese and CJK text, regular and bold, marked up
as letters and other documents are) with each set of stylesheets in use, so fontconfig, the
fonts at their sizes and their shaping are loaded *before* the child is forked. Each child then
starts warm (about 30 ms instead of 2 s for a minimal page; an English letter about a third
less than after a warm-up with a plain page).
``render_many_html_to_pdf`` renders a chunk of documents in one child, still with a time limit
per document. WeasyPrint subsets fonts with HarfBuzz only when Debian's ``libharfbuzz-subset0``
is installed, otherwise with fontTools, several times slower with CJK fonts (WeasyPrint issue
2120): ``warm_up`` logs which path is in use and ``notices`` has a system check for it.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import logging
import os
import signal
from collections.abc import Sequence
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from pypdf import PdfReader

logger = logging.getLogger(__name__)

STATIC_SCHEME = "cares-static:"
DEFAULT_TIMEOUT_SECONDS = 30
# Rendered in process once per set of stylesheets (a constant, trusted page): loads the fonts.
WARM_UP_TEMPLATE = "pdf/warm_up.html"
WARM_UP_STYLESHEETS = ("css/print.css",)  # documents rendered without stylesheets link it

_warmed: set[tuple[str, ...]] = set()
_last_child: dict[str, float] = {}


class PDFRenderError(RuntimeError):
    """The PDF could not be rendered (time limit, or WeasyPrint failed)."""


@cache
def weasy():
    """The ``weasyprint`` package, imported on first use (its ``urls``, ``text.fonts`` and
    ``text.ffi`` come with it)."""
    import weasyprint  # lazy: heavy (fonts, cffi), would slow every web process's start-up

    return weasyprint


def _static_path(url: str) -> Path | None:
    relative = url[len(STATIC_SCHEME):].lstrip("/")
    if relative.startswith(settings.STATIC_URL.strip("/") + "/"):
        relative = relative[len(settings.STATIC_URL.strip("/")) + 1:]
    if ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    return Path(found) if found else None


def make_url_fetcher():
    urls = weasy().urls

    class StaticOnlyFetcher(urls.URLFetcher):
        """Serves ``cares-static:`` from the app's static files; refuses every other URL."""

        def fetch(self, url, headers=None):
            if url.startswith(STATIC_SCHEME):
                path = _static_path(url)
                if path is not None and path.is_file():
                    return urls.URLFetcherResponse(url, body=path.read_bytes(),
                                                   headers={"Content-Type": _mime(path)})
            raise urls.URLFetchingError(f"refused to fetch {url.split(':', 1)[0]}: URL")

    return StaticOnlyFetcher(allowed_protocols=())


def _mime(path: Path) -> str:
    return {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
            ".jpg": "image/jpeg", ".woff2": "font/woff2", ".ttf": "font/ttf"}.get(
        path.suffix.lower(), "application/octet-stream")


# --- Shared per process: font configuration, URL fetcher, parsed stylesheets ----------------

@cache
def font_config():
    """One ``FontConfiguration`` shared by every render of this process (and its children)."""
    return weasy().text.fonts.FontConfiguration()


@cache
def _fetcher():
    return make_url_fetcher()


@cache
def stylesheet(name: str):
    """The app's static stylesheet ``name`` (e.g. ``css/print.css``), parsed once."""
    return weasy().CSS(url=f"{STATIC_SCHEME}/{name}", url_fetcher=_fetcher(),
                       font_config=font_config())


def harfbuzz_subset_installed() -> bool:
    """Whether the HarfBuzz subsetting library is on this machine (without importing
    WeasyPrint): Debian's ``libharfbuzz-subset0``."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


def subsetting_backend() -> str:
    """``harfbuzz`` or ``fonttools``: how WeasyPrint subsets the fonts it embeds."""
    ffi = weasy().text.ffi
    if ffi.harfbuzz_subset is not None and ffi.harfbuzz.hb_version_atleast(4, 1, 0):
        return "harfbuzz"
    return "fonttools"


def warm_up_html() -> str:
    return render_to_string(WARM_UP_TEMPLATE)


def warm_up(stylesheets: Sequence[str] = ()) -> str:
    """Load WeasyPrint, the fonts and ``stylesheets`` in this process, once per set of
    stylesheets; returns the font subsetting backend in use. Children forked afterwards
    inherit all of it."""
    key = tuple(stylesheets) or WARM_UP_STYLESHEETS
    for name in stylesheets:
        stylesheet(name)
    backend = subsetting_backend()
    if key in _warmed:
        return backend
    first = not _warmed
    html_to_pdf(warm_up_html(), stylesheets=key)
    _warmed.add(key)
    if first and backend == "harfbuzz":
        logger.info("PDF rendering is warm; fonts are subset with HarfBuzz")
    elif first:
        logger.warning("PDF rendering subsets fonts with fontTools, several times slower "
                       "with CJK fonts: install libharfbuzz-subset0")
    return backend


def html_to_pdf(html: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """HTML to PDF bytes in this process (no time limit; prefer render_html_to_pdf)."""
    document = weasy().HTML(string=html, base_url=STATIC_SCHEME + "/", url_fetcher=_fetcher())
    return document.write_pdf(
        pdf_variant="pdf/ua-1", font_config=font_config(),
        stylesheets=[stylesheet(name) for name in stylesheets])


# --- Rendering in a child process with a time limit ------------------------------------------
# A plain os.fork rather than multiprocessing.Process: Celery's prefork pool runs tasks in
# daemonic processes, which multiprocessing forbids to have children.

def _child(htmls: Sequence[str], stylesheets: Sequence[str], conn: Connection) -> None:
    for html in htmls:
        try:
            conn.send(("ok", html_to_pdf(html, stylesheets=stylesheets)))
        except Exception as exc:  # reported to the parent, which raises PDFRenderError
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            return


def render_many_html_to_pdf(htmls: Sequence[str], *, timeout: float | None = None,
                            stylesheets: Sequence[str] = ()) -> list[bytes]:
    """Render each of ``htmls`` in one child process, in order. Each document has its own time
    limit of ``timeout`` seconds; if one exceeds it or fails, the child is killed and
    ``PDFRenderError`` is raised."""
    if not htmls:
        return []
    timeout = timeout or getattr(settings, "CARES_PDF_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    warm_up(stylesheets)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, report, and leave without running any exit handler
        code = 0
        try:
            os.close(read_fd)
            _child(htmls, stylesheets, Connection(write_fd, readable=False))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    parent = Connection(read_fd, writable=False)
    results: list[bytes] = []
    try:
        for _ in htmls:
            if not parent.poll(timeout):
                raise PDFRenderError(f"PDF rendering took longer than {timeout} seconds")
            status, payload = parent.recv()
            if status != "ok":
                raise PDFRenderError(payload)
            results.append(payload)
    except EOFError as exc:
        raise PDFRenderError("PDF rendering process died") from exc
    finally:
        parent.close()
        _reap(pid)
    return results


def _reap(pid: int) -> None:
    """Kill the child if it is still running and collect it (no zombie); note its peak RSS."""
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        done, _status, usage = os.wait4(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            _pid, _status, usage = os.wait4(pid, 0)
        _last_child["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux: KiB


def last_child_peak_rss_mb() -> float | None:
    """The peak resident set size of the last rendering child process (MiB), for benchmarks:
    pages it shares with this process count too."""
    return _last_child.get("peak_rss_mb")


def render_html_to_pdf(html: str, *, timeout: float | None = None,
                       stylesheets: Sequence[str] = ()) -> bytes:
    """Render in a child process; give up (and kill it) after ``timeout`` seconds."""
    return render_many_html_to_pdf([html], timeout=timeout, stylesheets=stylesheets)[0]


def render_template_to_pdf(template: str, context: dict, *,
                           timeout: float | None = None) -> tuple[str, bytes]:
    """Render ``template`` with ``context`` (autoescaped) to (html, pdf bytes)."""
    html = render_to_string(template, context)
    return html, render_html_to_pdf(html, timeout=timeout)


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF (pypdf)."""
    return len(PdfReader(io.BytesIO(pdf)).pages)
