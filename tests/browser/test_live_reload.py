"""Authoring: with DEBUG on, saving a Markdown file refreshes the open page by itself."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (same browser set-up)
from tests.conftest import ContentTree


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dev_server(tmp_path):
    tree = ContentTree(tmp_path / "content")
    tree.write("home.md", "---\ntitle: Home\ndescription: D\n---\nOriginal welcome text.\n")
    tree.write("faq.md", "---\ntitle: FAQ\ndescription: D\n---\nQ.\n")
    tree.write("roadmap.md", "---\ntitle: Roadmap\ndescription: D\n---\nR.\n")
    port = free_port()
    log = open(tmp_path / "server.log", "w+")
    env = {
        **os.environ,
        "DEBUG": "1",
        "CONTENT_DIR": str(tree.root),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "course.settings.base",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SECRET_KEY", None)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)  # polling for the port to open, not timing a result
    else:
        server.kill()
        pytest.fail("runserver did not start")
    yield f"http://127.0.0.1:{port}", tree, Path(log.name)
    server.terminate()
    server.wait(timeout=10)
    log.close()


def test_saving_markdown_refreshes_the_open_page_without_restarting_the_server(browser, dev_server):
    url, tree, log = dev_server
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/")
    expect(page.get_by_text("Original welcome text.")).to_be_visible()
    # The dev page carries django-browser-reload's listener.
    assert page.locator("script[data-worker-script-path]").count() == 1
    stale_marker = page.evaluate("() => { window.__notReloaded = true; return true; }")
    assert stale_marker
    tree.write("home.md", "---\ntitle: Home\ndescription: D\n---\nEdited while the page was open.\n")
    expect(page.get_by_text("Edited while the page was open.")).to_be_visible(timeout=20_000)
    # The page reloaded itself (our marker is gone); nobody called reload.
    assert page.evaluate("() => window.__notReloaded === undefined")
    output = log.read_text()
    assert "changed, reloading" not in output, output
    context.close()
