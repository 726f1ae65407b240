"""Browser tests: Playwright driving Debian's Chromium against a live server."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would
# otherwise refuse to be called from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `apt-get install chromium` (./dev test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageErrors(list):
    pass


@pytest.fixture
def open_page(browser, live_server):
    """Open a page of the live site; console errors and page errors fail the test."""
    contexts = []
    errors = PageErrors()

    def open_(path: str = "/", *, color_scheme: str = "light", javascript: bool = True, width: int = 1280,
              status: int = 200):
        context = browser.new_context(
            base_url=live_server.url,
            color_scheme=color_scheme,
            java_script_enabled=javascript,
            viewport={"width": width, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        def on_console(message):
            # An error page logs its own status as a failed resource; that one is expected.
            expected = status != 200 and f"status of {status}" in message.text
            if message.type == "error" and not expected:
                errors.append(f"console: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        response = page.goto(path)
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, "\n".join(errors)
