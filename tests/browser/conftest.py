"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server.

One Chromium for all the browser tests, a fresh context (cookies, storage) per test.
Playwright's own browser download is not used: Chromium comes from the Debian package
(``make system-deps``). If it is missing the tests fail; they never skip.

While Playwright runs, its asyncio loop counts as running in this thread. Django then
refuses ORM calls from the test (hence DJANGO_ALLOW_ASYNC_UNSAFE) and keeps this thread's
database connections in context-local rather than thread-local storage. So Chromium is
stopped as soon as the last browser test is done, and the tests after them run as usual.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"


class _Chromium:
    """Starts Playwright and Chromium on first use; ``stop`` ends both."""

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None

    def get(self):
        if self._browser is None:
            if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
                pytest.fail(
                    f"Chromium is not installed at {CHROMIUM}; the browser tests need it. "
                    "Install it with `make system-deps` (Debian package `chromium`).",
                    pytrace=False,
                )
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            try:
                self._browser = self._playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
            except Exception:
                self.stop()
                raise
        return self._browser

    def stop(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


_chromium = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last browser test (of a run of them), stop Chromium and Playwright's loop."""
    try:
        return (yield)
    finally:
        if nextitem is None or nextitem.get_closest_marker("browser") is None:
            _chromium.stop()


@pytest.fixture(scope="session")
def browser():
    """The shared Chromium (started on first use)."""
    yield _chromium
    _chromium.stop()


@pytest.fixture
def page(live_server, browser):
    """A page in a fresh browser context pointed at the live server.

    Fails the test if the page raised a JavaScript error or a static asset failed to load.
    """
    context = browser.get().new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} for {r.url}")
        if "/static/" in r.url and r.status >= 400 else None,
    )
    # A load the browser cancelled (the test moved on to the next page before a stylesheet
    # arrived: net::ERR_ABORTED) is no missing asset; a missing one answers 404 (above).
    page.on(
        "requestfailed",
        lambda r: problems.append(f"failed to load {r.url}: {r.failure}")
        if "/static/" in r.url and "ERR_ABORTED" not in (r.failure or "") else None,
    )
    yield page
    context.close()
    if problems:
        pytest.fail("Browser problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def sign_in(page):
    """Sign in through the login form, as a user would."""

    def sign_in(email: str, password: str) -> None:
        from cares.base.staff.models import User
        from tests.factories import totp_code, totp_device

        user = User.objects.filter(email__iexact=email).first()
        device = totp_device(user) if user is not None else None
        page.goto("/accounts/login/")
        page.locator('input[name="username"]').fill(email)
        page.locator('input[name="password"]').fill(password)
        # Wait for the answer (and any redirect) to load before the caller looks at it.
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if device is not None and "/accounts/two-factor/" in page.url:
            # The second factor: the code an authenticator app would show. django-otp refuses
            # a code used before (replay), so a test signing the same person in twice within
            # one 30-second step forgets the last use first.
            type(device).objects.filter(pk=device.pk).update(last_t=-1)
            page.locator('input[name="code"]').fill(totp_code(device))
            with page.expect_navigation():
                page.get_by_role("button", name="Verify").click()

    return sign_in


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
