"""Browser fixtures, imported by the root conftest: Debian's Chromium driven by Playwright, nothing downloaded.

Fixture names avoid pytest-playwright's own (`page`, `browser`, `context`...), which would
launch a browser build that Playwright downloads and that is never installed here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import Page, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ABSENT = "Chromium absent: browser tests skipped (apt-get install chromium)"
MUST_RUN = "Chromium absent and CI=true: the browser tests must run in CI (apt-get install chromium)"


@pytest.fixture
def browser_console() -> list[str]:
    """Every console message of the page, as "type: text" (CSP violations show up here)."""
    return []


@pytest.fixture
def browser_page(browser_console: list[str]) -> Iterator[Page]:
    """A fresh Chromium page, 390×844 and fr-FR; skips without Chromium, except in CI where it fails."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MUST_RUN, pytrace=False)
        pytest.skip(ABSENT)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=CHROMIUM_ARGS,
            # Playwright turns the back/forward cache off; a phone has it on, and Back must not
            # bring a record back from it after logout.
            ignore_default_args=["--disable-back-forward-cache"],
            headless=True,
        )
        try:
            context = browser.new_context(viewport=PHONE, locale="fr-FR")
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("console", lambda message: browser_console.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: browser_console.append(f"pageerror: {error}"))
            yield page
            context.close()
        finally:
            browser.close()
            # While Playwright's event loop runs, the test's ORM calls get a connection of their own (Django keeps
            # connections per async context); left open, it kept PostgreSQL from dropping the test database.
            connections.close_all()


@pytest.fixture
def site_url(live_server: LiveServer) -> str:
    """The live server's root, on `localhost`: Chromium treats http://localhost as a secure context,
    so the production cookies (`__Host-` prefix, Secure flag) are kept; on 127.0.0.1 they might not be."""
    url = live_server.url
    assert url.startswith("http://localhost:"), url
    return url
